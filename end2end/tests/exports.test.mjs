// Browser test of research exports (administrators): the demo's export is
// ready to download; a preview shows the first rows and what k-anonymity
// leaves out; personal data without a reason is refused under its field; an
// export started from the page runs to the end while the page follows it,
// and its file downloads; removing one asks first; the reason given for
// personal data is on the access trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openHydrated, signedIn as signIn } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

test('an administrator previews, starts, follows, downloads and removes an export', async () => {
  const page = await signIn(browser, 'admin', 'gestion-2026!', '/admin');
  await openHydrated(page, '/admin/exports');
  const jobs = page.locator('[data-testid="export-job"]');

  // The demo's export of the year's appointments is (or soon is) ready.
  const demo = page.locator('[data-testid="export-job"][data-status="completed"]');
  await demo.first().waitFor({ timeout: 30_000 });
  const demoText = await demo.first().innerText();
  assert.match(demoText, /Rendez-vous/);
  assert.match(demoText, /Anonymisé/);
  assert.doesNotMatch(demoText, /UTC|appointments|completed/);
  const href = await demo.first().locator('[data-testid="download-export"]').first().getAttribute('href');
  const file = await page.request.get(new URL(href, page.url()).href);
  assert.equal(file.status(), 200);
  assert.match(file.headers()['content-type'], /^text\/csv/);
  const csv = await file.text();
  assert.match(csv.split('\n')[0], /^patient,age_band,sex,postcode_area/);
  assert.doesNotMatch(csv, /Marie|Lefèvre|Kabongo|Benali|@demo\.medplat/);

  // A preview: the first rows and the counts.
  const form = page.locator('[data-testid="export-form"]');
  await form.locator('[data-testid="dataset"]').selectOption('appointments');
  await form.locator('[data-testid="k_anonymity"]').fill('1');
  await form.locator('[data-testid="preview-export"]').click();
  const preview = form.locator('[data-testid="export-preview"]');
  await preview.waitFor();
  const selected = Number(await preview.locator('[data-testid="rows-selected"]').innerText());
  assert.ok(selected > 0, 'the demo has appointments in the last year');
  assert.equal(await preview.locator('[data-testid="rows-suppressed"]').innerText(), '0');
  assert.ok(await preview.locator('tbody tr').count() > 0);
  // With k = 5, the seven demo patients are too few alike: rows are left out.
  await form.locator('[data-testid="k_anonymity"]').fill('5');
  await form.locator('[data-testid="preview-export"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="rows-suppressed"]')?.textContent !== '0');
  if (await preview.locator('tbody tr').count() === 0) {
    assert.match(await preview.locator('[data-testid="preview-empty"]').innerText(), /k-anonymat/);
  }

  // Personal data without a reason: refused under the reason's field.
  await form.locator('[data-testid="include_personal_data"]').check();
  await form.locator('[data-testid="create-export"]').click();
  await form.locator('[data-testid="error-personal_data_reason"]').waitFor();
  await form.locator('[data-testid="include_personal_data"]').uncheck();

  // Exact dates without personal data: refused under the dates' field.
  await form.locator('[data-testid="date_precision"]').selectOption('exact');
  await form.locator('[data-testid="create-export"]').click();
  await form.locator('[data-testid="error-date_precision"]').waitFor();
  await form.locator('[data-testid="date_precision"]').selectOption('shifted');

  // An anonymised Parquet export of vital signs, followed to the end.
  const before = await jobs.count();
  await form.locator('[data-testid="dataset"]').selectOption('vitals');
  await form.locator('[data-testid="export_format"]').selectOption('parquet');
  await form.locator('[data-testid="k_anonymity"]').fill('1');
  await form.locator('[data-testid="create-export"]').click();
  await form.locator('[data-testid="export-created"]').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="export-job"]').length === n + 1, before);
  const mine = jobs.first();
  await page.waitForFunction(() => document.querySelector('[data-testid="export-job"]')?.dataset.status === 'completed', null, { timeout: 60_000 });
  assert.match(await mine.innerText(), /Constantes/);
  const parquetHref = await mine.locator('[data-testid="download-export"]').getAttribute('href');
  const parquet = await page.request.get(new URL(parquetHref, page.url()).href);
  assert.equal(parquet.status(), 200);
  assert.equal((await parquet.body()).subarray(0, 4).toString(), 'PAR1');

  // Removing asks first; keeping changes nothing.
  await mine.locator('[data-testid="remove-export"]').click();
  await mine.locator('[data-testid="remove-export-keep"]').click();
  assert.equal(await jobs.count(), before + 1);
  await mine.locator('[data-testid="remove-export"]').click();
  await mine.locator('[data-testid="remove-export-confirm"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="export-job"]').length === n, before);

  // Personal data with a reason: the access trail shows the reason.
  const reason = 'Suivi de cohorte autorisé (avis CPP 2026-114)';
  await form.locator('[data-testid="dataset"]').selectOption('appointments');
  await form.locator('[data-testid="export_format"]').selectOption('csv');
  await form.locator('[data-testid="include_personal_data"]').check();
  await form.locator('[data-testid="personal_data_reason"]').fill(reason);
  await form.locator('[data-testid="create-export"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="export-job"]').length === n + 1, before);
  await openHydrated(page, '/admin/trail?action=create');
  const given = page.locator('[data-testid="trail-entry"][data-resource="research_export"] [data-testid="trail-reason"]');
  await given.first().waitFor();
  assert.equal(await given.first().innerText(), `Motif : ${reason}`);
  await page.context().close();
});
