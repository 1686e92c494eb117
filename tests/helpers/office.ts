import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Headless LibreOffice, to read exported files back as another spreadsheet program does. Missing, its tests are
 * skipped with a visible message; with REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI) that is an error.
 */
export const office = ['libreoffice', 'soffice'].find((command) => spawnSync('which', [command]).status === 0);

if (!office) {
  if (process.env.REQUIRE_LIBREOFFICE === '1' || process.env.REQUIRE_BROWSER === '1') {
    throw new Error('REQUIRE_LIBREOFFICE=1 (or REQUIRE_BROWSER=1) but LibreOffice is not installed: apt-get install -y libreoffice-calc-nogui');
  }
  console.warn('LibreOffice tests SKIPPED: soffice not found. Install libreoffice-calc-nogui to run them.');
}

/** Converts a file with LibreOffice (e.g. to 'csv:…' or 'fods') and returns the converted file's text. */
export function convertWithOffice(name: string, content: Buffer, to: string, extension: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'office-'));
  try {
    const file = path.join(folder, name);
    fs.writeFileSync(file, content);
    execFileSync(office!, ['--headless', '--convert-to', to, '--outdir', folder, file], { timeout: 120_000, env: { ...process.env, HOME: folder } });
    return fs.readFileSync(path.join(folder, `${path.parse(name).name}.${extension}`), 'utf8');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
