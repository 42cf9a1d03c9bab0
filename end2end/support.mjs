// Shared by the browser tests: one Chromium, fresh contexts, signing in.
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

/** Launches Debian's Chromium with the flags a closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Playwright gives each launch a fresh temporary profile.
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page in a fresh French-speaking context (`options` go to `browser.newContext`). */
export async function newPage(browser, options = {}) {
  // A reader in France: pages are written in the browser's time zone.
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return page;
}

/** The console errors and uncaught errors of each page, told when it fails to hydrate. */
const troubles = new WeakMap();
function watch(page) {
  if (troubles.has(page)) return;
  const seen = [];
  troubles.set(page, seen);
  page.on('console', (msg) => { if (msg.type() === 'error') seen.push(`console: ${msg.text()}`); });
  page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
}

/** A new page signed in as `login`, landed on `home` (`options` as for `newPage`). */
export async function signedIn(browser, login, password, home, options = {}) {
  const page = await newPage(browser, options);
  await openHydrated(page, '/login');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('[data-testid="sign-in-form"] button[type="submit"]');
  await page.waitForURL(`${BASE}${home}`);
  return page;
}

/** Opens `path` and waits until the page's WebAssembly has hydrated it; returns the navigation's response. */
export async function openHydrated(page, path) {
  watch(page);
  const response = await page.goto(`${BASE}${path}`);
  await waitHydrated(page);
  return response;
}

/** Waits until the page's WebAssembly has hydrated it (`<html data-hydrated>`, set by frontend/). */
export async function waitHydrated(page, timeout = 30000) {
  watch(page);
  try {
    await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout });
  } catch (error) {
    const seen = troubles.get(page) ?? [];
    error.message += `\n${page.url()} did not hydrate; the page said:\n${seen.slice(-10).join('\n') || '(nothing)'}`;
    throw error;
  }
}

/** The signed-in account (the browser's cookies authenticate the REST API too). */
export async function me(page) {
  const response = await page.request.get(`${BASE}/api/v1/auth/me/`);
  if (response.status() !== 200) throw new Error(`GET /api/v1/auth/me/: ${response.status()}`);
  return response.json();
}
