// Runs Lighthouse 12 (its default mobile preset: a phone's screen, simulated Slow 4G
// and 4x CPU slowdown) on the pages where people arrive: the landing page, the
// sign-in page and the patient's home signed in as `marie`. Prints, per page, the
// four category scores and the key metrics, then the accessibility,
// best-practice and SEO audits that fail, with their elements.
//
// BASE_URL is the server (end2end/with-server.sh provides it; scripts/measure.sh
// runs this after end2end/measure.mjs). With LIGHTHOUSE_ASSERT=1 it exits non-zero
// when accessibility or best practices score below 95 on any page; performance is
// a figure, never a failure. LIGHTHOUSE_OUT=dir writes each page's full JSON
// report there. CHROME_PATH picks the browser (default /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { BASE } from './support.mjs';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ASSERT = process.env.LIGHTHOUSE_ASSERT === '1';
const OUT = process.env.LIGHTHOUSE_OUT;
const MIN_SCORE = 95;
const PATIENT = { login: 'marie', password: 'rendez-vous-2026', home: '/patient' };
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
// The categories asserted on, and those whose failing audits are listed.
const CHECKED = ['accessibility', 'best-practices'];
const LISTED = [...CHECKED, 'seo'];

const PAGES = [
  { name: 'landing', path: '/', signedIn: false },
  { name: 'sign-in', path: '/login', signedIn: false },
  { name: 'patient home (signed in)', path: PATIENT.home, signedIn: true },
];

/**
 * Signs in through the sign-in page in the browser's default context, the one
 * Lighthouse opens its tabs in: the session is the cookies that page sets.
 */
async function signIn(port) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0].newPage();
    page.setDefaultTimeout(30000);
    await page.goto(`${BASE}/login`);
    await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
    await page.fill('#login', PATIENT.login);
    await page.fill('#password', PATIENT.password);
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    await page.waitForURL(`${BASE}${PATIENT.home}`);
    await page.close();
  } finally {
    // Connected over CDP: this disconnects and leaves the browser running.
    await browser.close();
  }
}

/** One Lighthouse run on `pagePath`; returns the report (LHR). */
async function audit(port, pagePath) {
  const url = `${BASE}${pagePath}`;
  const result = await lighthouse(url, {
    port,
    logLevel: 'error',
    output: 'json',
    onlyCategories: CATEGORIES,
  });
  const lhr = result?.lhr;
  if (!lhr) throw new Error(`Lighthouse returned no report for ${url}`);
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const landed = new URL(lhr.finalDisplayedUrl).pathname;
  if (landed !== pagePath) throw new Error(`Lighthouse on ${url} ended on ${lhr.finalDisplayedUrl} (signed out?)`);
  return lhr;
}

const score = (lhr, id) => {
  const value = lhr.categories[id]?.score;
  return value === null || value === undefined ? null : Math.round(value * 100);
};
const seconds = (lhr, id) => `${(lhr.audits[id].numericValue / 1000).toFixed(1)} s`;
const millis = (lhr, id) => `${Math.round(lhr.audits[id].numericValue)} ms`;
const cls = (lhr) => lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3);

/**
 * The audits of `category` that fail (scored below 1, not manual, informative or
 * not applicable), each with its weight in the category's score.
 */
function failing(lhr, category) {
  return lhr.categories[category].auditRefs
    .map((ref) => ({ ...lhr.audits[ref.id], weight: ref.weight }))
    .filter((a) => a.score !== null && a.score < 1
      && !['manual', 'informative', 'notApplicable'].includes(a.scoreDisplayMode));
}

