import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (value): value is string => Boolean(value),
);

/** Debian's Chromium, if installed. With REQUIRE_BROWSER=1 (CI) a missing browser is an error, not a skip. */
export const chromiumPath = candidates.find((candidate) => fs.existsSync(candidate));

if (!chromiumPath) {
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`REQUIRE_BROWSER=1 but no Chromium found (looked at ${candidates.join(', ')}); install it with apt-get install -y chromium`);
  }
  console.warn(`Browser tests SKIPPED: no Chromium at ${candidates.join(', ')}. Install Debian's chromium or set CHROMIUM_PATH.`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Signs in through the real form, as a person would. */
export async function signIn(page: import('playwright-core').Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button[type="submit"]')]);
}
