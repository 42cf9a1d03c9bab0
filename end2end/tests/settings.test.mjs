// Browser test of the platform settings: the demo administrator changes the
// clinic's phone and the reminders on the page, sees them saved and in the
// history in words, and the assistant gives the new number at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openHydrated as open, signedIn as signIn, waitHydrated } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

test('an administrator changes settings that apply at once, with their history', async () => {
  const admin = await signIn(browser, 'admin', 'gestion-2026!', '/admin');
  await open(admin, '/admin/settings');
  await admin.waitForSelector('[data-testid="settings-form"]');
  // The demo's own change is in the history.
  const history = admin.locator('[data-testid="settings-change"]');
  assert.ok(await history.count() >= 2);
  assert.match(await admin.locator('[data-testid="settings-history"]').innerText(), /Centre médical MedPlat/);

  // A bad phone is refused under its field, and nothing changes.
  await admin.fill('[data-testid="setting-clinic_phone"]', '12');
  await admin.click('[data-testid="settings-save"]');
  await admin.waitForSelector('[data-testid="error-clinic_phone"]');
  const before = await (await admin.request.get(`${BASE}/api/v1/settings/`)).json();
  assert.notEqual(before.settings.clinic_phone, '12');

  await admin.fill('[data-testid="setting-clinic_phone"]', '01 45 67 89 10');
  await admin.fill('[data-testid="setting-reminders"]', '48 h, 3 h');
  await admin.click('[data-testid="settings-save"]');
  await admin.waitForSelector('[data-testid="settings-saved"]');
  const after = await (await admin.request.get(`${BASE}/api/v1/settings/`)).json();
  assert.equal(after.settings.clinic_phone, '01 45 67 89 10');
  assert.deepEqual(after.settings.reminders, [2880, 180]);
  assert.equal(after.settings.assistant_enabled, true, 'the ticked box stays on');
  assert.equal(after.version, before.version + 1);
  await admin.waitForFunction(() => document.querySelectorAll('[data-testid="settings-change"]').length >= 4);
  const reminders = admin.locator('[data-testid="settings-change"][data-field="reminders"]').first();
  assert.match(await reminders.innerText(), /24 h, 2 h\s+48 h, 3 h/);
  assert.doesNotMatch(await admin.locator('[data-testid="settings-history"]').innerText(), /\[|clinic_phone|UTC/);

  // The assistant answers with the new number.
  await waitHydrated(admin);
  await admin.click('[data-testid="assistant-toggle"]');
  const panel = admin.locator('[data-testid="assistant-panel"]');
  await panel.locator('[data-testid="link-status"][data-state="live"]').waitFor();
  await admin.keyboard.type('quel est votre numéro de téléphone');
  await admin.keyboard.press('Enter');
  await panel.locator('[data-testid="assistant-log"]', { hasText: '01 45 67 89 10' }).waitFor();
  await admin.context().close();
});
