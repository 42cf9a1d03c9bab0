// Browser test of the activity log: a new patient signs up on the site and
// mistypes their password once; the administrator finds both in the log by
// that person, in words (no codes), with the door they came through, then
// narrows the search to refused sign-ins and downloads it as CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, me, newPage, openHydrated as open, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

test('an administrator reads who signed up and who was refused, and downloads it', async () => {
  const page = await newPage(browser);
  const username = `journal${Date.now()}`;
  await page.goto(`${BASE}/signup`);
  await page.fill('#first_name', 'Inès');
  await page.fill('#last_name', 'Garnier');
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'une phrase de passe solide');
  await page.click('[data-testid="sign-up-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/patient`);
  const account = await me(page);
  await page.context().close();
  const refused = await (await newPage(browser)).request.post(`${BASE}/api/token/`, {
    data: { username, password: 'pas la bonne' },
  });
  assert.equal(refused.status(), 401);

  const admin = await signIn(browser, 'admin', 'gestion-2026!', '/admin');
  await open(admin, `/admin/activity?user_id=${account.id}`);
  await admin.waitForSelector('[data-testid="activity-table"]');
  const rows = admin.locator('[data-testid="activity-entry"]');
  assert.deepEqual(
    await rows.evaluateAll((list) => list.map((r) => r.dataset.action)),
    ['sign_in_refused', 'sign_in', 'account_created'],
  );
  const created = await rows.nth(2).innerText();
  assert.match(created, /Inès Garnier/);
  assert.match(created, /Compte créé/);
  assert.match(created, /Portail web/);
  assert.match(await rows.nth(0).innerText(), /Connexion refusée\s+mot de passe erroné/);
  assert.match(await rows.nth(0).innerText(), /API/);
  for (const text of await rows.allInnerTexts()) {
    assert.doesNotMatch(text, /sign_in|account_created|wrong_password|UTC/);
  }

  // The action filter, then the CSV of the same search.
  await admin.selectOption('select[name="action"]', 'sign_in_refused');
  await admin.click('[data-testid="activity-search-submit"]');
  await admin.waitForURL(/action=sign_in_refused/);
  await admin.waitForFunction(() => document.querySelectorAll('[data-testid="activity-entry"]').length === 1);
  const href = await admin.getAttribute('[data-testid="download-csv"]', 'href');
  assert.equal(href, `/api/v1/activity.csv?user_id=${account.id}&action=sign_in_refused`);
  const csv = await admin.request.get(`${BASE}${href}`);
  assert.equal(csv.status(), 200);
  const lines = (await csv.text()).trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[1], /,sign_in_refused,/);
  assert.match(lines[1], /wrong_password/);
  await admin.context().close();
});
