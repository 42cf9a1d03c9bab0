// Browser test of the medical file: a patient fills in their profile; an
// administrator puts Dr Dupont in their care team; Dr Dupont opens the file;
// the patient sees that reading in "Qui a consulté mes données" and withdraws
// him; Dr Dupont is then refused, opens emergency access with a reason, and
// the patient sees it flagged. The patient is created by the test, so nothing
// depends on the demo's care relationships or on other tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, me, newPage, openHydrated as open, signedIn as signIn, waitHydrated } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const signedIn = (login, password, home) => signIn(browser, login, password, home);

/** Signs a new patient up; returns the page and the account. */
async function newPatient() {
  const page = await newPage(browser);
  const username = `dossier${Date.now()}`;
  await page.goto(`${BASE}/signup`);
  await page.fill('#first_name', 'Léa');
  await page.fill('#last_name', 'Moreau');
  await page.fill('#username', username);
  await page.fill('#email', `${username}@example.org`);
  await page.fill('#password', 'une phrase de passe solide');
  await page.click('[data-testid="sign-up-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}/patient`);
  return { page, account: await me(page) };
}

test('a doctor of the care team reads the file, the patient sees it and withdraws him, then he is refused', async () => {
  const { page: patient, account } = await newPatient();
  const patientId = account.id;

  // The patient fills in the profile; a bad height is named under its field.
  await open(patient, '/patient/profile');
  assert.match(await patient.locator('h1').first().innerText(), /Mon dossier médical/);
  assert.match(await patient.locator('[data-testid="profile-updated"]').innerText(), /pas encore rempli/);
  await patient.fill('#date_of_birth', '1990-05-14');
  await patient.selectOption('#blood_group', 'O+');
  await patient.fill('#height_cm', '12');
  await patient.fill('#weight_kg', '64,5');
  await patient.fill('#allergies', 'pénicilline\narachide');
  await patient.fill('#emergency_contact_name', 'Marc Moreau');
  await patient.fill('#emergency_contact_phone', '06 12 34 56 78');
  await patient.fill('#emergency_contact_relation', 'frère');
  await patient.selectOption('#cholesterol_level', 'high');
  await patient.click('[data-testid="save-profile"]');
  const heightError = patient.locator('[data-testid="error-height_cm"]');
  await heightError.waitFor();
  assert.equal(await heightError.getAttribute('data-error-code'), 'out_of_range');
  assert.equal(await patient.inputValue('#allergies'), 'pénicilline\narachide', 'a refused save keeps the input');
  await patient.fill('#height_cm', '168');
  await patient.click('[data-testid="save-profile"]');
  await patient.waitForSelector('[data-testid="profile-saved"]');
  assert.equal(await heightError.count(), 0);

  // No doctor looks after a new patient.
  await open(patient, '/patient/care-team');
  await patient.waitForSelector('[data-testid="empty"]');
  assert.match(await patient.locator('[data-testid="empty"]').innerText(), /Aucun médecin ne vous suit/);

  // Dr Dupont is not in the care team yet: refused.
  const doctor = await signedIn('dr.dupont', 'consultation-2026', '/doctor');
  const doctorId = (await me(doctor)).id;
  await open(doctor, `/doctor/patients/${patientId}`);
  await doctor.waitForSelector('[data-testid="access-refused"]');

  // An administrator assigns him.
  const admin = await signedIn('admin', 'gestion-2026!', '/admin');
  await open(admin, '/admin/care');
  await admin.fill('#doctor_id', String(doctorId));
  await admin.fill('#patient_id', String(patientId));
  await admin.click('[data-testid="assign-submit"]');
  await admin.waitForSelector('[data-testid="assigned-notice"]');
  const assigned = admin.locator(`[data-testid="care-running"] [data-testid="care-relationship"][data-patient-id="${patientId}"]`);
  await assigned.waitFor();
  assert.match(await assigned.innerText(), /Dr Jean Dupont → Léa Moreau/);
  // Twice is refused, with the reason (the page was loaded again, empty).
  await waitHydrated(admin);
  await admin.fill('#doctor_id', String(doctorId));
  await admin.fill('#patient_id', String(patientId));
  await admin.click('[data-testid="assign-submit"]');
  await admin.waitForSelector('[role="alert"][data-error-code="already_in_care"]');
  await admin.context().close();

  // Dr Dupont finds the patient among his and opens the file.
  await open(doctor, '/doctor/patients');
  const mine = doctor.locator(`[data-testid="my-patients"] [data-testid="care-relationship"][data-patient-id="${patientId}"]`);
  await mine.waitFor();
  assert.match(await mine.innerText(), /Désigné par l’administration/);
  await mine.locator('[data-testid="open-file"]').click();
  await doctor.waitForURL(`${BASE}/doctor/patients/${patientId}`);
  await doctor.waitForSelector('[data-testid="profile-view"]');
  assert.equal(await doctor.locator('[data-testid="patient-name"]').innerText(), 'Léa Moreau');
  assert.equal(await doctor.locator('[data-testid="profile-blood_group"]').innerText(), 'O+');
  assert.equal(await doctor.locator('[data-testid="profile-height_cm"]').innerText(), '168');
  assert.equal(await doctor.locator('[data-testid="profile-allergies"]').innerText(), 'pénicilline, arachide');
  assert.equal(await doctor.locator('[data-testid="profile-cholesterol_level"]').innerText(), 'Élevé');
  assert.equal(await doctor.locator('[data-testid="emergency-access"]').count(), 0);

  // The patient sees Dr Dupont's reading, through the web portal.
  await open(patient, '/patient/access');
  await patient.waitForSelector('[data-testid="trail-table"]');
  const reading = patient.locator(
    `[data-testid="trail-entry"][data-actor-id="${doctorId}"][data-action="read"][data-resource="medical_profile"][data-allowed="true"]`);
  assert.ok(await reading.count() >= 1, 'the reading is listed');
  const row = await reading.first().innerText();
  assert.match(row, /Jean Dupont/);
  assert.match(row, /Médecin/);
  assert.match(row, /Consultation/);
  assert.match(row, /Dossier médical/);
  assert.match(row, /Portail web/);
  assert.equal(await reading.first().getAttribute('data-door'), 'web');
  // His refusal before the assignment is there too; the patient's own saves show as "Vous".
  assert.equal(await patient.locator(`[data-testid="trail-entry"][data-actor-id="${doctorId}"][data-resource="medical_profile"][data-allowed="false"]`).count(), 1);
  assert.match(await patient.locator('[data-testid="trail-entry"][data-action="update"] [data-testid="trail-who"]').first().innerText(), /Vous/);
  // One visit of a page is one reading, however often the server's rendering builds the page.
  assert.equal(await patient.locator(`[data-testid="trail-entry"][data-actor-id="${patientId}"][data-resource="care_relationship"]`).count(), 1);
  assert.equal(await patient.locator(`[data-testid="trail-entry"][data-actor-id="${patientId}"][data-action="read"][data-resource="medical_profile"]`).count(), 1);
  // Newest first.
  assert.equal(await patient.locator('[data-testid="trail-entry"]').first().getAttribute('data-actor-id'), String(doctorId));

  // The patient withdraws Dr Dupont, after confirming.
  await open(patient, '/patient/care-team');
  const member = patient.locator(`[data-testid="care-team"] [data-testid="care-relationship"][data-doctor-id="${doctorId}"]`);
  await member.waitFor();
  assert.match(await member.innerText(), /Dr Jean Dupont/);
  await member.locator('[data-testid="withdraw"]').click();
  await member.locator('[data-testid="withdraw-question"]').waitFor();
  await member.locator('[data-testid="withdraw-confirm"]').click();
  await patient.waitForSelector('[data-testid="withdrawn-notice"]');
  const former = patient.locator(`[data-testid="care-team-ended"] [data-testid="care-relationship"][data-doctor-id="${doctorId}"]`);
  await former.waitFor();
  assert.match(await former.innerText(), /Retiré par le patient/);
  assert.equal(await patient.locator('[data-testid="care-team"]').count(), 0);

  // Dr Dupont is refused on his next request.
  await open(doctor, `/doctor/patients/${patientId}`);
  await doctor.waitForSelector('[data-testid="access-refused"]');
  assert.equal(await doctor.locator('[data-testid="profile-view"]').count(), 0);
  assert.match(await doctor.locator('[data-testid="access-refused"]').innerText(), /Accès refusé/);

  // In an emergency he breaks the glass: the file shows, flagged.
  await doctor.fill('#reason', 'Patiente admise inconsciente aux urgences');
  await doctor.click('[data-testid="break-glass-submit"]');
  await doctor.waitForSelector('[data-testid="emergency-access"]');
  await doctor.waitForSelector('[data-testid="profile-view"]');
  assert.match(await doctor.locator('[data-testid="emergency-access"]').innerText(), /Accès d’urgence.*Valable jusqu’au/s);
  assert.equal(await doctor.locator('[data-testid="profile-blood_group"]').innerText(), 'O+');
  // He is no longer among the carers: the patient shows among his former ones.
  await open(doctor, '/doctor/patients');
  await doctor.locator(`[data-testid="former-patients"] [data-testid="care-relationship"][data-patient-id="${patientId}"]`).waitFor();
  assert.equal(await doctor.locator(`[data-testid="my-patients"] [data-patient-id="${patientId}"]`).count(), 0);
  await doctor.context().close();

  // The patient sees the refusal and the emergency access, flagged.
  await open(patient, '/patient/access');
  await patient.waitForSelector('[data-testid="trail-table"]');
  const emergency = patient.locator(`[data-testid="trail-entry"][data-actor-id="${doctorId}"][data-emergency="true"]`);
  assert.ok(await emergency.count() >= 2, 'the grant and the reading under it');
  assert.match(await emergency.first().locator('[data-testid="emergency-flag"]').innerText(), /Urgence/);
  // Refused twice on the file (the page asks for the treatments too, refused alike).
  assert.equal(await patient.locator(`[data-testid="trail-entry"][data-actor-id="${doctorId}"][data-resource="medical_profile"][data-allowed="false"]`).count(), 2);
  await patient.context().close();
});

test('an administrator searches the access trail and downloads it as CSV', async () => {
  const { page: patient, account } = await newPatient();
  await open(patient, '/patient/profile');
  await patient.fill('#height_cm', '170');
  await patient.click('[data-testid="save-profile"]');
  await patient.waitForSelector('[data-testid="profile-saved"]');
  await patient.context().close();

  const admin = await signedIn('admin', 'gestion-2026!', '/admin');
  await open(admin, `/admin/trail?patient_id=${account.id}&action=update`);
  await admin.waitForSelector('[data-testid="trail-table"]');
  const rows = admin.locator('[data-testid="trail-entry"]');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /Léa Moreau/);
  assert.match(await admin.locator('[data-testid="page-position"]').innerText(), /Page 1 sur 1 · 1 entrée/);

  // The CSV link carries the same search.
  const href = await admin.getAttribute('[data-testid="download-csv"]', 'href');
  assert.equal(href, `/api/v1/audit/trail.csv?patient_id=${account.id}&action=update`);
  const csv = await admin.request.get(`${BASE}${href}`);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /text\/csv/);
  const lines = (await csv.text()).trim().split('\n');
  assert.match(lines[0], /^seq,at,actor_id/);
  assert.equal(lines.length, 2);
  assert.match(lines[1], /,update,medical_profile,/);

  // A bad search names its field; nothing matches shows the empty state.
  await open(admin, '/admin/trail?from=2030-01-02&to=2030-01-01');
  await admin.waitForSelector('[role="alert"]');
  assert.equal(await admin.getAttribute('[role="alert"]', 'data-error-code'), 'before_start');
  await open(admin, `/admin/trail?patient_id=${account.id}&action=delete`);
  await admin.waitForSelector('[data-testid="empty"]');
  assert.match(await admin.locator('[data-testid="empty"]').innerText(), /Aucune entrée/);
  await admin.context().close();
});
