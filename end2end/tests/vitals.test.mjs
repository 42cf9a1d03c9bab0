// Browser test of live vitals: a doctor registers a device for a new patient
// on the registry page (its token is shown once), watches the monitoring
// board while the device sends readings over HTTP, sees a critical alert
// arrive live, opens the patient's vital signs (cards, NEWS2, charts) and
// acknowledges the alert; the patient sees their own values and the alert.
// Then `medplat simulate` plays a deteriorating patient's devices over their
// sockets while the doctor watches the ward view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BASE, launch, me, newPage, openHydrated as open, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const signedIn = (login, password, home) => signIn(browser, login, password, home);

/** A device sending readings, as the ESP32 firmware does (seed 004's shape). */
async function send(token, data) {
  const response = await fetch(`${BASE}/api/iot/data/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  assert.equal(response.status, 201, await response.text());
}

/**
 * A new patient who signed up in the browser, put in Dr Nguyen's care by an
 * administrator; Dr Nguyen signed in.
 */
async function patientInCare(firstName, lastName) {
  const patient = await newPage(browser);
  const username = `constantes${Date.now()}`;
  await patient.goto(`${BASE}/signup`);
  await patient.fill('#first_name', firstName);
  await patient.fill('#last_name', lastName);
  await patient.fill('#username', username);
  await patient.fill('#email', `${username}@example.org`);
  await patient.fill('#password', 'une phrase de passe solide');
  await patient.click('[data-testid="sign-up-form"] button[type="submit"]');
  await patient.waitForURL(`${BASE}/patient`);
  const patientId = (await me(patient)).id;

  const doctor = await signedIn('dr.nguyen', 'consultation-2026', '/doctor');
  const doctorId = (await me(doctor)).id;
  const tokens = await (await fetch(`${BASE}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'gestion-2026!' }),
  })).json();
  const assigned = await fetch(`${BASE}/api/v1/care-relationships/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.access}`, 'content-type': 'application/json' },
    body: JSON.stringify({ doctor_id: doctorId, patient_id: patientId }),
  });
  assert.equal(assigned.status, 201, await assigned.text());
  return { patient, patientId, doctor };
}

/** Runs `medplat simulate` (the binary under test) to its end. */
function simulate(args) {
  const bin = process.env.MEDPLAT_BIN ?? 'target/release/medplat';
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['simulate', '--url', BASE, ...args], {
      env: { ...process.env, SIMULATE_PASSWORD: 'consultation-2026' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { out += chunk; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`simulate exited ${code}:\n${out}`))));
  });
}