/** A short text for one row of an audit's details: the element, or the URL, or the text. */
function describeItem(item) {
  const parts = [];
  for (const value of Object.values(item)) {
    if (value && typeof value === 'object' && value.type === 'node') {
      parts.push(`${value.selector ?? ''} ${value.snippet ?? ''}`.trim());
      if (value.explanation) parts.push(value.explanation.replace(/\s+/g, ' ').trim());
    } else if (value && typeof value === 'object' && value.type === 'source-location') {
      parts.push(`${value.url}:${value.line + 1}:${value.column + 1}`);
    }
  }
  for (const key of ['url', 'scriptUrl', 'error', 'source', 'description', 'directive', 'issueType', 'message', 'label', 'value']) {
    const value = item[key];
    if (typeof value === 'string' && value) parts.push(`${key}: ${value}`);
    else if (value && typeof value === 'object' && typeof value.value === 'string') parts.push(`${key}: ${value.value}`);
  }
  if (item.subItems?.items?.length) {
    parts.push(item.subItems.items.map((sub) => describeItem(sub)).filter(Boolean).join('; '));
  }
  return parts.join(' | ');
}

const pad = (text, width) => String(text).padEnd(width);
const padl = (text, width) => String(text).padStart(width);

const started = Date.now();
const chrome = await chromeLauncher.launch({
  chromePath: CHROME_PATH,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  logLevel: 'silent',
});
const reports = [];
try {
  let signedIn = false;
  for (const target of PAGES) {
    if (target.signedIn && !signedIn) {
      await signIn(chrome.port);
      signedIn = true;
    }
    const lhr = await audit(chrome.port, target.path);
    reports.push({ target, lhr });
    if (OUT) {
      fs.mkdirSync(OUT, { recursive: true });
      const file = `${target.path.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'landing'}.json`;
      fs.writeFileSync(path.join(OUT, file), JSON.stringify(lhr, null, 1));
    }
  }
} finally {
  await chrome.kill();
}

const version = reports[0]?.lhr.lighthouseVersion ?? '';
console.log(`Lighthouse ${version}, mobile preset (simulated throttling: 150 ms RTT, 1.6 Mbit/s, 4x CPU)`);
console.log(`${pad('page', 26)}${padl('perf', 6)}${padl('a11y', 6)}${padl('best', 6)}${padl('SEO', 6)}`
  + `${padl('FCP', 8)}${padl('LCP', 8)}${padl('TBT', 9)}${padl('CLS', 7)}`);
for (const { target, lhr } of reports) {
  const [perf, a11y, best, seo] = CATEGORIES.map((id) => score(lhr, id) ?? '-');
  console.log(`${pad(target.name, 26)}${padl(perf, 6)}${padl(a11y, 6)}${padl(best, 6)}${padl(seo, 6)}`
    + `${padl(seconds(lhr, 'first-contentful-paint'), 8)}${padl(seconds(lhr, 'largest-contentful-paint'), 8)}`
    + `${padl(millis(lhr, 'total-blocking-time'), 9)}${padl(cls(lhr), 7)}`);
}

let belowMinimum = false;
let anyFailing = false;
for (const { target, lhr } of reports) {
  for (const category of CHECKED) {
    if ((score(lhr, category) ?? 0) < MIN_SCORE) belowMinimum = true;
  }
  for (const category of LISTED) {
    for (const a of failing(lhr, category)) {
      if (!anyFailing) console.log('\nFailing audits (accessibility, best practices, SEO):');
      anyFailing = true;
      const weight = a.weight ? `weight ${a.weight}` : 'weight 0, not in the score';
      console.log(`- ${target.path} ${category} ${a.id} (score ${a.score}, ${weight}): ${a.title}`);
      const items = a.details?.items ?? [];
      for (const item of items.slice(0, 8)) {
        const text = describeItem(item);
        if (text) console.log(`    ${text.length > 300 ? `${text.slice(0, 297)}...` : text}`);
      }
      if (items.length > 8) console.log(`    ... and ${items.length - 8} more`);
    }
  }
}
if (!anyFailing) console.log('\nNo failing accessibility, best-practice or SEO audits.');
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);

if (ASSERT && belowMinimum) {
  console.log(`accessibility or best practices below ${MIN_SCORE} (LIGHTHOUSE_ASSERT=1)`);
  process.exit(1);
}
