// Walks every page of every role — anonymous, patient, doctor, administrator —
// in French and English, on a desktop (1280×800) and a phone (390×844), and
// fails on what a person would see: console errors (CSP violations among them),
// uncaught errors (a hydration panic such as "unreachable"), failed requests
// and error statuses, a page wider than the phone, times shown in UTC, raw
// codes (vital keys, status codes), Rust or HTML source in the text, and
// serious or critical axe-core violations. Every page is loaded four times in
// all (once per language and size) and screenshotted whole under
// end2end/screenshots/ (`doctor-fr-phone-agenda.png`). Problems are collected
// over the whole walk and reported once, grouped, at the end; the same list
// is written to end2end/screenshots/walk-report.txt.
//
// Knobs: WALK_CONCURRENCY (signed-in contexts walked at once, default 2),
// WALK_AXE=all (axe in English too; by default French, both sizes),
// WALK_ROLES=patient,doctor (a subset of roles), WALK_VERBOSE=1 (each load's
// timings: hydrated, settled, loaded, screenshot, axe).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { BASE, launch, waitHydrated } from '../support.mjs';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const LANG_COOKIE = 'medplat_lang'; // app/src/session.rs
const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};
const LANGS = ['fr', 'en'];
const CONCURRENCY = Number(process.env.WALK_CONCURRENCY ?? 2);
const AXE_LANGS = process.env.WALK_AXE === 'all' ? LANGS : ['fr'];

/**
 * Every page of each role (the <Route>s of app/src/lib.rs). `id` names an id
 * found through the REST API (see `discover`); `expect` is where the page must
 * land when it is not its own path; `status` an error status the document is
 * expected to answer.
 */
const ROLES = {
  anonymous: {
    pages: [
      { name: 'home', path: '/' },
      { name: 'login', path: '/login' },
      { name: 'signup', path: '/signup' },
      // Opened from a reset link (`?token=…`); without one it still shows its form.
      { name: 'reset-password', path: '/reset-password' },
      // A doctor's page is not public: the patient portal sends a visitor to sign in.
      { name: 'doctor-page', path: '/patient/doctors/:doctor', expect: '/login' },
      { name: 'not-found', path: '/page-inexistante', status: 404 },
    ],
  },
  patient: {
    login: 'marie', password: 'rendez-vous-2026', home: '/patient',
    pages: [
      { name: 'home', path: '/patient' },
      { name: 'doctors', path: '/patient/doctors' },
      { name: 'doctor', path: '/patient/doctors/:doctor' },
      { name: 'appointments', path: '/patient/appointments' },
      { name: 'waitlist', path: '/patient/waitlist' },
      { name: 'profile', path: '/patient/profile' },
      { name: 'care-team', path: '/patient/care-team' },
      { name: 'access', path: '/patient/access' },
      { name: 'vitals', path: '/patient/vitals' },
      { name: 'treatments', path: '/patient/treatments' },
      { name: 'symptoms', path: '/patient/symptoms' },
      { name: 'consultations', path: '/patient/consultations' },
      { name: 'consultation', path: '/patient/consultations/:record' },
      { name: 'messages', path: '/patient/messages' },
      { name: 'account', path: '/patient/account' },
    ],
  },
  doctor: {
    login: 'dr.dupont', password: 'consultation-2026', home: '/doctor',
    pages: [
      { name: 'home', path: '/doctor' },
      { name: 'agenda', path: '/doctor/agenda' },
      { name: 'calendar', path: '/doctor/calendar' },
      { name: 'patients', path: '/doctor/patients' },
      { name: 'patient-file', path: '/doctor/patients/:patient' },
      { name: 'patient-vitals', path: '/doctor/patients/:patient/vitals' },
      { name: 'monitoring', path: '/doctor/monitoring' },
      { name: 'devices', path: '/doctor/devices' },
      { name: 'consultations', path: '/doctor/consultations' },
      { name: 'consultation', path: '/doctor/consultations/:record' },
      { name: 'messages', path: '/doctor/messages' },
      { name: 'sms', path: '/doctor/sms' },
      { name: 'stats', path: '/doctor/stats' },
      { name: 'profile', path: '/doctor/profile' },
      { name: 'account', path: '/doctor/account' },
    ],
  },
  admin: {
    login: 'admin', password: 'gestion-2026!', home: '/admin',
    pages: [
      { name: 'home', path: '/admin' },
      { name: 'accounts', path: '/admin/accounts' },
      { name: 'specialties', path: '/admin/specialties' },
      { name: 'appointments', path: '/admin/appointments' },
      { name: 'trail', path: '/admin/trail' },
      { name: 'activity', path: '/admin/activity' },
      { name: 'stats', path: '/admin/stats' },
      { name: 'care', path: '/admin/care' },
      { name: 'devices', path: '/admin/devices' },
      { name: 'sms', path: '/admin/sms' },
      { name: 'exports', path: '/admin/exports' },
      { name: 'settings', path: '/admin/settings' },
      { name: 'account', path: '/admin/account' },
    ],
  },
};

