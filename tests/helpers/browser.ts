import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  chromium,
  devices,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type JSHandle,
  type Locator,
  type Page,
  type Response,
} from 'playwright-core';
import { describe } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import type { DatabaseHandle } from '../../api/db/database.js';
import { as } from './client.js';
import { freePort } from './processes.js';
import type { ServiceAvailability } from './services.js';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './test-app.js';
import { startTestServer, type TestServer } from './test-server.js';
import { uploadSpecimen, validMetadata, type UploadFile } from './uploads.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST_DIR = path.join(REPO_ROOT, 'web', 'dist');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** How long the browser may take to show something: generous, the machine may be busy. */
export const UI_TIMEOUT = 15_000;
/** Signing in through the login page, up to the loaded specimen list. */
export const SIGN_IN_TIMEOUT = 45_000;

/** The Debian Chromium the end-to-end tests drive; they are skipped, with this reason, where it is missing. */
export function chromiumAvailability(): ServiceAvailability {
  return existsSync(CHROMIUM_PATH)
    ? { available: true, reason: '' }
    : { available: false, reason: `Chromium not installed at ${CHROMIUM_PATH}` };
}

/** `describe` for a suite that drives Chromium: skipped where it is missing, saying why in the suite's title. */
export function describeInChromium(title: string, body: () => void): void {
  const availability = chromiumAvailability();
  describe.skipIf(!availability.available)(`${title}${availability.available ? '' : ` — skipped: ${availability.reason}`}`, body);
}

/** Chromium's flags for camera and microphone in tests: fake devices, permission granted without asking, audio autoplays. */
export const FAKE_MEDIA_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
] as const;

export interface LaunchOptions {
  /** Fake camera and microphone (live rooms): see {@link FAKE_MEDIA_FLAGS}. */
  media?: boolean;
}

/** Chromium headless; every launch gets a fresh, temporary profile (user data dir) from Playwright. */
export function launchChromium({ media = false }: LaunchOptions = {}): Promise<Browser> {
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
      ...(media ? FAKE_MEDIA_FLAGS : []),
    ],
  });
}

/**
 * Builds the web app with vite when `web/dist/index.html` is missing or older than any source
 * (`web/src/**`, `web/public/**`, `web/pwa/**`, `web/index.html`), so the browser always runs the code under test.
 */
