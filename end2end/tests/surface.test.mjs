// Browser tests of what people meet on every page: times written the same
// way in lists and notifications (never in UTC), destructive actions that
// ask first, accounts that come back, a calendar page that hydrates on every
// load, form rules answered as 4xx, and a phone that books without hunting
// for the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openHydrated, signedIn as signIn, waitHydrated } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const signedIn = (login, password, home) => signIn(browser, login, password, home);

/** A moment as the portals write it in French: "aujourd’hui 14:05", "mar. 08/12 09:30", "24/11/2025 18:00". */
const MOMENT = /(aujourd’hui|(?:lun|mar|mer|jeu|ven|sam|dim)\. \d\d\/\d\d|\d\d\/\d\d\/\d{4}) \d\d:\d\d/g;

test('a notification names an appointment at the time the list shows, in the reader’s zone', async () => {
  const page = await signedIn('marie', 'rendez-vous-2026', '/patient');
  await openHydrated(page, '/patient/appointments');
  await page.waitForSelector('[data-testid="appointment"]');
  const listed = new Map();
  for (const card of await page.locator('[data-testid="appointment"]').all()) {
    const moment = (await card.innerText()).match(MOMENT)?.[0];
    if (moment) listed.set(Number(await card.getAttribute('data-id')), moment);
  }
  assert.ok(listed.size > 0, 'the list writes its times as moments');

  // A notification about one of the listed appointments names the same moment.
  const inbox = await (await page.request.get(`${BASE}/api/v1/notifications/`)).json();
  const about = inbox.items.map((n) => n.notice.appointment_id).filter((id) => listed.has(id));
  assert.ok(about.length > 0, 'the demo notifies Marie about listed appointments');
  await openHydrated(page, '/patient');
  await page.waitForSelector('[data-testid="notifications"] li');
  const notices = await page.locator('[data-testid="notifications"]').innerText();
  assert.doesNotMatch(notices, /UTC/);
  assert.ok(about.some((id) => notices.includes(listed.get(id))),
    `a notification names ${about.map((id) => listed.get(id))}:\n${notices}`);

  // The page carries the zone it was written in, and the browser keeps its own for the next page.
  assert.equal(await page.getAttribute('html', 'data-tz'), 'Europe/Paris');
  const cookies = await page.context().cookies();
  assert.ok(cookies.some((c) => c.name === 'medplat_tz' && c.value.length > 0), 'the browser zone is remembered');
  await page.context().close();
});

test('a page rendered for another zone writes its times there', async () => {
  const page = await signedIn('marie', 'rendez-vous-2026', '/patient');
  // Once hydrated, a page writes the browser's own zone into the cookie: the
  // zone is set after that, or the home page's hydration would overwrite it.
  await waitHydrated(page);
  await page.context().addCookies([{ name: 'medplat_tz', value: 'America/New_York', url: BASE }]);
  await openHydrated(page, '/patient/appointments');
  assert.equal(await page.getAttribute('html', 'data-tz'), 'America/New_York');
  const inNewYork = await page.locator('[data-testid="appointment"]').first().innerText();
  await page.context().addCookies([{ name: 'medplat_tz', value: 'Europe/Paris', url: BASE }]);
  await openHydrated(page, '/patient/appointments');
  const inParis = await page.locator('[data-testid="appointment"]').first().innerText();
  const hour = (text) => Number(text.match(/ (\d\d):\d\d/)[1]);
  assert.equal((hour(inParis) - hour(inNewYork) + 24) % 24, 6, `${inNewYork} / ${inParis}`);
  await page.context().close();
});

