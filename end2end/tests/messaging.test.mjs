// Browser tests of messages outside the portals: a patient's channels and
// quiet hours (with a field error for one end only) and what was sent to
// them; the staff's webhook log and outbox, worded, never raw codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openHydrated, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

const signedIn = (login, password, home) => signIn(browser, login, password, home);

test('a patient chooses channels and quiet hours and sees what was sent', async () => {
  const page = await signedIn('marie', 'rendez-vous-2026', '/patient');
  await openHydrated(page, '/patient/account');
  const section = page.locator('[data-testid="messaging-settings"]');
  await section.waitFor();
  // The demo: WhatsApp on, quiet from 21:30 to 07:30, a history of messages.
  assert.equal(await section.locator('input[name="whatsapp"]').isChecked(), true);
  assert.equal(await section.locator('input[name="quiet_start"]').inputValue(), '21:30');
  const sent = section.locator('[data-testid="sent-message"]');
  assert.ok(await sent.count() > 0, 'the demo sent Marie messages');
  const first = await sent.first().innerText();
  assert.match(first, /Remis|Envoyé|Non envoyé|En attente/);
  assert.doesNotMatch(first, /UTC|appointment_|_/);

  // One end of the quiet hours only: the field is named.
  await section.locator('input[name="quiet_end"]').fill('');
  await section.locator('[data-testid="save-messaging"]').click();
  await section.locator('[data-testid="error-quiet_end"]').waitFor();

  // Both ends and SMS off: saved, and kept on the next visit.
  await section.locator('input[name="quiet_start"]').fill('22:00');
  await section.locator('input[name="quiet_end"]').fill('07:00');
  await section.locator('input[name="sms"]').uncheck();
  await section.locator('[data-testid="save-messaging"]').click();
  await section.locator('[data-testid="messaging-saved"]').waitFor();
  await openHydrated(page, '/patient/account');
  const again = page.locator('[data-testid="messaging-settings"]');
  await again.waitFor();
  assert.equal(await again.locator('input[name="quiet_start"]').inputValue(), '22:00');
  assert.equal(await again.locator('input[name="sms"]').isChecked(), false);
  // Put the demo back as it was.
  await again.locator('input[name="quiet_start"]').fill('21:30');
  await again.locator('input[name="quiet_end"]').fill('07:30');
  await again.locator('input[name="sms"]').check();
  await again.locator('[data-testid="save-messaging"]').click();
  await again.locator('[data-testid="messaging-saved"]').waitFor();
  await page.context().close();
});

test('doctors and administrators read the webhook log and the outbox in words', async () => {
  const admin = await signedIn('admin', 'gestion-2026!', '/admin');
  await openHydrated(admin, '/admin/sms');
  const received = admin.locator('[data-testid="received"]');
  await received.waitFor();
  const log = await received.innerText();
  assert.match(log, /WhatsApp reçu/);
  assert.match(log, /Traité/);
  assert.match(log, /Ignoré/);
  assert.match(log, /numéro inconnu|aucun dossier ouvert/);
  assert.doesNotMatch(log, /unknown_sender|no_open_record|whatsapp_incoming|prise de sang/);
  const outbound = await admin.locator('[data-testid="outbound"]').innerText();
  assert.match(outbound, /Remis|Envoyé/);
  // A filter narrows the log.
  await openHydrated(admin, '/admin/sms?event_status=ignored');
  const ignored = await admin.locator('[data-testid="received"]').innerText();
  assert.doesNotMatch(ignored, /Traité/);
  await admin.context().close();

  const doctor = await signedIn('dr.dupont', 'consultation-2026', '/doctor');
  await openHydrated(doctor, '/doctor/sms');
  await doctor.locator('[data-testid="received"]').waitFor();
  const theirs = await doctor.locator('[data-testid="received"]').innerText();
  assert.match(theirs, /WhatsApp reçu/, 'Paul, in Dr Dupont’s care, wrote by WhatsApp');
  assert.doesNotMatch(theirs, /numéro inconnu/, 'a doctor sees only their patients’ events');
  await doctor.context().close();
});