export async function ensureWebAppBuilt(): Promise<'built' | 'up to date'> {
  const builtAt = await modifiedAt(path.join(WEB_DIST_DIR, 'index.html'));
  const sourceFolders = ['src', 'public', 'pwa'].map((folder) => path.join(REPO_ROOT, 'web', folder));
  const sources = [path.join(REPO_ROOT, 'web', 'index.html'), ...(await Promise.all(sourceFolders.map(filesUnder))).flat()];
  const newestSource = Math.max(...(await Promise.all(sources.map(modifiedAt))));
  if (builtAt !== 0 && builtAt >= newestSource) return 'up to date';
  try {
    // A production build, as shipped: vitest's NODE_ENV=test would give React's development build and no service worker.
    await promisify(execFile)('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`building the web app failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
  if (!existsSync(path.join(WEB_DIST_DIR, 'index.html'))) throw new Error(`vite build wrote no ${WEB_DIST_DIR}/index.html`);
  return 'built';
}

async function modifiedAt(file: string): Promise<number> {
  return stat(file).then(
    (info) => info.mtimeMs,
    () => 0,
  );
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

const { defaultBrowserType: _defaultBrowserType, ...pixel5 } = devices['Pixel 5'];
/** A phone as Chromium emulates one: Playwright's Pixel 5 (393 CSS pixels wide, touch, a mobile Chrome user agent). */
export const PHONE: BrowserContextOptions = pixel5;

/**
 * A browser context (fresh cookies and localStorage) in English, so visible texts are predictable; `device` emulates
 * another screen (e.g. {@link PHONE}) and may grant permissions.
 */
export function newEnglishContext(browser: Browser, baseURL: string, device: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...device, baseURL, locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
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

// ---- signed-in sessions and what the tests check on their pages ------------------------------

/** A signed-in browser tab and what it saw go wrong. */
export interface BrowserSession {
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught exceptions and console errors. */
  errors: string[];
}

export interface SignInOptions {
  /** Default timeout of every action and wait in the new context. */
  timeoutMs: number;
  /** The new context is added here, for the test to close it (e.g. in `afterEach`). */
  openContexts: BrowserContext[];
  /** The screen and permissions of the context; a desktop window unless given (see {@link newEnglishContext}). */
  device?: BrowserContextOptions;
}

/**
 * A tab in a fresh browser profile (English, see {@link newEnglishContext}), signed out, on no page yet. Dialogs are
 * recorded and dismissed, page errors collected.
 */
export async function openFreshTab(
  browser: Browser,
  baseUrl: string,
  { timeoutMs, openContexts, device }: SignInOptions,
): Promise<BrowserSession> {
  const context = await newEnglishContext(browser, baseUrl, device);
  openContexts.push(context);
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, dialogs, errors };
}

/**
 * Fills in and sends the login page the tab shows, and waits until the app shows the signed-in header (or refuses).
 * Where it goes next is the app's choice: the page that asked for signing in, or the user's start page.
 */
export async function submitLogin({ page, errors }: BrowserSession, username: string, password: string, timeoutMs: number): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  // Signing in is the set-up of a test, not what it checks: it may take longer than an action on a machine busy
  // with other pages' video, and when it fails the error says what the page showed.
  // The header, rather than the user's name in it, which a phone's header keeps behind its menu.
  const signedIn = page.getByTestId('topbar');
  const refused = page.getByTestId('form-error');
  const signInTimeoutMs = Math.max(timeoutMs, SIGN_IN_TIMEOUT);
  try {
    await signedIn.or(refused).waitFor({ timeout: signInTimeoutMs });
  } catch (error) {
    throw new Error(
      `${username} was not signed in after ${signInTimeoutMs} ms on ${page.url()}; page errors: ${errors.join(' | ') || 'none'}`,
      { cause: error },
    );
  }
  if (await refused.isVisible()) throw new Error(`${username} could not sign in: ${await refused.innerText()}`);
}

/**
 * Opens a fresh browser profile (see {@link openFreshTab}) and signs in through the real login page; ends on the
 * user's loaded start page: the specimen list, or a trainee's classes.
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  options: SignInOptions,
): Promise<BrowserSession> {
  const session = await openFreshTab(browser, baseUrl, options);
  await session.page.goto('/');
  await submitLogin(session, username, password, options.timeoutMs);
  await waitForStartPageLoaded(session.page);
  return session;
}

export interface BrowserTestBedOptions {
  /** Environment of the server, on top of `WEB_DIST_DIR` (which serves the built web app). */
  env?: Record<string, string>;
  /** Default timeout of every browser action and wait; {@link UI_TIMEOUT} unless given. */
  timeoutMs?: number;
  /** Launch Chromium with fake camera and microphone (live rooms). */
  media?: boolean;
  /**
   * Give the server a PUBLIC_URL (its own address), as each of several api processes has; see
   * {@link BrowserTestBed.startAnotherProcess}.
   */
  publicUrl?: boolean;
}

/** The password of a seeded user: the administrator's, or the demo users' one. */
function passwordOf(username: string): string {
  return username === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD;
}

/** The real server serving the built web app; with `publicUrl`, on a port picked first so PUBLIC_URL can name it. */
async function startWebServer({
  env,
  publicUrl,
  database,
}: {
  env: Record<string, string>;
  publicUrl: boolean;
  database?: DatabaseHandle;
}): Promise<TestServer> {
  const port = publicUrl ? await freePort() : undefined;
  return startTestServer('pglite', {
    database,
    port,
    env: { WEB_DIST_DIR, ...(port ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}), ...env },
  });
}