test('cancelling asks first, names the appointment, and keeps it on "no"', async () => {
  const page = await signedIn('paul', 'rendez-vous-2026', '/patient');
  await openHydrated(page, '/patient/appointments');
  const first = page.locator('[data-testid="appointment"]').filter({ has: page.locator('[data-testid="cancel-appointment"]') }).first();
  await first.waitFor();
  const id = await first.getAttribute('data-id');
  const card = page.locator(`[data-testid="appointment"][data-id="${id}"]`);
  const status = await card.locator('[data-status]').getAttribute('data-status');
  await card.locator('[data-testid="cancel-appointment"]').click();
  const dialog = card.locator('[data-testid="cancel-appointment-question"]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Annuler ce rendez-vous \?/);
  assert.match(await dialog.innerText(), /Dr /, 'the dialog names what is lost');
  await card.locator('[data-testid="cancel-appointment-keep"]').click();
  await page.reload();
  await page.waitForSelector(`[data-testid="appointment"][data-id="${id}"]`);
  const again = page.locator(`[data-testid="appointment"][data-id="${id}"]`);
  assert.equal(await again.locator('[data-status]').getAttribute('data-status'), status, 'nothing changed on "no"');

  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
  await again.locator('[data-testid="cancel-appointment"]').click();
  await again.locator('[data-testid="cancel-appointment-confirm"]').click();
  await page.waitForSelector(`[data-testid="appointment"][data-id="${id}"] [data-status="cancelled"]`);
  await page.context().close();
});

test('an administrator deactivates an account after confirming, reactivates it, and resets its password', async () => {
  const admin = await signedIn('admin', 'gestion-2026!', '/admin');
  await openHydrated(admin, '/admin/accounts');
  const row = admin.locator('[data-testid="account"][data-username="thomas"]');
  await row.waitFor();
  await row.locator('[data-testid="deactivate"]').click();
  assert.match(await row.locator('[data-testid="deactivate-question"]').innerText(), /thomas/);
  await row.locator('[data-testid="deactivate-confirm"]').click();
  await row.locator('[data-testid="reactivate"]').waitFor();

  const denied = await admin.request.post(`${BASE}/api/token/`, { data: { username: 'thomas', password: 'rendez-vous-2026' } });
  assert.equal(denied.status(), 401, 'a deactivated account cannot sign in');

  await row.locator('[data-testid="reactivate"]').click();
  await row.locator('[data-testid="deactivate"]').waitFor();

  // A one-time reset link, shown to the administrator, opened by its owner signed out.
  await row.locator('[data-testid="reset-password"]').click();
  const link = await admin.locator('[data-testid="reset-link-path"]').innerText();
  assert.match(link, /\/reset-password\?token=[0-9a-f]{48}$/);
  assert.match(await admin.locator('[data-testid="reset-link"]').innerText(), /\d\d:\d\d/);
  await admin.context().close();

  const owner = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await owner.newPage();
  await page.goto(link);
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
  await page.fill('#new_password', 'une phrase toute neuve');
  await page.click('[data-testid="reset-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="reset-done"]');
  await owner.close();
  const back = await signIn(browser, 'thomas', 'une phrase toute neuve', '/patient');
  await back.context().close();
});

test('the doctor’s calendar hydrates on every full load', async () => {
  const page = await signedIn('dr.dupont', 'consultation-2026', '/doctor');
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  for (let i = 0; i < 5; i += 1) {
    await openHydrated(page, '/doctor/calendar');
    await page.waitForSelector('[data-testid="range"]');
  }
  assert.deepEqual(errors, []);
  // Hydrated: deleting a range asks first.
  const range = page.locator('[data-testid="range"]').first();
  await range.locator('[data-testid="delete-range"]').click();
  await range.locator('[data-testid="delete-range-question"]').waitFor();
  await range.locator('[data-testid="delete-range-keep"]').click();
  await page.context().close();
});

test('a form rule broken in a server function answers 4xx, never 500', async () => {
  const admin = await signedIn('admin', 'gestion-2026!', '/admin');
  await openHydrated(admin, '/admin/specialties');
  const statuses = [];
  admin.on('response', (r) => { if (r.url().includes('/_fn/')) statuses.push(r.status()); });
  // The demo already has the general-practice code: a duplicate.
  await admin.fill('input[name="code"]', 'general');
  await admin.fill('input[name="name_fr"]', 'Doublon');
  await admin.fill('input[name="name_en"]', 'Duplicate');
  await admin.locator('form button[type="submit"]').first().click();
  await admin.waitForSelector('[role="alert"]');
  assert.ok(statuses.length > 0, 'the form called its server function');
  assert.ok(statuses.every((s) => s < 500), `statuses ${statuses}`);
  assert.ok(statuses.some((s) => s >= 400 && s < 500), `statuses ${statuses}`);
  await admin.context().close();
});

test('on a phone: the portal menu fits, a picked slot brings the booking form into view, and the booking goes through', async () => {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${BASE}/login`);
  await page.fill('#login', 'marie');
  await page.fill('#password', 'rendez-vous-2026');
  await page.click('[data-testid="sign-in-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/patient`);
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page width ${width}`);
  assert.equal(await page.locator('[data-testid="portal-nav"]').isVisible(), false, 'the menu starts closed');
  await page.click('[data-testid="portal-menu"]');
  await page.locator('[data-testid="portal-nav"]').waitFor();
  const box = await page.locator('[data-testid="portal-nav"] a').first().boundingBox();
  assert.ok(box.height >= 44, `touch target ${box.height}px`);
  await page.locator('[data-testid="portal-nav"] a[href="/patient/doctors"]').click();
  await page.waitForURL(/\/patient\/doctors/);
  assert.equal(await page.locator('[data-testid="portal-nav"]').isVisible(), false, 'the menu closes on navigation');

  await openHydrated(page, '/patient/doctors?specialty=general&q=dupont');
  await page.click('[data-testid="doctor-card"] a');
  await page.waitForSelector('[data-testid="week-grid"]');
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
  await page.click('[data-testid="next-week"]');
  await page.waitForURL(/week=/);
  const slot = page.locator('[data-testid="day-column"] [data-testid="slot"]').first();
  await slot.click();
  await page.waitForSelector('[data-testid="booking-form"]');
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
  await page.waitForFunction(() => {
    const r = document.querySelector('[data-testid="booking-form"]').getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight - 120;
  }, null, { timeout: 5000 });
  // Book it, and find it among the appointments, waiting for the doctor.
  await page.fill('[data-testid="booking-form"] input[name="reason"]', 'Toux qui traîne');
  await page.click('[data-testid="book-submit"]');
  await page.waitForURL(/\/patient\/appointments/);
  const booked = page.locator('[data-testid="appointment"]').filter({ hasText: 'Dr Jean Dupont', has: page.locator('[data-status="pending"]') });
  await booked.first().waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scroll on the list');
  await context.close();
});
