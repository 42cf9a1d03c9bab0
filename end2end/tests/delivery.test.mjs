// The release build as a browser receives it: pages hydrate under the
// Content-Security-Policy with nothing blocked, the WebAssembly arrives under a
// content-hashed name, Brotli-compressed and cached for a year, and Swagger UI
// renders the API description under its own policy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage } from '../support.mjs';

let browser;

before(async () => { browser = await launch(); });

after(async () => { await browser?.close(); });

/** A page that records every CSP violation and page error. */
async function watchedPage() {
  const page = await newPage(browser);
  const problems = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return { page, problems };
}

test('pages hydrate under the security policy, loading a hashed, precompressed bundle', async () => {
  const { page, problems } = await watchedPage();
  // The main bundle (the page's own chunk may arrive first).
  const wasm = page.waitForResponse((r) => /^\/pkg\/medplat\..*\.wasm$/.test(new URL(r.url()).pathname));
  const response = await page.goto(`${BASE}/login`);
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /'wasm-unsafe-eval'/);
  assert.match(policy, /'nonce-[0-9a-f]+'/);
  assert.doesNotMatch(policy, /unsafe-inline/);

  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30000 });
  const served = await wasm;
  assert.match(new URL(served.url()).pathname, /^\/pkg\/medplat\.[A-Za-z0-9_-]{22}\.wasm$/);
  const headers = await served.allHeaders();
  assert.equal(headers['content-encoding'], 'br');
  assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable');

  for (const path of ['/', '/signup']) {
    await page.goto(`${BASE}${path}`);
    await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30000 });
  }
  assert.deepEqual(problems, []);
});

test('Swagger UI renders the API description under its policy', async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${BASE}/api/docs/`);
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 30000 });
  assert.ok(await page.locator('.opblock').count() > 0, 'operations listed');
  assert.deepEqual(problems, []);
});
