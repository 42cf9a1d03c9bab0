// Browser tests in real Chromium: sign up, sign in, the patient portal, the
// language switch, and hydration (interactions that only work once the
// WebAssembly has loaded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage as openPage, waitHydrated } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const newPage = () => openPage(browser);

/** Clicks until `done()` holds in the page: a click before hydration does nothing. */
async function clickUntil(page, selector, done, arg) {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate(done, arg)) return;
    if (await page.locator(selector).count()) await page.click(selector);
    await page.waitForTimeout(250);
  }
  assert.fail(`${selector}: no effect after hydration timeout`);
}

const text = (page, selector) => page.locator(selector).first().innerText();

test('a patient signs up, lands on the portal, switches language, signs out and in again', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/signup`);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.match(await text(page, 'h1'), /Créer un compte patient/);

  // Hydration: the show-password toggle only works once the WASM runs.
  await clickUntil(page, '[data-testid="toggle-password"]', () => document.querySelector('#password').type === 'text');
  assert.equal(await page.getAttribute('#password', 'type'), 'text');

  const username = `patient${Date.now()}`;
  await page.fill('#first_name', 'Awa');
  await page.fill('#last_name', 'Diallo');
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'une phrase de passe solide');
  await page.click('[data-testid="sign-up-form"] button[type="submit"]');

  await page.waitForURL(`${BASE}/patient`);
  await page.waitForSelector('[data-testid="dashboard-greeting"]');
  assert.match(await text(page, '[data-testid="dashboard-greeting"]'), /Bonjour, Awa/);
  assert.match(await page.locator('[data-testid="portal-title"]').textContent(), /Espace patient/);

  // Switch to English: the page comes back in English, and the choice survives a reload.
  await Promise.all([page.waitForEvent('load'), page.click('[data-testid="language-switch"]')]);
  await page.waitForFunction(() => document.querySelector('[data-testid="portal-title"]')?.textContent.includes('Patient space'));
  assert.match(await page.locator('[data-testid="dashboard-greeting"]').textContent(), /Hello, Awa/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.waitForTimeout(300);
  await page.reload();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('[data-testid="portal-title"]').textContent(), /Patient space/);

  // The page is rendered signed in on first load (cookies read during SSR).
  const html = await (await page.request.get(`${BASE}/patient`)).text();
  assert.match(html, /data-testid="dashboard-greeting"[^>]*>[^<]*Hello/);
  assert.match(html, /Awa Diallo/);

  // Sign out: the portal is closed again.
  // (Signed out, the page is loaded again, and a portal's page leads to the sign-in page.)
  await waitHydrated(page);
  await Promise.all([page.waitForURL(`${BASE}/login`), page.click('[data-testid="sign-out"]')]);
  await page.goto(`${BASE}/patient`);
  await page.waitForURL(`${BASE}/login`);
  await waitHydrated(page);

  // Wrong password: a translated error, no session.
  await page.fill('#login', username);
  await page.fill('#password', 'not the password');
  await page.click('[data-testid="sign-in-form"] button[type="submit"]');
  await page.waitForSelector('[role="alert"]');
  assert.equal(await page.getAttribute('[role="alert"]', 'data-error-code'), 'invalid_credentials');
  assert.match(await text(page, '[role="alert"]'), /Wrong credentials/);

  // Sign in again.
  await page.fill('#password', 'une phrase de passe solide');
  await page.click('[data-testid="sign-in-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/patient`);
  await page.waitForSelector('[data-testid="dashboard-greeting"]');
  await page.context().close();
});

test('the demo administrator sees the accounts and a patient cannot open the administration', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/login`);
  await page.fill('#login', 'admin');
  await page.fill('#password', 'gestion-2026!');
  await page.click('[data-testid="sign-in-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/admin`);
  await page.goto(`${BASE}/admin/accounts`);
  await page.waitForSelector('[data-testid="accounts-table"]');
  const table = await text(page, '[data-testid="accounts-table"]');
  assert.match(table, /dr\.dupont/);
  assert.match(table, /marie/);
  await page.context().close();

  const patient = await newPage();
  await patient.goto(`${BASE}/login`);
  await patient.fill('#login', 'marie');
  await patient.fill('#password', 'rendez-vous-2026');
  await patient.click('[data-testid="sign-in-form"] button[type="submit"]');
  await patient.waitForURL(`${BASE}/patient`);
  await patient.goto(`${BASE}/admin/accounts`);
  assert.match(await text(patient, 'h1'), /Accès refusé/);
  assert.equal(await patient.locator('[data-testid="accounts-table"]').count(), 0);
  await patient.context().close();
});
