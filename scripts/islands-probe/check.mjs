// Loads the probe's page in Chromium, waits for its islands to hydrate, and
// uses three of them: the menu (client only), a dose ticked and an
// appointment cancelled through the confirmation dialog (server functions).
// Prints what it saw; exits 1 when an island did not answer.
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://127.0.0.1:3100/';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
const page = await browser.newPage();
const problems = [];
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));
const calls = [];
page.on('request', (r) => { if (r.method() === 'POST') calls.push(new URL(r.url()).pathname); });
await page.goto(url, { waitUntil: 'networkidle' });
const islands = await page.locator('leptos-island').count();
const menu = page.getByRole('button', { name: 'Menu' });
await menu.click();
const expanded = await menu.getAttribute('aria-expanded');
const dose = page.getByRole('checkbox').nth(1);
await dose.check();
await page.locator('label', { hasText: 'Ramipril' }).filter({ hasText: 'Pris' }).waitFor({ timeout: 5000 }).catch(() => {});
const ticked = await page.locator('label', { hasText: 'Ramipril' }).innerText();
await page.getByRole('button', { name: 'Annuler le rendez-vous' }).first().click();
await page.getByRole('dialog').locator('textarea').fill('empêchement');
await page.getByRole('dialog').getByRole('button', { name: 'Annuler le rendez-vous' }).click();
const status = await page.getByRole('status').first().innerText({ timeout: 5000 }).catch(() => '');
console.log(JSON.stringify({ islands, menuExpanded: expanded, ticked, status, serverCalls: calls, problems }, null, 1));
await browser.close();
const ok = islands > 0 && expanded === 'true' && ticked.includes('Pris') && status.includes('empêchement') && problems.length === 0;
process.exit(ok ? 0 : 1);
