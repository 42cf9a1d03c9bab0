// Uses the arrival pages of a build hydrated island by island (`cargo leptos
// build --release --split --precompress --features islands`, through
// scripts/islands.sh) as a person would, in Chromium, and fails on any console
// error (CSP included), uncaught error or failed request: the landing page
// and its language switch, a wrong then a right password on the sign-in page,
// then the patient's home on a phone — the menu, a dose ticked, the
// notifications marked read, the assistant answering —, the patient's live
// vital signs, and signing out.
import assert from 'node:assert/strict';
import { BASE, launch, newPage, waitHydrated } from './support.mjs';

const problems = [];
// The wrong password's 401 (and the browser's line about it) is expected.
let refusalExpected = false;
function watch(page) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !(refusalExpected && m.text().includes('401'))) problems.push(`${page.url()}: console: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: uncaught: ${e.message.slice(0, 300)}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !(refusalExpected && r.status() === 401 && r.url().includes('/_fn/sign_in'))) problems.push(`${r.url()}: ${r.status()}`);
  });
  page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
}

async function step(name, run) {
  const started = performance.now();
  await run();
  console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)`);
}

const browser = await launch();
try {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  watch(page);

  await step('landing hydrates and switches to English', async () => {
    await page.goto(`${BASE}/`);
    await waitHydrated(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="language-switch"]')]);
    await waitHydrated(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="language-switch"]')]);
    await waitHydrated(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  });

  await step('sign-in: a wrong password is refused in words, the right one opens the portal', async () => {
    await page.goto(`${BASE}/login`);
    await waitHydrated(page);
    await page.fill('#login', 'marie');
    await page.fill('#password', 'pas le mot de passe');
    refusalExpected = true;
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    await page.waitForSelector('[role="alert"][data-error-code="invalid_credentials"]');
    refusalExpected = false;
    await page.fill('#password', 'rendez-vous-2026');
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    await page.waitForURL(`${BASE}/patient`);
    await waitHydrated(page);
  });

  await step("patient's home: the phone menu opens", async () => {
    assert.equal(await page.getAttribute('[data-testid="portal-menu"]', 'aria-expanded'), 'false');
    await page.click('[data-testid="portal-menu"]');
    await page.waitForSelector('[data-testid="portal-nav"] a[href="/patient/treatments"]', { state: 'visible' });
    assert.equal(await page.getAttribute('[data-testid="portal-menu"]', 'aria-expanded'), 'true');
    await page.click('[data-testid="portal-menu"]');
  });

  await step("patient's home: a dose ticked is noted", async () => {
    const open = page.locator('[data-testid="home-doses"] [data-testid="dose"][data-status="none"]');
    const before = await open.count();
    assert.ok(before > 0, 'the demo patient has a dose to take today');
    await Promise.all([page.waitForEvent('load'), open.first().locator('[data-testid="dose-taken"]').click()]);
    await waitHydrated(page);
    assert.equal(await open.count(), before - 1);
  });

  await step("patient's home: the notifications are marked read", async () => {
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="mark-all-read"]')]);
    await waitHydrated(page);
    assert.equal(await page.locator('[data-testid="notifications"] li .bg-teal-600').count(), 0);
  });

  await step('the assistant opens and answers', async () => {
    await page.click('[data-testid="assistant-toggle"]');
    const input = page.locator('[data-testid="assistant-input"]');
    await input.waitFor();
    await input.fill('Quels sont vos horaires ?');
    await input.press('Enter');
    await page.locator('[data-testid="assistant-log"] [data-mine="false"]').first().waitFor();
  });

  await step("the patient's vitals: the monitor (a lazy island with its data) hydrates and goes live", async () => {
    await page.goto(`${BASE}/patient/vitals`);
    await waitHydrated(page);
    await page.waitForSelector('[data-testid="link-status"][data-state="live"]');
    assert.ok(await page.locator('[data-testid="vital-spo2"]').count() === 1, 'the demo patient has a SpO2 card');
    await page.click('button:has-text("24 heures")');
    await page.waitForSelector('[data-testid="chart-spo2"] svg');
  });

  await step('sign-out leads to the sign-in page', async () => {
    await page.keyboard.press('Escape');
    await Promise.all([page.waitForURL(`${BASE}/login`), page.click('[data-testid="sign-out"]')]);
  });
} finally {
  await browser.close();
}
if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
console.log('no console error, uncaught error or failed request');