test('readings appear live on the board, an alert arrives and is acknowledged', async () => {
  const { patient, patientId, doctor } = await patientInCare('Louise', 'Garnier');

  // The patient's page before any reading: a clear empty state.
  await open(patient, '/patient/vitals');
  await patient.waitForSelector('[data-testid="no-readings"]');

  // The doctor registers an oximeter on the registry page.
  await open(doctor, '/doctor/devices');
  const form = doctor.locator('[data-testid="register-device"]');
  await form.locator('input[name="nom"]').fill('Oxymètre — test');
  await form.locator('select[name="type_dispositif"]').selectOption('capteur_oxygene');
  const mac = `3C:71:BF:${Date.now().toString(16).slice(-6).match(/../g).join(':')}`.toUpperCase();
  await form.locator('input[name="adresse_mac"]').fill(mac);
  await form.locator('select[name="patient"]').selectOption(String(patientId));
  await form.locator('[data-testid="register-submit"]').click();
  const token = (await doctor.locator('[data-testid="device-token"]').innerText()).trim();
  assert.match(token, /^dev_/);
  await doctor.waitForSelector(`[data-testid="device"]:has-text("${mac}")`);

  // The board, live; the new patient is on it with no values yet.
  await open(doctor, '/doctor/monitoring');
  await doctor.waitForSelector('[data-testid="link-status"][data-state="live"]');
  const row = doctor.locator(`[data-testid="board-row"][data-patient="${patientId}"]`);
  await row.waitFor();

  // Readings arrive: the row shows them without a reload.
  await send(token, { spo2: 97, heart_rate: 74, respiratory_rate: 16 });
  await doctor.waitForFunction(
    (id) => document.querySelector(`[data-testid="board-row"][data-patient="${id}"]`)?.textContent.includes('97'),
    patientId,
  );

  // The patient deteriorates: a critical alert shows on the board.
  await send(token, { spo2: 85, heart_rate: 128, respiratory_rate: 26 });
  const banner = doctor.locator('[data-testid="new-alert"]');
  await banner.waitFor({ timeout: 5000 });
  assert.match(await banner.innerText(), /Louise Garnier/);
  await doctor.waitForSelector(
    `[data-testid="board-row"][data-patient="${patientId}"] [data-testid="news2-badge"][data-risk="high"]`,
  );

  // The patient's vital signs: cards, NEWS2, charts, alerts; acknowledge.
  await open(doctor, `/doctor/patients/${patientId}/vitals`);
  assert.equal(
    (await doctor.locator('[data-testid="vital-spo2"] [data-testid="vital-value"]').innerText()).trim(),
    '85',
  );
  assert.equal(await doctor.locator('[data-testid="vital-spo2"]').getAttribute('data-status'), 'low');
  await doctor.waitForSelector('[data-testid="news2-score"][data-risk="high"]');
  await doctor.waitForSelector('[data-testid="chart-spo2"] svg');
  const alert = doctor.locator('[data-testid="alert"][data-condition="spo2_low"]');
  assert.equal(await alert.getAttribute('data-state'), 'active');
  await doctor.waitForSelector('[data-testid="link-status"][data-state="live"]');
  await alert.locator('[data-testid="acknowledge"]').click();
  await doctor.waitForSelector('[data-testid="alert"][data-condition="spo2_low"][data-state="acknowledged"]');

  // A reading sent now reaches the open page live.
  await send(token, { spo2: 91 });
  await doctor.waitForFunction(
    () => document.querySelector('[data-testid="vital-spo2"] [data-testid="vital-value"]')?.textContent.trim() === '91',
  );

  // The patient sees their own values and the alert, without acknowledging.
  await open(patient, '/patient/vitals');
  await patient.waitForSelector('[data-testid="vital-spo2"]');
  await patient.waitForSelector('[data-testid="alert"][data-condition="spo2_low"]');
  assert.equal(await patient.locator('[data-testid="acknowledge"]').count(), 0);

  // The patient's data stays theirs: another patient's page is refused.
  const other = await signedIn('marie', 'rendez-vous-2026', '/patient');
  const refused = await other.request.get(`${BASE}/api/iot/donnees/news2/?patient_id=${patientId}`);
  assert.equal(refused.status(), 403);
});

test('simulated devices of a deteriorating patient reach the ward view live', async () => {
  const { patientId, doctor } = await patientInCare('Henri', 'Lambert');
  await open(doctor, '/doctor/monitoring');
  await doctor.waitForSelector('[data-testid="link-status"][data-state="live"]');
  const row = `[data-testid="board-row"][data-patient="${patientId}"]`;
  await doctor.waitForSelector(row);

  // Two oximeters on the patient's socket, getting worse over 12 seconds.
  const run = simulate([
    '--login', 'dr.nguyen', '--patients', String(patientId), '--devices', '2',
    '--rate', '4/s', '--transport', 'ws', '--scenario', 'deteriorating',
    '--duration', '12', '--cleanup',
  ]);
  // Values show on the row while the simulation runs, then the alert.
  await doctor.waitForFunction(
    (selector) => /\d+ %/.test(document.querySelector(selector)?.textContent ?? ''),
    row,
    { timeout: 10000 },
  );
  const banner = doctor.locator('[data-testid="new-alert"]');
  await banner.waitFor({ timeout: 15000 });
  assert.match(await banner.innerText(), /Henri Lambert/);
  const summary = await run;
  assert.match(summary, /errors +0/, summary);
  await doctor.waitForSelector(`${row} [data-testid="news2-badge"][data-risk="high"]`);

  // Acknowledged from the patient's page.
  await open(doctor, `/doctor/patients/${patientId}/vitals`);
  const alert = doctor.locator('[data-testid="alert"][data-state="active"]').first();
  await alert.waitFor();
  await doctor.waitForSelector('[data-testid="link-status"][data-state="live"]');
  await alert.locator('[data-testid="acknowledge"]').click();
  await doctor.waitForFunction(
    () => document.querySelectorAll('[data-testid="alert"][data-state="acknowledged"]').length > 0,
  );
});
