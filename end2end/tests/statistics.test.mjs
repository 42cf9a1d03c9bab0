// Browser test of the statistics: the demo administrator reads the
// platform's figures (charts with their data and CSV), narrows them to one
// doctor; the demo doctor reads only their own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openHydrated as open, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const number = async (page, testid) =>
  Number((await page.locator(`[data-testid="${testid}"] p`).nth(1).innerText()).replace(/[^0-9]/g, ''));

test('an administrator reads the figures, their data and CSV, then one doctor', async () => {
  const admin = await signIn(browser, 'admin', 'gestion-2026!', '/admin');
  await open(admin, '/admin/stats');
  await admin.waitForSelector('[data-testid="chart-appointments"] svg rect');
  const total = await number(admin, 'stat-total');
  assert.ok(total > 0, 'the demo has appointments in the period');
  // The figures agree with the API over the same period and zone.
  const zone = await admin.evaluate(() => document.documentElement.dataset.tz);
  const api = await (await admin.request.get(`${BASE}/api/v1/stats/?tz=${encodeURIComponent(zone)}`)).json();
  assert.equal(total, api.by_status.reduce((n, c) => n + c.count, 0));
  for (const id of ['chart-busiest', 'chart-kinds', 'chart-doctors', 'chart-specialties', 'chart-lead-times', 'chart-alerts', 'chart-assistant', 'chart-delivery']) {
    await admin.waitForSelector(`[data-testid="${id}"]`);
  }
  // Every chart has a name for screen readers and words, not codes.
  const text = await admin.locator('main').innerText();
  assert.doesNotMatch(text, /no_show|in_person|UTC|lead_times/);
  assert.match(text, /Rendez-vous par jour et par statut/);
  const labels = await admin.locator('main svg[role="img"]').evaluateAll((l) => l.map((s) => s.getAttribute('aria-label')));
  assert.ok(labels.length >= 2 && labels.every((l) => l && l.length > 3), labels.join(' | '));
  // The data behind a chart, then its CSV.
  const figure = admin.locator('[data-testid="chart-appointments"]');
  await figure.locator('summary').click();
  const rows = await figure.locator('tbody tr').count();
  assert.equal(rows, api.appointments.length);
  const href = await figure.locator('[data-testid="chart-csv"]').getAttribute('href');
  assert.match(href, /^\/api\/v1\/stats\/appointments\.csv\?tz=/);
  const csv = await admin.request.get(`${BASE}${href}`);
  assert.equal(csv.status(), 200);
  assert.equal((await csv.text()).trim().split('\n').length, api.appointments.length + 1);

  // One doctor: the filter narrows every figure.
  const doctor = api.doctors.find((d) => d.booked > 0);
  await admin.selectOption('select[name="doctor_id"]', String(doctor.doctor_id));
  await admin.click('[data-testid="stats-submit"]');
  await admin.waitForURL(new RegExp(`doctor_id=${doctor.doctor_id}`));
  await admin.waitForFunction(() => document.querySelectorAll('[data-testid="chart-doctors"] li').length === 1);
  assert.ok(await number(admin, 'stat-total') <= total);

  await admin.context().close();
});

test('a doctor reads their own figures only', async () => {
  const doctor = await signIn(browser, 'dr.dupont', 'consultation-2026', '/doctor');
  await open(doctor, '/doctor/stats');
  await doctor.waitForSelector('[data-testid="chart-doctors"]');
  assert.equal(await doctor.locator('[data-testid="chart-doctors"] li').count(), 1);
  assert.equal(await doctor.locator('select[name="doctor_id"]').count(), 0);
  assert.equal(await doctor.locator('[data-testid="chart-assistant"]').count(), 0);
  const other = await doctor.request.get(`${BASE}/api/v1/stats/?doctor_id=1`);
  assert.ok([400, 403].includes(other.status()));
  await doctor.context().close();
});
