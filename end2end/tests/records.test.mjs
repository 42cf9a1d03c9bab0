// Browser test of consultation records: a patient prepares a record for her
// doctor (a field error named under the field, then saved as she goes),
// sends it and writes in its thread; the doctor finds it in the queue,
// cannot validate it without a diagnosis, concludes and validates it, and
// prints it; the patient then reads it read-only, with her message read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openHydrated as open, signedIn as signIn, waitHydrated } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

/** Leaves a field so that its `change` saves the record, and waits for it. */
async function fillAndSave(page, selector, text) {
  await page.fill(selector, text);
  await page.locator(selector).blur();
  await page.waitForSelector('[data-testid="save-state"]:has-text("Enregistré")');
}

test('a record goes from the patient to the doctor and back, with its thread', async () => {
  const patient = await signIn(browser, 'marie', 'rendez-vous-2026', '/patient');
  await open(patient, '/patient/consultations');
  assert.match(await patient.locator('h1').first().innerText(), /Fiches de consultation/);
  // The demo's validated record is in her history.
  await patient.waitForSelector('[data-testid="record-history"] [data-status="validated"]');
  const dupont = await patient.locator('#other_id option', { hasText: 'Dupont' }).getAttribute('value');
  await patient.selectOption('#other_id', dupont);
  await patient.click('[data-testid="open-record"]');
  await patient.waitForURL(/\/patient\/consultations\/\d+$/);
  const id = patient.url().split('/').pop();
  await patient.waitForSelector('[data-testid="record-status"][data-status="draft"]');
  await waitHydrated(patient);

  // Sending without a reason: the error is under the reason field.
  await patient.click('[data-testid="record-submit"]');
  const reasonError = patient.locator('[data-testid="error-intake.reason"]');
  await reasonError.waitFor();
  assert.equal(await reasonError.getAttribute('data-error-code'), 'required');

  await fillAndSave(patient, '#intake-reason', 'Vertiges le matin depuis une semaine');
  await patient.click('[data-testid="step-1"]');
  await patient.check('#intake-symptoms-dizziness');
  await patient.waitForSelector('[data-testid="save-state"]:has-text("Enregistré")');
  await patient.click('[data-testid="record-submit"]');
  await patient.waitForSelector('[data-testid="record-status"][data-status="submitted"]');
  await waitHydrated(patient);
  // In analysis: her fields are read-only now.
  assert.equal(await patient.locator('#intake-symptoms-dizziness').count(), 0);

  await patient.fill('#thread-body', 'Faut-il venir à jeun ?');
  await patient.click('[data-testid="thread-send"]');
  await patient.waitForSelector('[data-testid="thread-message"][data-mine="true"]');

  const doctor = await signIn(browser, 'dr.dupont', 'consultation-2026', '/doctor');
  await open(doctor, '/doctor/consultations');
  const row = doctor.locator(`[data-testid="record-queue"] [data-testid="record-row"][data-id="${id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Vertiges le matin/);
  assert.match(await row.locator('[data-testid="unread"]').innerText(), /1/);
  await open(doctor, `/doctor/consultations/${id}`);
  await doctor.waitForSelector('[data-testid="record-status"][data-status="submitted"]');
  const question = doctor.locator('[data-testid="thread-message"][data-mine="false"]');
  assert.match(await question.innerText(), /à jeun/);

  // Validating needs a diagnosis: the editor opens the conclusion on it.
  await doctor.click('[data-testid="record-validate"]');
  const diagnosisError = doctor.locator('[data-testid="error-examination.diagnosis"]');
  await diagnosisError.waitFor();
  await fillAndSave(doctor, '#examination-diagnosis', 'Vertige positionnel paroxystique bénin');
  await doctor.click('[data-testid="step-4"]');
  await fillAndSave(doctor, '#examination-vitals-systolic_mmhg', '128');
  await doctor.click('[data-testid="record-validate"]');
  await doctor.waitForSelector('[data-testid="record-status"][data-status="validated"]');
  await doctor.waitForSelector('[data-testid="validated-note"]');
  await waitHydrated(doctor);
  const pdf = await doctor.request.get(BASE + await doctor.locator('[data-testid="record-pdf"]').getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));
  await doctor.fill('#thread-body', 'Non, pas besoin.');
  await doctor.click('[data-testid="thread-send"]');
  await doctor.waitForSelector('[data-testid="thread-message"][data-mine="true"]');

  // The patient sees it validated and read-only, and that her message was read.
  await open(patient, `/patient/consultations/${id}`);
  await patient.waitForSelector('[data-testid="record-status"][data-status="validated"]');
  assert.equal(await patient.locator('#intake-reason').count(), 0);
  assert.match(await patient.locator('[data-testid="record-step"]').innerText(), /Vertiges le matin/);
  await patient.waitForSelector('[data-testid="thread-message"][data-mine="true"] [data-testid="read-mark"]');
  assert.match(await patient.locator('[data-testid="thread-message"][data-mine="false"]').innerText(), /pas besoin/);
});

test('a coming appointment opens its own record, once', async () => {
  const patient = await signIn(browser, 'paul', 'rendez-vous-2026', '/patient');
  await open(patient, '/patient/appointments');
  const appointment = patient.locator('[data-testid="appointment"]:has([data-testid="prepare-record"])').first();
  const appointmentId = await appointment.getAttribute('data-id');
  await appointment.locator('[data-testid="prepare-record"]').click();
  await patient.waitForURL(/\/patient\/consultations\/\d+$/);
  const id = patient.url().split('/').pop();
  await patient.waitForSelector('[data-testid="record-status"][data-status="draft"]');
  const record = await (await patient.request.get(`${BASE}/api/v1/consultations/${id}/`)).json();
  assert.equal(String(record.appointment_id), appointmentId);

  await open(patient, '/patient/appointments');
  await patient.locator(`[data-testid="appointment"][data-id="${appointmentId}"] [data-testid="prepare-record"]`).click();
  await patient.waitForURL(`${BASE}/patient/consultations/${id}`);
});
