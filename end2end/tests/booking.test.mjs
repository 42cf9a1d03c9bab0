// Browser test of scheduling: a patient finds a doctor, books a free slot of
// next week, the doctor accepts it from the agenda, and the patient sees it
// confirmed. Runs against the demo data: Dr Dupont works Monday to Friday and
// keeps his Mondays free; Marie already has past and coming appointments, and
// Dr Dupont other requests waiting, so the test follows its own booking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const signedIn = (login, password, home) => signIn(browser, login, password, home);

/** Waits until the page's WebAssembly has hydrated it. */
async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
}

test('a patient books a slot and the doctor accepts it', async () => {
  const patient = await signedIn('marie', 'rendez-vous-2026', '/patient');

  // Search by specialty and name; the card shows the next free slot.
  await patient.goto(`${BASE}/patient/doctors?specialty=general&q=dupont`);
  await patient.waitForSelector('[data-testid="doctor-card"]');
  assert.equal(await patient.locator('[data-testid="doctor-card"]').count(), 1);
  assert.match(await patient.locator('[data-testid="doctor-card"]').innerText(), /Dr Jean Dupont/);
  assert.match(await patient.locator('[data-testid="next-free"]').innerText(), /Prochain créneau/);

  // The doctor's page: a week of slots; next week always has Monday to Friday open.
  await patient.click('[data-testid="doctor-card"] a');
  await patient.waitForSelector('[data-testid="week-grid"]');
  await hydrated(patient);
  await patient.click('[data-testid="next-week"]');
  await patient.waitForURL(/week=/);
  await patient.waitForSelector('[data-testid="day-column"] [data-testid="slot"]');
  const columns = patient.locator('[data-testid="day-column"]');
  assert.equal(await columns.count(), 7);
  const weekend = columns.nth(5);
  assert.equal(await weekend.locator('[data-testid="slot"]').count(), 0, 'no slots on Saturday');
  assert.match(await weekend.innerText(), /Fermé/);
  assert.equal(await weekend.locator('[data-testid="join-waitlist"]').count(), 0, 'no waitlist for a closed day');
  const monday = columns.nth(0);
  assert.equal(await monday.locator('[data-testid="slot"]').count(), 12, 'six morning and six afternoon slots');
  const firstSlot = monday.locator('[data-testid="slot"]').first();
  assert.match(await firstSlot.innerText(), /09:00/);

  // Book it.
  await firstSlot.click();
  await patient.waitForSelector('[data-testid="booking-form"]');
  await hydrated(patient);
  const weekUrl = patient.url().replace(/&slot=[^&]+/, '');
  assert.match(await patient.locator('[data-testid="booking-when"]').innerText(), /lun\. \d\d\/\d\d 09:00 – 09:30/);
  await patient.fill('[data-testid="booking-form"] input[name="reason"]', 'Renouvellement d’ordonnance');
  await patient.click('[data-testid="book-submit"]');
  await patient.waitForURL(/\/patient\/appointments/);
  await patient.waitForSelector('[data-testid="appointment"]');
  // Marie's only pending request to Dr Dupont is the one just made.
  const booked = patient.locator('[data-testid="appointment"]')
    .filter({ hasText: 'Dr Jean Dupont', has: patient.locator('[data-status="pending"]') });
  assert.equal(await booked.count(), 1);
  assert.match(await booked.innerText(), /09:00/);

  // The slot now shows as full in the doctor's week.
  await patient.goto(weekUrl);
  await patient.waitForSelector('[data-testid="week-grid"]');
  const mondayAgain = patient.locator('[data-testid="day-column"]').nth(0);
  assert.match(await mondayAgain.locator('[data-testid="full-slot"]').first().innerText(), /09:00/);
  assert.equal(await mondayAgain.locator('[data-testid="slot"]').count(), 11);

  // The doctor sees the request and accepts it with a message.
  const doctor = await signedIn('dr.dupont', 'consultation-2026', '/doctor');
  await doctor.goto(`${BASE}/doctor/agenda`);
  await doctor.waitForSelector('[data-testid="pending-requests"] [data-testid="doctor-appointment"]');
  const request = doctor.locator('[data-testid="pending-requests"] [data-testid="doctor-appointment"]')
    .filter({ hasText: 'Marie Lefèvre' });
  assert.equal(await request.count(), 1, 'the demo has no other pending request from Marie');
  assert.match(await request.innerText(), /Renouvellement d’ordonnance/);
  await hydrated(doctor);
  await request.locator('input').fill('À lundi !');
  await request.locator('[data-testid="accept"]').click();
  await request.first().waitFor({ state: 'detached' });
  assert.ok(await doctor.locator('[data-testid="pending-requests"] [data-testid="doctor-appointment"]').count() > 0,
    'the demo requests still wait');
  await doctor.context().close();

  // The patient sees it confirmed, with the doctor's message, and was notified.
  await patient.goto(`${BASE}/patient/appointments`);
  const accepted = patient.locator('[data-testid="appointment"]').filter({ hasText: 'À lundi !' });
  await accepted.waitFor();
  assert.equal(await accepted.locator('[data-status]').getAttribute('data-status'), 'confirmed');
  await patient.goto(`${BASE}/patient`);
  await patient.waitForSelector('[data-testid="notifications"] li');
  assert.match(await patient.locator('[data-testid="notifications"]').innerText(), /Rendez-vous confirmé par Dr Jean Dupont — .* À lundi !/);
  await patient.context().close();
});