/**
 * Error statuses that are not defects, each with its reason. A request is
 * matched by role, method and path (a RegExp on the path without the origin).
 */
const EXPECTED_STATUS = [
  // { role: 'anonymous', method: 'GET', path: /^\/api\/v1\/auth\/me\/$/, status: 401, reason: '…' },
];

// ---------------------------------------------------------------------------
// What the page shows.

/** Codes that must never reach the screen: vital keys (domain/src/vitals, VisitVitals in domain/src/consultations). */
const VITAL_KEYS = /\b(heart_rate|heart_rate_bpm|spo2|spo2_pct|systolic_bp|diastolic_bp|systolic_mmhg|diastolic_mmhg|respiratory_rate|temperature_c|blood_glucose|oxygen_flow|weight_kg|height_cm)\b/;
/** Vital codes that are English words: raw codes only on a French page. */
const VITAL_WORDS_FR = /\b(systolic|diastolic|temperature|consciousness)\b/;

/**
 * What visible text must not show: [kind, pattern, options]. `raw`: matched
 * word by word, addresses and e-mails left out; otherwise also matched across
 * elements ("n° <b>12</b> →"). `langs`: only on pages in these languages.
 */
const TEXT_RULES = [
  ['time shown in UTC', /\bUTC\b/, {}],
  ['internal number shown ("n° 12 →")', /n° ?\d+ ?→/, {}],
  ['raw vital key', VITAL_KEYS, { raw: true }],
  ['raw vital key (English code on a French page)', VITAL_WORDS_FR, { raw: true, langs: ['fr'] }],
  ['raw code (snake_case)', /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g, { raw: true, unless: VITAL_KEYS }],
  ['source code in the text', /=>|\|c\||current\.update|<\/?[a-z][a-z0-9]*[ >/]|\b(?:Some|Ok|Err)\(|\bmove \||\.(?:get|set|update|with)\(\)/, {}],
  ['unfilled placeholder or raw JSON', /\{[a-z_]+\}|\{"[a-z_]+":/, { raw: true }],
  ['broken value (NaN, undefined)', /\bNaN\b|\bundefined\b/, {}],
];
/** Text that is not the page's own words (addresses, e-mails) is left out of the raw-code rules. */
const NOT_WORDS = /\b[\w.+-]+@[\w.-]+\b|https?:\/\/\S+|(?:^|\s)\/[\w\-/.?=&%]+/g;

/** Runs in the page: a short, readable selector of an element. */
const DESCRIBE = `(el) => {
  if (!el || el.nodeType !== 1) return String(el);
  const one = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += '#' + e.id;
    const testid = e.getAttribute('data-testid');
    if (testid) s += '[data-testid="' + testid + '"]';
    else if (typeof e.className === 'string' && e.className.trim()) s += '.' + e.className.trim().split(/\\s+/).slice(0, 3).join('.');
    return s;
  };
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 3 && e !== document.body; e = e.parentElement) {
    parts.unshift(one(e));
    if (e.id || e.getAttribute('data-testid')) break;
  }
  return parts.join(' > ');
}`;

/** Installed before any page script: records CSP violations with the element at fault. */
const CSP_PROBE = `
  window.__csp = [];
  const describe = ${DESCRIBE};
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push({
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      target: describe(e.target && e.target.nodeType === 1 ? e.target : null),
      // The script or style sheet at fault; none for the page itself (its inline styles).
      source: e.sourceFile && e.sourceFile !== location.href ? e.sourceFile.replace(location.origin, '') + ':' + e.lineNumber : '',
      sample: e.sample || '',
    });
  }, true);
`;

/** Runs in the page: the visible text nodes with where they are. */
const VISIBLE_TEXT = `(() => {
  const describe = ${DESCRIBE};
  const visible = (el) => el.checkVisibility({ checkVisibilityCSS: true, visibilityProperty: true });
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim()) continue;
    if (el.closest('script,style,noscript,template,select,textarea')) continue;
    if (!visible(el)) continue;
    out.push({ text: n.textContent, where: describe(el) });
  }
  // A list shows only its chosen option (a time zone list holds "UTC" legitimately).
  for (const s of document.querySelectorAll('select')) {
    if (visible(s) && s.selectedOptions[0]) out.push({ text: s.selectedOptions[0].text, where: describe(s) });
  }
  for (const i of document.querySelectorAll('input[placeholder],textarea[placeholder]')) {
    if (visible(i)) out.push({ text: i.placeholder, where: describe(i) + ' (placeholder)' });
  }
  return out;
})()`;

/** Runs in the page: the smallest element whose text matches a pattern, across its children. */
const SPANNING = `(source) => {
  const describe = ${DESCRIBE};
  const re = new RegExp(source);
  const text = (el) => (el.innerText || '').replace(/\\s+/g, ' ');
  if (!re.test(text(document.body))) return null;
  let el = document.body;
  for (let child = el; child; ) {
    el = child;
    child = [...el.children].find((c) => re.test(text(c)));
  }
  const t = text(el);
  const m = t.match(re);
  return { match: m[0], where: describe(el), snippet: t.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).trim() };
}`;

/** Runs in the page: null, or the document's overflow and the elements that cause it. */
const OVERFLOW = `(() => {
  const describe = ${DESCRIBE};
  const doc = document.documentElement;
  // The layout viewport: a phone may zoom out to show a page wider than itself.
  const vw = Math.min(window.innerWidth, doc.clientWidth);
  const scrollWidth = Math.max(doc.scrollWidth, document.body.scrollWidth);
  if (scrollWidth <= vw) return null;
  const clips = (el) => {
    for (let p = el.parentElement; p && p !== document.body && p !== doc; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const over = (el) => el.getBoundingClientRect().right > vw + 1;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    if (getComputedStyle(el).position === 'fixed') continue;
    if (el.parentElement && el.parentElement !== document.body && over(el.parentElement)) continue;
    if (clips(el)) continue;
    culprits.push({ where: describe(el), left: Math.round(r.left), right: Math.round(r.right) });
  }
  culprits.sort((a, b) => b.right - a.right);
  return { scrollWidth, innerWidth: vw, culprits: culprits.slice(0, 3) };
})()`;

/** Loading texts (i18n `loading`): a page still showing one has not finished. */
const LOADING = /Chargement…|Loading…/;

// ---------------------------------------------------------------------------

let browser;
const problems = [];
let loads = 0;

before(async () => {
  browser = await launch();
  await rm(SHOTS, { recursive: true, force: true });
  await mkdir(SHOTS, { recursive: true });
});

after(async () => { await browser?.close(); });

const seen = new Set();
/** Records a problem once per page load (a page with 40 inline styles says so once per element). */
function problem(at, kind, detail) {
  const text = String(detail).replaceAll(BASE, '');
  const key = [at.role, at.lang, at.size, at.page, kind, text].join('|');
  if (seen.has(key)) return;
  seen.add(key);
  problems.push({ ...at, kind, detail: text });
}

/** A context for `role` at `size`, signed in (retrying once the sign-in throttle has passed). */
async function contextFor(roleName, size) {
  const role = ROLES[roleName];
  const options = { locale: 'fr-FR', timezoneId: 'Europe/Paris', ...SIZES[size] };
  for (let attempt = 1; ; attempt += 1) {
    const context = await browser.newContext(options);
    await context.addInitScript(CSP_PROBE);
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    if (!role.login) return page;
    await page.goto(`${BASE}/login`);
    await page.fill('#login', role.login);
    await page.fill('#password', role.password);
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    try {
      await page.waitForURL(`${BASE}${role.home}`);
      // Let the home page finish loading, so that its requests are not cut by the first visit.
      await waitHydrated(page);
      await page.waitForLoadState('load');
      return page;
    } catch (error) {
      const code = await page.locator('[role="alert"]').first().getAttribute('data-error-code', { timeout: 1000 }).catch(() => null);
      await context.close();
      if (code !== 'rate_limited' || attempt === 3) throw new Error(`${roleName}: sign-in failed (${code ?? error.message})`);
      await new Promise((resolve) => setTimeout(resolve, 20000));
    }
  }
}

/** GET a REST list with the page's cookies. */
async function api(page, url) {
  const response = await page.request.get(`${BASE}${url}`);
  if (response.status() !== 200) throw new Error(`GET ${url}: ${response.status()} ${await response.text()}`);
  return response.json();
}

// Ids for `:name` segments, found through the REST API once per role.
let resolveDoctorId;
const doctorId = new Promise((resolve) => { resolveDoctorId = resolve; });
const ids = {};

async function discover(roleName, page) {
  if (ids[roleName]) return ids[roleName];
  if (roleName === 'patient') {
    const doctors = await api(page, '/api/v1/doctors/');
    const dupont = doctors.find((d) => d.username === 'dr.dupont') ?? doctors[0];
    const records = await api(page, '/api/v1/consultations/');
    // The validated record shows the most (the doctor's conclusion, read-only).
    const record = records.find((r) => r.status === 'validated') ?? records[0];
    assert.ok(dupont && record, 'the demo has doctors and records for marie');
    resolveDoctorId(dupont.id);
    ids.patient = { doctor: dupont.id, record: record.id };
  } else if (roleName === 'doctor') {
    const care = await api(page, '/api/v1/care-relationships/');
    // Marie has a home oximeter: her vitals page has readings.
    const marie = care.find((c) => /Marie/.test(c.patient_name)) ?? care[0];
    const records = await api(page, '/api/v1/consultations/');
    const record = records.find((r) => r.status === 'submitted') ?? records[0];
    assert.ok(marie && record, 'the demo has patients and records for dr.dupont');
    ids.doctor = { patient: marie.patient_id, record: record.id };
  } else if (roleName === 'anonymous') {
    ids.anonymous = { doctor: await doctorId };
  } else {
    ids[roleName] = {};
  }
  return ids[roleName];
}

const fill = (template, values) => template.replace(/:(\w+)/g, (_, key) => {
  if (values[key] === undefined) throw new Error(`no id for :${key} in ${template}`);
  return String(values[key]);
});

/** Waits until no request is in flight for `quietMs` (at most `maxMs`). */
async function settle(page, inflight, quietMs = 400, maxMs = 8000) {
  const start = Date.now();
  let quietSince = Date.now();
  while (Date.now() - start < maxMs) {
    if (inflight.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await page.waitForTimeout(50);
  }
}

/** Opens one page fresh and checks it. */
async function visit(page, at, entry, target, { axe }) {
  const events = [];
  const inflight = new Set();
  let committed = false;
  let crash;
  const crashed = new Promise((resolve) => { crash = resolve; });
  const listeners = {
    console: (msg) => { if (msg.type() === 'error') events.push(['console error', msg.text(), msg.location()?.url]); },
    pageerror: (error) => { events.push(['uncaught error', `${error.name}: ${error.message}`]); crash(error); },
    // Requests of the page before (its preloads, cut by this navigation) are not this page's:
    // count a request once this navigation has committed, or if it is this navigation.
    request: (request) => { if (committed || request.isNavigationRequest()) inflight.add(request); },
    framenavigated: (frame) => { if (frame === page.mainFrame()) committed = true; },
    requestfinished: (request) => inflight.delete(request),
    requestfailed: (request) => {
      if (!inflight.delete(request)) return;
      events.push(['failed request', `${request.method()} ${request.url()}: ${request.failure()?.errorText}`]);
    },
    response: (response) => {
      const status = response.status();
      if (status < 400) return;
      const request = response.request();
      const url = new URL(response.url());
      const isDocument = request.isNavigationRequest() && request.frame() === page.mainFrame();
      if (isDocument && entry.status === status) return;
      const expected = EXPECTED_STATUS.find((e) => (!e.role || e.role === at.role) && e.method === request.method()
        && e.status === status && e.path.test(url.pathname));
      if (!expected) events.push(['error status', `${status} ${request.method()} ${url.pathname}${url.search}`]);
    },
    websocket: (ws) => ws.on('socketerror', (error) => events.push(['failed request', `WebSocket ${ws.url()}: ${error}`])),
  };
  for (const [name, fn] of Object.entries(listeners)) page.on(name, fn);

  loads += 1;
  const t0 = Date.now();
  const marks = [];
  const mark = (label) => marks.push(`${label} ${Date.now() - t0}`);
  let response = null;
  try {
    response = await page.goto(`${BASE}${target}`, { timeout: 30000 });
  } catch (error) {
    problem(at, 'navigation failed', error.message.split('\n')[0]);
  }
  if (response && entry.status && response.status() !== entry.status) {
    problem(at, 'error status', `document answered ${response.status()}, expected ${entry.status}`);
  }
  // A panic (RuntimeError: unreachable) ends hydration for good: no use waiting 30 s then.
  const hydrated = await Promise.race([
    waitHydrated(page).then(() => 'yes', () => 'no <html data-hydrated> within 30 s'),
    crashed.then(() => page.waitForTimeout(500)).then(() => 'no <html data-hydrated>: an uncaught error stopped the WebAssembly'),
  ]);
  if (hydrated !== 'yes' && !(await page.locator('html[data-hydrated]').count())) problem(at, 'not hydrated', hydrated);
  mark('hydrated');
  await settle(page, inflight);
  mark('settled');
  // A page still "Loading…" 5 s after hydrating is stuck.
  if (LOADING.test(await page.evaluate(() => document.body.innerText))) {
    await page.waitForFunction((source) => !new RegExp(source).test(document.body.innerText), LOADING.source, { timeout: 5000 })
      .catch(() => problem(at, 'stuck loading', 'still shows "Chargement…/Loading…" 5 s after hydration'));
    await settle(page, inflight);
  }

  mark('loaded');
  const url = new URL(page.url());
  const expectPath = entry.expect ?? target;
  if (url.pathname !== expectPath) problem(at, 'wrong page', `landed on ${url.pathname}, expected ${expectPath}`);
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== at.lang) problem(at, 'wrong language', `<html lang="${lang}">`);

  // Uncaught errors, console errors and requests; CSP violations with their element.
  const csp = await page.evaluate(() => window.__csp ?? []).catch(() => []);
  for (const v of csp) {
    const what = v.target !== 'null' ? ` on ${v.target}` : '';
    const from = v.blocked && v.blocked !== 'inline' ? ` blocked ${v.blocked.replace(BASE, '')}` : '';
    problem(at, 'CSP violation', `${v.directive}${from}${what}${v.source ? ` (${v.source})` : ''}`);
  }
  for (const [kind, text, source] of events) {
    if (kind === 'console error' && csp.length && /Content Security Policy/.test(text)) continue;
    // Chromium logs every error status too; the response check above has judged those.
    if (kind === 'console error' && /^Failed to load resource: the server responded with a status of/.test(text)) continue;
    const short = text.replace(/\s+/g, ' ').slice(0, 300);
    problem(at, kind, kind === 'console error' && source ? `${short} (${source.replace(BASE, '')})` : short);
  }

  // Wider than the screen.
  const overflow = await page.evaluate(OVERFLOW);
  if (overflow) {
    const culprits = overflow.culprits.map((c) => `${c.where} (${c.left}–${c.right}px)`).join('; ') || 'no single element found';
    problem(at, 'horizontal overflow', `page is ${overflow.scrollWidth}px wide in ${overflow.innerWidth}px: ${culprits}`);
  }

  // What the page says.
  const nodes = await page.evaluate(VISIBLE_TEXT);
  for (const [kind, pattern, { raw, langs, unless }] of TEXT_RULES) {
    if (langs && !langs.includes(at.lang)) continue;
    let found = 0;
    for (const { text, where } of nodes) {
      const subject = raw ? text.replace(NOT_WORDS, ' ') : text;
      const match = pattern.global
        ? [...subject.matchAll(pattern)].find((m) => !unless?.test(m[0]))
        : subject.match(pattern);
      if (!match) continue;
      found += 1;
      // Three examples a page; a table of fifty rows says the rest in a count.
      if (found > 3) continue;
      const i = match.index;
      const snippet = subject.slice(Math.max(0, i - 30), i + match[0].length + 30).replace(/\s+/g, ' ').trim();
      problem(at, kind, `"${match[0]}" in ${where}: «${snippet}»`);
    }
    if (found > 3) problem(at, kind, `… and ${found - 3} more elements on the page`);
    if (!found && !raw) {
      // The pattern may span elements ("n° <b>12</b> →"): name the smallest element that holds it.
      const spanning = await page.evaluate(`(${SPANNING})(${JSON.stringify(pattern.source)})`);
      if (spanning) problem(at, kind, `"${spanning.match}" in ${spanning.where}: «${spanning.snippet}»`);
    }
  }

  for (const [name, fn] of Object.entries(listeners)) page.off(name, fn);

  await page.screenshot({ path: path.join(SHOTS, `${at.role}-${at.lang}-${at.size}-${entry.name}.png`), fullPage: true })
    .catch((error) => problem(at, 'screenshot failed', error.message.split('\n')[0]));

  mark('shot');
  if (axe) {
    try {
      const results = await new AxeBuilder({ page }).analyze();
      for (const v of results.violations) {
        if (v.impact !== 'serious' && v.impact !== 'critical') continue;
        const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
        const more = v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : '';
        problem(at, `axe ${v.impact}`, `${v.id} (${v.help}): ${targets}${more}`);
      }
    } catch (error) {
      problem(at, 'axe failed', error.message.split('\n')[0]);
    }
    mark('axe');
  }
  if (process.env.WALK_VERBOSE) console.log(`${at.role} ${at.lang} ${at.size} ${target}: ${marks.join(', ')} ms`);
}

/** Walks every page of `role` at `size`, in French then English, in one signed-in context. */
async function walk(roleName, size) {
  let page;
  try {
    page = await contextFor(roleName, size);
  } catch (error) {
    problem({ role: roleName, lang: '*', size, page: '*' }, 'sign-in failed', error.message);
    if (roleName === 'patient') resolveDoctorId(undefined);
    return;
  }
  try {
    const values = await discover(roleName, page);
    for (const lang of LANGS) {
      if (lang !== 'fr') {
        await page.context().addCookies([{ name: LANG_COOKIE, value: lang, url: BASE }]);
      }
      for (const entry of ROLES[roleName].pages) {
        const target = fill(entry.path, values);
        const at = { role: roleName, lang, size, page: entry.name, path: target };
        await visit(page, at, entry, target, { axe: AXE_LANGS.includes(lang) });
      }
    }
  } catch (error) {
    problem({ role: roleName, lang: '*', size, page: '*' }, 'walk failed', error.stack ?? error.message);
  } finally {
    // The anonymous walk waits for this id: never leave it waiting.
    if (roleName === 'patient') resolveDoctorId(ids.patient?.doctor);
    await page.context().close();
  }
}

/** The problems grouped by kind, then by detail, with the pages (role, path, language and size) where each was seen. */
function report(list) {
  const combos = LANGS.length * Object.keys(SIZES).length;
  const kinds = new Map();
  for (const p of list) {
    if (!kinds.has(p.kind)) kinds.set(p.kind, new Map());
    const details = kinds.get(p.kind);
    if (!details.has(p.detail)) details.set(p.detail, new Map());
    const pages = details.get(p.detail);
    const key = `${p.role} ${p.path ?? p.page}`;
    if (!pages.has(key)) pages.set(key, []);
    pages.get(key).push(`${p.lang} ${p.size}`);
  }
  const lines = [];
  for (const [kind, details] of kinds) {
    const count = [...details.values()].reduce((n, pages) => n + [...pages.values()].reduce((m, c) => m + c.length, 0), 0);
    lines.push('', `## ${kind} (${details.size} distinct, ${count} in all)`);
    for (const [detail, pages] of details) {
      lines.push(`- ${detail}`);
      // Pages seen in the same languages and sizes on one line.
      const byCombos = new Map();
      for (const [where, seen] of pages) {
        const label = seen.length === combos ? 'every language and size' : seen.sort().join(', ');
        if (!byCombos.has(label)) byCombos.set(label, []);
        byCombos.get(label).push(where);
      }
      for (const [label, wheres] of byCombos) lines.push(`    ${wheres.join('; ')} [${label}]`);
    }
  }
  return lines.join('\n');
}

test('every page of every role, in both languages and on desktop and phone, shows no visible defect', async () => {
  const started = Date.now();
  const only = process.env.WALK_ROLES?.split(',');
  const roles = Object.keys(ROLES).filter((r) => !only || only.includes(r));
  // Patients first: the anonymous walk waits for the doctor id found as a patient.
  roles.sort((a, b) => (a === 'patient' ? -1 : b === 'patient' ? 1 : 0));
  if (!roles.includes('patient')) resolveDoctorId(1);
  const jobs = Object.keys(SIZES).flatMap((size) => roles.map((role) => () => walk(role, size)));
  const workers = Array.from({ length: Math.max(1, CONCURRENCY) }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await job();
  });
  await Promise.all(workers);

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const text = problems.length
    ? `${problems.length} problems on ${loads} page loads in ${seconds} s:${report(problems)}`
    : `no problem on ${loads} page loads in ${seconds} s`;
  await writeFile(path.join(SHOTS, 'walk-report.txt'), `${text}\n`);
  await writeFile(path.join(SHOTS, 'walk-problems.json'), `${JSON.stringify(problems, null, 2)}\n`);
  console.log(`walk: ${loads} page loads in ${seconds} s; screenshots and report in ${SHOTS}`);
  assert.equal(problems.length, 0, text);
});