/**
 * The real server on PGlite serving the freshly built web app, and one Chromium signing people in to it,
 * each in a fresh profile. Call {@link closeSessions} after each test and {@link close} after the suite.
 */
export class BrowserTestBed {
  private readonly openContexts: BrowserContext[] = [];

  private constructor(
    readonly server: TestServer,
    readonly browser: Browser,
    private readonly timeoutMs: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start({
    env = {},
    timeoutMs = UI_TIMEOUT,
    media = false,
    publicUrl = false,
  }: BrowserTestBedOptions = {}): Promise<BrowserTestBed> {
    await ensureWebAppBuilt();
    const server = await startWebServer({ env, publicUrl });
    try {
      return new BrowserTestBed(server, await launchChromium({ media }), timeoutMs, env);
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  /**
   * A second api process on the same database, serving the web app at its own address (PUBLIC_URL), as when several
   * machines share the load; the caller closes it.
   */
  startAnotherProcess(): Promise<TestServer> {
    return startWebServer({ env: this.env, publicUrl: true, database: this.server.database });
  }

  /**
   * Signs `username` (a demo user, or `admin`, unless a `password` is given) in through the login page of `server` (this
   * bed's own unless given), in a fresh profile; see {@link signIn}.
   */
  signIn(username: string, server: TestServer = this.server, password = passwordOf(username)): Promise<BrowserSession> {
    return signIn(this.browser, server.baseUrl, username, password, {
      timeoutMs: this.timeoutMs,
      openContexts: this.openContexts,
    });
  }

  /** Signs `username` in on an emulated phone, with the context options `extra` (e.g. a position); see {@link PHONE}. */
  signInOnPhone(username: string, extra: BrowserContextOptions = {}): Promise<BrowserSession> {
    return signIn(this.browser, this.server.baseUrl, username, passwordOf(username), {
      timeoutMs: this.timeoutMs,
      openContexts: this.openContexts,
      device: { ...PHONE, ...extra },
    });
  }

  /** A signed-out tab in a fresh profile, on no page yet; see {@link openFreshTab}. */
  openSignedOut(): Promise<BrowserSession> {
    return openFreshTab(this.browser, this.server.baseUrl, { timeoutMs: this.timeoutMs, openContexts: this.openContexts });
  }

  /** Signs `username` in on the login page `session` shows; see {@link submitLogin}. */
  submitLogin(session: BrowserSession, username: string): Promise<void> {
    return submitLogin(session, username, passwordOf(username), this.timeoutMs);
  }

  /** `GET /api/v1/specimens/:id` as `username`, straight to the app (not through the browser); it must answer 200. */
  async fetchSpecimenAs(username: string, specimenId: string): Promise<Specimen> {
    const response = await (await as(this.server, username)).getSpecimen({ params: { id: specimenId } });
    if (response.statusCode !== 200) {
      throw new Error(`GET /api/v1/specimens/${specimenId} as ${username} → ${response.statusCode} ${response.body}`);
    }
    return response.json();
  }

  /**
   * Uploads a specimen as `username` straight to the app (as another person's browser would): `metadata`
   * overrides fields of {@link validMetadata}. It must answer 201; returns the created specimen.
   */
  async uploadSpecimenAs(username: string, metadata: Record<string, unknown>, files: UploadFile[]): Promise<Specimen> {
    const response = await uploadSpecimen(await as(this.server, username), validMetadata(metadata), files);
    if (response.statusCode !== 201) {
      throw new Error(`POST /api/v1/specimens as ${username} → ${response.statusCode} ${response.body}`);
    }
    return response.json();
  }

  /** Closes the browser contexts of every session signed in so far. */
  async closeSessions(): Promise<void> {
    await Promise.all(this.openContexts.splice(0).map((context) => context.close()));
  }

  async close(): Promise<void> {
    try {
      await this.closeSessions();
      await this.browser.close();
    } finally {
      await this.server.close();
    }
  }
}

/** The fields of the submit page's form, as its inputs take them. */
export interface SubmitFormFields {
  port: string;
  siteType: string;
  location: string;
  /** As a `datetime-local` input takes it, e.g. `2026-11-20T14:30` (the context's time zone). */
  collectedAt: string;
}

/**
 * Resolves once the page's image quality check (`POST /api/v1/images/quality`, one per chosen photo) has answered
 * `count` times: what the server spooled for them is gone by then, so a trace of stored files taken after it is settled.
 */
export function qualityChecksAnswered(page: Page, count: number): Promise<void> {
  return new Promise((resolve) => {
    let answered = 0;
    const onResponse = (response: Response) => {
      if (new URL(response.url()).pathname !== '/api/v1/images/quality') return;
      answered += 1;
      if (answered < count) return;
      page.off('response', onResponse);
      resolve();
    };
    page.on('response', onResponse);
  });
}
/**
 * Fills the submit page's form (its photos already chosen), submits it and waits for the success message;
 * returns the id of the new specimen that message names.
 */
export async function submitSpecimenForm(page: Page, fields: SubmitFormFields): Promise<string> {
  await page.getByTestId('field-port').selectOption(fields.port);
  await page.getByTestId('field-site-type').selectOption(fields.siteType);
  await page.getByTestId('field-location').fill(fields.location);
  await page.getByTestId('field-collected-at').fill(fields.collectedAt);
  await page.getByTestId('submit-specimen').click();
  const success = page.getByTestId('submit-success');
  await success.waitFor();
  const specimenId = await success.getAttribute('data-specimen-id');
  if (specimenId === null) throw new Error('the success message names no specimen (no data-specimen-id)');
  return specimenId;
}

/** The list has answered: either rows or the "nothing found" message are shown. */
export async function waitForListLoaded(page: Page): Promise<void> {
  await page.getByTestId('specimen-table').or(page.getByTestId('specimens-empty')).waitFor();
}

/** A start page has answered: the specimen list, or the rooms page (a trainee's classes). */
export async function waitForStartPageLoaded(page: Page): Promise<void> {
  const lists = ['specimen-table', 'specimens-empty', 'rooms-table', 'rooms-empty'].map((testId) => page.getByTestId(testId));
  await lists.reduce((either, list) => either.or(list)).waitFor();
}

/** The page's live (push) connection to the server is open. */
export async function waitForLiveConnection(page: Page): Promise<void> {
  await page.locator('[data-testid="live-status"][data-connected="true"]').waitFor();
}

/** The row of one specimen in the specimen list. */
export function specimenRow(page: Page, specimenId: string): Locator {
  return page.locator(`[data-testid="specimen-row"][data-specimen-id="${specimenId}"]`);
}

/** The status a specimen list row shows (`submitted`, `confirmed`, …). */
export function specimenStatusOf(row: Locator): Promise<string | null> {
  return row.getByTestId('specimen-status').getAttribute('data-status');
}

/** Marks the current document, so {@link documentState} can tell later whether the page was reloaded meanwhile. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { e2eDocumentMark?: boolean }).e2eDocumentMark = true;
  });
}

/** Whether this is still the document {@link markDocument} marked, and how many documents the tab has loaded. */
export function documentState(page: Page): Promise<{ marked: boolean; navigations: number }> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as {
      e2eDocumentMark?: boolean;
      performance: { getEntriesByType(type: string): unknown[] };
    };
    return { marked: scope.e2eDocumentMark === true, navigations: scope.performance.getEntriesByType('navigation').length };
  });
}

/** Still the document {@link markDocument} marked: the page was not reloaded. */
export async function isSameDocument(page: Page): Promise<boolean> {
  return (await documentState(page)).marked;
}

/** Counts the page's GET requests to `pathname` from now on, to show an update came by push, not by re-fetching. */
export function countGetRequests(page: Page, pathname: string): { readonly count: number } {
  const counter = { count: 0 };
  page.on('request', (request) => {
    if (request.method() === 'GET' && new URL(request.url()).pathname === pathname) counter.count += 1;
  });
  return counter;
}
