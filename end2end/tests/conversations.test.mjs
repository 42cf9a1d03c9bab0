// Browser tests of conversations: a patient books through the assistant's
// widget (a slot chosen by a button, then a yes), and the conversation stays
// open as she moves to another page; a patient and her doctor write to each
// other live, with the doctor's presence, typing and the read receipt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openHydrated as open, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

test('a patient books through the assistant, which keeps the conversation across pages', async () => {
  const page = await signIn(browser, 'chloe', 'rendez-vous-2026', '/patient');
  await open(page, '/patient');
  await page.click('[data-testid="assistant-toggle"]');
  const panel = page.locator('[data-testid="assistant-panel"]');
  await panel.waitFor();
  await panel.locator('[data-testid="link-status"][data-state="live"]').waitFor();
  // The question box has the focus once the panel opens.
  await page.keyboard.type('Je voudrais un rendez-vous avec le docteur Dupont');
  await page.keyboard.press('Enter');
  const choices = panel.locator('[data-testid="assistant-choices"] button');
  await choices.first().waitFor();
  const slot = await choices.first().innerText();
  assert.match(slot, /Dupont/);
  await choices.first().click();
  await panel.locator('[data-testid="assistant-choices"] button', { hasText: 'Oui' }).click();
  await panel.locator('[data-testid="assistant-log"]', { hasText: "C'est fait" }).waitFor();

  // The answer's link moves to the appointments; the panel keeps its transcript.
  await panel.locator('a', { hasText: 'Mes rendez-vous' }).last().click();
  await page.waitForURL(/\/patient\/appointments$/);
  assert.match(await panel.locator('[data-testid="assistant-log"]').innerText(), /C'est fait/);
  await page.locator('main', { hasText: 'Dupont' }).waitFor();
  // Escape closes it.
  await page.locator('[data-testid="assistant-input"]').focus();
  await page.keyboard.press('Escape');
  assert.equal(await page.getAttribute('[data-testid="assistant-toggle"]', 'aria-expanded'), 'false');
  await page.context().close();
});

test('a patient and her doctor talk live', async () => {
  const patient = await signIn(browser, 'marie', 'rendez-vous-2026', '/patient');
  await open(patient, '/patient/messages');
  // The demo's last message, from the doctor, is unread.
  await patient.locator('[data-testid="unread-chat"]').waitFor();
  await patient.locator('[data-testid="room"]', { hasText: 'Dupont' }).click();
  await patient.waitForURL(/room=\d+/);
  const room = new URL(patient.url()).searchParams.get('room');
  const pane = patient.locator('[data-testid="chat-pane"]');
  await pane.locator('[data-testid="link-status"][data-state="live"]').waitFor();
  await pane.locator('[data-testid="chat-message"]', { hasText: 'appelez le 15' }).waitFor();

  const doctor = await signIn(browser, 'dr.dupont', 'consultation-2026', '/doctor');
  await open(doctor, `/doctor/messages?room=${room}`);
  const doctorPane = doctor.locator('[data-testid="chat-pane"]');
  await doctorPane.locator('[data-testid="link-status"][data-state="live"]').waitFor();
  await pane.locator('[data-testid="presence"][data-online="true"]').waitFor();

  await patient.fill('[data-testid="chat-input"]', 'Ce matin : 13/8, docteur.');
  await patient.press('[data-testid="chat-input"]', 'Enter');
  const received = doctorPane.locator('[data-testid="chat-message"][data-mine="false"]', { hasText: 'Ce matin : 13/8' });
  await received.waitFor();
  // The doctor's screen read it: the patient sees the receipt.
  await pane.locator('[data-testid="chat-message"][data-mine="true"] [data-testid="read-receipt"]').waitFor();

  // Words of an emergency: the patient gets the numbers at once, the doctor a mark.
  await patient.fill('[data-testid="chat-input"]', "J'ai du mal à respirer depuis une heure");
  await patient.press('[data-testid="chat-input"]', 'Enter');
  const help = pane.locator('[data-testid="chat-message"][data-mine="true"] [data-testid="red-flag-help"]');
  await help.waitFor();
  assert.equal(await help.locator('a[href="tel:15"]').count(), 1);
  await doctorPane.locator('[data-testid="chat-message"][data-mine="false"] [data-testid="red-flag-mark"]', { hasText: 'respirer' }).waitFor();

  await doctor.locator('[data-testid="chat-input"]').pressSequentially('Très bien');
  await pane.locator('[data-testid="typing"]', { hasText: 'écrit' }).waitFor();
  await doctor.press('[data-testid="chat-input"]', 'Enter');
  await pane.locator('[data-testid="chat-message"][data-mine="false"]', { hasText: 'Très bien' }).waitFor();
  assert.equal(await patient.inputValue('[data-testid="chat-input"]'), '');
  await doctor.context().close();
  await pane.locator('[data-testid="presence"][data-online="false"]').waitFor();
  await patient.context().close();
});
