import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type JSHandle, type Page } from 'playwright-core';
import type { ServiceAvailability } from './services.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST_DIR = path.join(REPO_ROOT, 'web', 'dist');
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The Debian Chromium the end-to-end tests drive; they are skipped, with this reason, where it is missing. */
export function chromiumAvailability(): ServiceAvailability {
  return existsSync(CHROMIUM_PATH)
    ? { available: true, reason: '' }
    : { available: false, reason: `Chromium not installed at ${CHROMIUM_PATH}` };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Builds the web app with vite when `web/dist/index.html` is missing or older than any source
 * (`web/src/**`, `web/index.html`), so the browser always runs the code under test.
 */
export async function ensureWebAppBuilt(): Promise<'built' | 'up to date'> {
  const builtAt = await modifiedAt(path.join(WEB_DIST_DIR, 'index.html'));
  const sources = [path.join(REPO_ROOT, 'web', 'index.html'), ...(await filesUnder(path.join(REPO_ROOT, 'web', 'src')))];
  const newestSource = Math.max(...(await Promise.all(sources.map(modifiedAt))));
  if (builtAt !== 0 && builtAt >= newestSource) return 'up to date';
  try {
    await promisify(execFile)('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`building the web app failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
  if (!existsSync(path.join(WEB_DIST_DIR, 'index.html'))) throw new Error(`vite build wrote no ${WEB_DIST_DIR}/index.html`);
  return 'built';
}

async function modifiedAt(file: string): Promise<number> {
  return stat(file).then((info) => info.mtimeMs, () => 0);
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** A browser context (fresh cookies and localStorage) in English, so visible texts are predictable. */
export function newEnglishContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
}

/** Everything the page itself reported as broken: uncaught exceptions and console errors. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  return errors;
}

/** A file as `locator.setInputFiles` takes it. */
export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * A DataTransfer in the page holding `files`, to pass as `dataTransfer` to `locator.dispatchEvent('drop', …)`:
 * Playwright cannot drag files in from outside the browser, so the page builds what such a drag would carry.
 */
export function dataTransferWith(page: Page, files: readonly FilePayload[]): Promise<JSHandle> {
  const payloads = files.map(({ name, mimeType, buffer }) => ({ name, mimeType, base64: buffer.toString('base64') }));
  return page.evaluateHandle((inPage) => {
    // The tests compile without the DOM library; this is the part of DataTransfer used here.
    const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): unknown } } };
    const dataTransfer = new DataTransfer();
    for (const { name, mimeType, base64 } of inPage) {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      dataTransfer.items.add(new File([bytes], name, { type: mimeType }));
    }
    return dataTransfer;
  }, payloads);
}
