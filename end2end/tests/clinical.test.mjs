// Browser test of clinical care: a new patient adds two treatments, ticks a
// dose taken and sees adherence and the paracetamol warning; a demo patient
// checks their symptoms, sees the likeliest conditions and the doctor search
// on the suggested specialty, then chest pain makes it an emergency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, openHydrated as open, signedIn as signIn, waitHydrated } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

/** Today in Paris (a new patient's zone), `YYYY-MM-DD`. */
function todayInParis() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

async function newPatient() {
  const page = await newPage(browser);
  const username = `traitement${Date.now()}`;
  await page.goto(`${BASE}/signup`);
  await page.fill('#first_name', 'Nina');
  await page.fill('#last_name', 'Perrin');
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'une phrase de passe solide');
  await page.click('[data-testid="sign-up-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/patient`);
  return page;
}

async function addTreatment(page, { name, frequency, times }) {
  await page.fill('#medocs_name', name);
  await page.fill('#frequency', String(frequency));
  await page.fill('#duration_days', '5');
  await page.fill('#started_on', todayInParis());
  await page.fill('#dose_times', times);
  await page.click('[data-testid="add-treatment-submit"]');
}

test('a patient adds treatments, ticks a dose and is warned of a shared ingredient', async () => {
  const page = await newPatient();
  await open(page, '/patient/treatments');
  assert.match(await page.locator('h1').first().innerText(), /Mes traitements/);
  await page.waitForSelector('[data-testid="running-treatments"], [data-testid="empty"]');
  assert.ok(await page.locator('[data-testid="empty"]').count() >= 1, 'empty states first');

  // One time for two doses: refused under the field.
  await addTreatment(page, { name: 'Doliprane 1000 mg', frequency: 2, times: '08:00' });
  const timesError = page.locator('[data-testid="error-dose_times"]');
  await timesError.waitFor();
  assert.equal(await timesError.getAttribute('data-error-code'), 'count_mismatch');

  // From midnight today, a dose a minute past midnight is due now.
  await addTreatment(page, { name: 'Doliprane 1000 mg', frequency: 2, times: '00:01, 23:59' });
  // Saved, the page is loaded again.
  await page.waitForSelector('[data-testid="running-treatments"] [data-testid="treatment"]');
  await waitHydrated(page);
  const due = page.locator('[data-testid="dose"][data-status="none"]').first();
  await due.waitFor();
  await due.locator('[data-testid="dose-taken"]').click();
  // Noted, the page is loaded again.
  await page.waitForSelector('[data-testid="dose"][data-status="taken"]');
  await waitHydrated(page);
  assert.match(await page.locator('[data-testid="adherence-figure"]').first().innerText(), /1 prises sur 1/);

  // A second paracetamol: the warning names the ingredient.
  await addTreatment(page, { name: 'Dafalgan codéiné', frequency: 1, times: '23:58' });
  const warning = page.locator('[data-testid="interactions"]');
  await warning.waitFor();
  assert.match(await warning.innerText(), /paracétamol/);
  assert.equal(await page.locator('[data-testid="running-treatments"] [data-testid="treatment"]').count(), 2);
});

test('a patient checks their symptoms, sees the likeliest and finds a doctor; chest pain is an emergency', async () => {
  const page = await signIn(browser, 'marie', 'rendez-vous-2026', '/patient');
  await open(page, '/patient/symptoms');
  await page.check('#fever');
  await page.check('#cough');
  await page.check('#fatigue');
  await page.click('[data-testid="check-symptoms"]');
  const answer = page.locator('[data-testid="symptoms-answer"]');
  await answer.waitFor();
  assert.notEqual(await answer.getAttribute('data-urgency'), 'emergency');
  assert.equal(await page.locator('[data-testid="likely"] li').count(), 3);
  assert.match(await page.locator('[data-testid="notice"]').innerText(), /pas un diagnostic/);

  await page.check('#chest_pain');
  await page.click('[data-testid="check-symptoms"]');
  await page.waitForSelector('[data-testid="symptoms-answer"][data-urgency="emergency"]');
  const numbers = await page.locator('[data-testid="emergency-number"]').allInnerTexts();
  assert.deepEqual(numbers, ['15', '112']);

  await page.click('[data-testid="find-specialist"]');
  await page.waitForURL(/\/patient\/doctors\?specialty=/);
});
