import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailability,
  collectPageErrors,
  dataTransferWith,
  ensureWebAppBuilt,
  launchChromium,
  newEnglishContext,
  WEB_DIST_DIR,
} from '../helpers/browser.js';
import { jpegImage } from '../helpers/images.js';
import { DEMO_PASSWORD } from '../helpers/test-app.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

/** How long the browser may take to show something: generous, the machine may be busy. */
const UI_TIMEOUT = 15_000;

interface SpecimenJson {
  id: string;
  status: string;
  siteType: string;
  locationDetail: string | null;
  collectedAt: string;
  notes: string | null;
  port: { code: string };
  createdBy: { username: string };
  images: { originalFilename: string | null; format: string; width: number; height: number }[];
}

/** A signed-in browser tab and what it saw go wrong. */
interface BrowserSession {
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught exceptions and console errors. */
  errors: string[];
}

const chromium = chromiumAvailability();

describe.skipIf(!chromium.available)(
  `web intake in Chromium against the real server on PGlite${chromium.available ? '' : ` — skipped: ${chromium.reason}`}`,
  () => {
    let server: TestServer;
    let browser: Browser;
    const openContexts: BrowserContext[] = [];

    beforeAll(async () => {
      await ensureWebAppBuilt();
      server = await startTestServer('pglite', { env: { WEB_DIST_DIR } });
      browser = await launchChromium();
    });

    afterEach(async () => {
      await Promise.all(openContexts.splice(0).map((context) => context.close()));
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    // ---- helpers ---------------------------------------------------------------------------

    /** Opens a fresh browser profile and signs in through the real login page; ends on the specimen list. */
    async function signIn(username: string): Promise<BrowserSession> {
      const context = await newEnglishContext(browser, server.baseUrl);
      openContexts.push(context);
      context.setDefaultTimeout(UI_TIMEOUT);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto('/');
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('nav-specimens').waitFor();
      await waitForListLoaded(page);
      return { page, dialogs, errors };
    }

    /** The list has answered: either rows or the "nothing found" message are shown. */
    async function waitForListLoaded(page: Page): Promise<void> {
      await page.getByTestId('specimen-table').or(page.getByTestId('specimens-empty')).waitFor();
    }

    async function waitForLiveConnection(page: Page): Promise<void> {
      await page.locator('[data-testid="live-status"][data-connected="true"]').waitFor();
    }

    function specimenRow(page: Page, specimenId: string): Locator {
      return page.locator(`[data-testid="specimen-row"][data-specimen-id="${specimenId}"]`);
    }

    function statusOf(row: Locator): Promise<string | null> {
      return row.getByTestId('specimen-status').getAttribute('data-status');
    }

    /** An <img> has really loaded when the browser decoded pixels for it. */
    function naturalWidthOf(image: Locator): Promise<number> {
      return image.evaluate((element: { complete: boolean; naturalWidth: number }) => (element.complete ? element.naturalWidth : 0));
    }

    function naturalWidthsOf(images: Locator): Promise<number[]> {
      return images.evaluateAll((elements: { complete: boolean; naturalWidth: number }[]) =>
        elements.map((element) => (element.complete ? element.naturalWidth : 0)),
      );
    }

    /** Marks the current document, so a later check can tell whether the page was reloaded meanwhile. */
    async function markDocument(page: Page): Promise<void> {
      await page.evaluate(() => {
        (globalThis as unknown as { e2eDocumentMark?: boolean }).e2eDocumentMark = true;
      });
    }

    function isSameDocument(page: Page): Promise<boolean> {
      return page.evaluate(() => (globalThis as unknown as { e2eDocumentMark?: boolean }).e2eDocumentMark === true);
    }

    /** Counts the page's requests for the specimen list, to show an update came by push, not by re-fetching. */
    function countListRequests(page: Page): { readonly count: number } {
      const counter = { count: 0 };
      page.on('request', (request) => {
        if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/v1/specimens') counter.count += 1;
      });
      return counter;
    }

    async function createSpecimenAs(username: string, metadata: Record<string, unknown>, imageSeed: number): Promise<SpecimenJson> {
      const response = await uploadSpecimen(server.app, await server.tokenFor(username), validMetadata(metadata), [
        { name: `photo-${imageSeed}.jpg`, data: await jpegImage(imageSeed) },
      ]);
      expect(response.statusCode, response.body).toBe(201);
      return response.json<SpecimenJson>();
    }

    async function setStatusAs(username: string, specimenId: string, status: string): Promise<void> {
      const response = await server.app.inject({
        method: 'PATCH',
        url: `/api/v1/specimens/${specimenId}`,
        headers: { authorization: `Bearer ${await server.tokenFor(username)}` },
        payload: { status },
      });
      expect(response.statusCode, response.body).toBe(200);
    }

    async function fetchSpecimenAs(username: string, specimenId: string): Promise<SpecimenJson> {
      const response = await server.app.inject({
        url: `/api/v1/specimens/${specimenId}`,
        headers: { authorization: `Bearer ${await server.tokenFor(username)}` },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<SpecimenJson>();
    }

    // ---- tests -----------------------------------------------------------------------------

    it('signs in, submits a specimen with a dropped and a picked photo, and lists it with a loaded thumbnail', async () => {
      const { page, dialogs, errors } = await signIn('staff.beilun');

      await page.getByTestId('nav-submit').click();
      const dropzone = page.getByTestId('dropzone');
      const previews = page.getByTestId('preview');
      const dataTransfer = await dataTransferWith(page, [
        { name: 'dorsal.jpg', mimeType: 'image/jpeg', buffer: await jpegImage(21, 320, 240) },
      ]);
      await dropzone.dispatchEvent('dragenter', { dataTransfer });
      await dropzone.dispatchEvent('dragover', { dataTransfer });
      await expect.poll(() => dropzone.getAttribute('class'), { timeout: UI_TIMEOUT }).toContain('is-dragging');
      await dropzone.dispatchEvent('drop', { dataTransfer });
      await expect.poll(() => previews.count(), { timeout: UI_TIMEOUT }).toBe(1);
      expect(await dropzone.getAttribute('class')).not.toContain('is-dragging');

      await page.getByTestId('file-input').setInputFiles({
        name: 'lateral.jpg',
        mimeType: 'image/jpeg',
        buffer: await jpegImage(22, 320, 240),
      });
      await expect.poll(() => previews.count(), { timeout: UI_TIMEOUT }).toBe(2);
      await expect.poll(() => naturalWidthsOf(previews.locator('img')), { timeout: UI_TIMEOUT }).toEqual([320, 320]);

      await page.getByTestId('field-port').selectOption('CNNGB-BL');
      await page.getByTestId('field-site-type').selectOption('container');
      await page.getByTestId('field-location').fill('Container MSKU 123456-7, Beilun terminal 4');
      await page.getByTestId('field-collected-at').fill('2026-11-20T14:30'); // Asia/Shanghai = 06:30 UTC
      await page.getByTestId('submit-specimen').click();

      const success = page.getByTestId('submit-success');
      await success.waitFor();
      const specimenId = await success.getAttribute('data-specimen-id');
      expect(specimenId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.getByTestId('upload-progress').getAttribute('data-value')).toBe('100');

      await page.getByTestId('nav-specimens').click();
      const row = specimenRow(page, specimenId!);
      await row.waitFor();
      expect(await statusOf(row)).toBe('submitted');
      expect(await row.getByTestId('specimen-image-count').textContent()).toBe('2');
      const thumbnail = row.getByTestId('specimen-thumbnail');
      await thumbnail.scrollIntoViewIfNeeded(); // it is loading="lazy"
      await expect.poll(() => naturalWidthOf(thumbnail), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);

      const stored = await fetchSpecimenAs('staff.beilun', specimenId!);
      expect(stored).toMatchObject({
        port: { code: 'CNNGB-BL' },
        siteType: 'container',
        locationDetail: 'Container MSKU 123456-7, Beilun terminal 4',
        collectedAt: '2026-11-20T06:30:00.000Z',
        status: 'submitted',
        createdBy: { username: 'staff.beilun' },
      });
      expect(stored.images.map((image) => [image.originalFilename, image.format, image.width, image.height])).toEqual([
        ['dorsal.jpg', 'jpeg', 320, 240],
        ['lateral.jpg', 'jpeg', 320, 240],
      ]);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('pushes a new specimen and its status change to open lists in scope only, without a reload', async () => {
      const beilun = await signIn('staff.beilun');
      const yangshan = await signIn('staff.yangshan');
      await waitForLiveConnection(beilun.page);
      await waitForLiveConnection(yangshan.page);
      await markDocument(beilun.page);
      await markDocument(yangshan.page);
      const beilunListRequests = countListRequests(beilun.page);

      // Another person whose scope holds Beilun submits a specimen there…
      const created = await createSpecimenAs('expert.ningbo', { locationDetail: 'MV Ningbo Star, live push' }, 31);
      const row = specimenRow(beilun.page, created.id);
      await row.waitFor();
      expect(await statusOf(row)).toBe('submitted');

      // …and confirms it.
      await setStatusAs('expert.ningbo', created.id, 'confirmed');
      await expect.poll(() => statusOf(row), { timeout: UI_TIMEOUT }).toBe('confirmed');
      expect(await isSameDocument(beilun.page)).toBe(true);
      expect(beilunListRequests.count).toBe(0);

      // Yangshan's list is live too: a specimen of its own district, pushed after the Beilun one, arrives;
      // events reach a socket in order, so the Beilun specimen would have arrived before it.
      const ownSpecimen = await createSpecimenAs('staff.yangshan', { portCode: 'CNSHA-YS' }, 32);
      await specimenRow(yangshan.page, ownSpecimen.id).waitFor();
      expect(await specimenRow(yangshan.page, created.id).count()).toBe(0);
      expect(await isSameDocument(yangshan.page)).toBe(true);

      for (const session of [beilun, yangshan]) {
        expect(session.dialogs).toEqual([]);
        expect(session.errors).toEqual([]);
      }
    });

    it('switches between English and 中文, and shows HTML from specimen fields as text', async () => {
      const hostileHtml = '<img src=x onerror=alert(1)>';
      const hostileNotes = `${hostileHtml} <script>alert("notes")</script>`;
      const specimen = await createSpecimenAs('staff.beilun', { locationDetail: hostileHtml, notes: hostileNotes }, 41);
      const { page, dialogs, errors } = await signIn('staff.beilun');

      const languageSwitch = page.getByTestId('lang-switch');
      const submitLink = page.getByTestId('nav-submit');
      expect(await languageSwitch.getAttribute('data-lang')).toBe('en');
      expect(await submitLink.textContent()).toBe('Submit specimen');
      await languageSwitch.click();
      await expect.poll(() => submitLink.textContent(), { timeout: UI_TIMEOUT }).toBe('提交标本');
      expect(await languageSwitch.getAttribute('data-lang')).toBe('zh');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

      // The list shows the location as text…
      const row = specimenRow(page, specimen.id);
      await row.waitFor();
      expect(await row.textContent()).toContain(hostileHtml);

      // …and so does the detail page for the notes, in both languages.
      await row.locator('a.row-link').click();
      const notes = page.getByTestId('detail-notes');
      await notes.waitFor();
      expect(await notes.textContent()).toBe(hostileNotes);
      await languageSwitch.click();
      await expect.poll(() => submitLink.textContent(), { timeout: UI_TIMEOUT }).toBe('Submit specimen');
      expect(await notes.textContent()).toBe(hostileNotes);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator('main script').count()).toBe(0);
      expect(dialogs).toEqual([]);

      // The dialog listener itself works: an alert the page does open is seen.
      await page.evaluate(() => (globalThis as unknown as { alert(message: string): void }).alert('probe'));
      expect(dialogs).toEqual(['probe']);
      expect(errors).toEqual([]);
    });
  },
);
