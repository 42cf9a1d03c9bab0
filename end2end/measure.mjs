// Loads four pages in Chromium on a throttled network (DevTools' "Slow 4G":
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, cache disabled) and prints,
// per page, the bytes transferred (all, and the WebAssembly) and the time from
// navigation to a hydrated page (<html data-hydrated>, set by frontend/), then
// that time again with the CPU slowed down 4x as well (DevTools' CPU throttling,
// Lighthouse's mobile figure: a mid-range phone).
// Run through scripts/measure.sh, which starts the release server.
import { BASE, launch } from './support.mjs';

const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};
const RUNS = Number(process.env.MEASURE_RUNS ?? 3);
const CPU_SLOWDOWN = 4;
const PATIENT = { login: 'marie', password: 'rendez-vous-2026' };

/** Records when the page's root gets `data-hydrated`, in ms since navigation start. */
const HYDRATION_PROBE = () => {
  const mark = () => {
    if (document.documentElement?.hasAttribute('data-hydrated') && window.__hydratedAt === undefined) {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

async function signIn(page) {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
  await page.fill('#login', PATIENT.login);
  await page.fill('#password', PATIENT.password);
  await page.click('[data-testid="sign-in-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/patient`);
}

/** The first doctor's page, as linked from the patient's doctor search. */
async function firstDoctorPath(page) {
  await page.goto(`${BASE}/patient/doctors`);
  const hrefs = await page.$$eval('a[href^="/patient/doctors/"]', (links) => links.map((a) => a.getAttribute('href')));
  const path = hrefs.find((href) => /^\/patient\/doctors\/\d+$/.test(href));
  if (!path) throw new Error('no doctor listed on /patient/doctors');
  return path;
}

/** One throttled, uncached load of `path` in `page`, the CPU slowed down `cpuRate` times. */
async function measure(page, path, cpuRate) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  const urls = new Map();
  let total = 0;
  let wasm = 0;
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => {
    total += e.encodedDataLength;
    if (new URL(urls.get(e.requestId) ?? 'http://x/').pathname.endsWith('.wasm')) wasm += e.encodedDataLength;
  });
  await page.goto(`${BASE}${path}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60000, polling: 50 });
  const hydrated = await page.evaluate(() => window.__hydratedAt);
  await page.waitForLoadState('networkidle');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  return { total, wasm, hydrated };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The signed-in patient's cookies, from one sign-in: signing in before every
 * load would meet the sign-in rate limit.
 */
let patientSession = null;
async function signedInState(browser) {
  if (!patientSession) {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    await signIn(page);
    patientSession = await context.storageState();
    await context.close();
  }
  return patientSession;
}

/** `RUNS` loads of `target` in fresh contexts, the CPU slowed down `cpuRate` times. */
async function runs(browser, target, cpuRate) {
  const results = [];
  for (let i = 0; i < RUNS; i += 1) {
    const storageState = target.signedIn ? await signedInState(browser) : undefined;
    const context = await browser.newContext({ locale: 'fr-FR', storageState });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    let path = target.path;
    if (path === null) path = await firstDoctorPath(page);
    await page.addInitScript(HYDRATION_PROBE);
    results.push(await measure(page, path, cpuRate));
    await context.close();
  }
  return results;
}

const browser = await launch();
try {
  const pages = [
    { name: 'landing', path: '/', signedIn: false },
    { name: 'sign-in', path: '/login', signedIn: false },
    { name: 'patient home (signed in)', path: '/patient', signedIn: true },
    { name: 'doctor page (signed in)', path: null, signedIn: true },
  ];
  console.log(`Slow 4G (1.6 Mbit/s down, 750 kbit/s up, 150 ms), cache disabled, median of ${RUNS} loads;`);
  console.log(`hydrated: on Slow 4G, and on Slow 4G with the CPU ${CPU_SLOWDOWN}x slower`);
  console.log(`${''.padEnd(52)}${'hydrated'.padStart(11)}${'hydrated'.padStart(11)}`);
  console.log(`${'page'.padEnd(26)}${'transferred'.padStart(13)}${'of it WASM'.padStart(13)}`
    + `${'Slow 4G'.padStart(11)}${`+ ${CPU_SLOWDOWN}x CPU`.padStart(11)}`);
  for (const target of pages) {
    const network = await runs(browser, target, 1);
    const cpu = await runs(browser, target, CPU_SLOWDOWN);
    const row = {
      total: median(network.map((r) => r.total)),
      wasm: median(network.map((r) => r.wasm)),
      hydrated: median(network.map((r) => r.hydrated)),
      hydratedCpu: median(cpu.map((r) => r.hydrated)),
    };
    console.log(`${target.name.padEnd(26)}${kb(row.total).padStart(13)}${kb(row.wasm).padStart(13)}`
      + `${secs(row.hydrated).padStart(11)}${secs(row.hydratedCpu).padStart(11)}`);
  }
} finally {
  await browser.close();
}
