import type { Locator, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  BrowserTestBed,
  describeInChromium,
  qualityChecksAnswered,
  UI_TIMEOUT,
  waitForListLoaded,
  type FilePayload,
} from '../helpers/browser.js';
import { jpegImage, noisyJpeg, pixelBombPng } from '../helpers/images.js';
import { uploadTrace } from '../helpers/uploads.js';

const SUBMIT_URL = '/api/v1/specimens';
/** Long enough for any honest wait here; only a stalled upload runs into it. */
const STALL_MS = 45_000;

/** The part of a DOM element read here (the tests compile without the DOM library). */
interface Attributed {
  getAttribute(name: string): string | null;
}

/** The specimen uploads (`POST /api/v1/specimens`) the page has sent so far. */
function countUploads(page: Page): { readonly count: number } {
  const counter = { count: 0 };
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === SUBMIT_URL) counter.count += 1;
  });
  return counter;
}

/**
 * The page's upload with an empty `images` part put in before its photos, as a page that did not check its files
 * would send it: the server refuses at that part, with the photos' megabytes still on their way.
 */
function withEmptyFileFirst(request: Request): Buffer {
  const boundary = /boundary=(.+)$/.exec(request.headers()['content-type'] ?? '')?.[1];
  const body = request.postDataBuffer();
  if (!boundary || !body) throw new Error('the upload is not multipart');
  const firstPhoto = body.indexOf(`--${boundary}\r\nContent-Disposition: form-data; name="images"`);
  const emptyPart = `--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="empty.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\r\n`;
  return Buffer.concat([body.subarray(0, firstPhoto), Buffer.from(emptyPart), body.subarray(firstPhoto)]);
}

describeInChromium('the submit page’s rough edges in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;
  /** About 10 MB of real photographs (three noisy 2560×1920 JPEGs), within every limit. */
  let largePhotos: FilePayload[];

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({
      env: {
        IDENTIFY_JOBS_IN_API: 'false',
        // A connection the server stops reading stalls until a timeout resets it; Chromium on Linux still reads an
        // answer that came before the reset, other systems drop it. Long timeouts make such a stall one the test sees.
        KEEP_ALIVE_TIMEOUT_MS: String(STALL_MS * 2),
        IDLE_TIMEOUT_MS: String(STALL_MS * 2),
      },
    });
    largePhotos = await Promise.all(
      [1, 2, 3].map(async (n) => ({ name: `large-${n}.jpg`, mimeType: 'image/jpeg', buffer: await noisyJpeg(2560, 1920) })),
    );
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  // ---- helpers ---------------------------------------------------------------------------

  async function openSubmitPage(username = 'staff.beilun') {
    const session = await testBed.signIn(username);
    await session.page.getByTestId('nav-submit').click();
    await session.page.getByTestId('upload-limits').waitFor();
    return session;
  }

  async function fillRequiredFields(page: Page, location: string): Promise<void> {
    await page.getByTestId('field-port').selectOption('CNNGB-BL');
    await page.getByTestId('field-site-type').selectOption('container');
    await page.getByTestId('field-location').fill(location);
  }

  /** The form is usable again: its fields and Submit enabled, no upload showing, `photos` photos still chosen. */
  async function expectUsableForm(page: Page, photos: number): Promise<void> {
    await expect.poll(() => page.getByTestId('submit-specimen').isEnabled(), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await page.getByTestId('submit-specimen').textContent()).toBe('Submit');
    expect(await page.getByTestId('field-location').isEnabled()).toBe(true);
    expect(await page.getByTestId('file-input').isEnabled()).toBe(true);
    expect(await page.getByTestId('upload-progress').count()).toBe(0);
    expect(await page.getByTestId('preview').count()).toBe(photos);
  }

  /** Submits the form and waits for the success message; the id of the new specimen. */
  async function submitAndSucceed(page: Page): Promise<string> {
    await page.getByTestId('submit-specimen').click();
    const success = page.getByTestId('submit-success');
    await success.waitFor({ timeout: STALL_MS });
    return (await success.getAttribute('data-specimen-id')) ?? '';
  }

  /** A slow line (1 MB/s up) for `page`: an upload of the large photos takes about ten seconds. Returns its undoing. */
  async function slowUploads(page: Page): Promise<() => Promise<void>> {
    const network = await page.context().newCDPSession(page);
    await network.send('Network.enable');
    const upTo = (uploadThroughput: number) =>
      network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput });
    await upTo(1_000_000);
    return async () => {
      await upTo(-1);
    };
  }

  /** Waits until the upload whose progress bar is `progressTestId` is on its way, not done, and cancels it. */
  async function cancelMidway(page: Page, progressTestId: string): Promise<void> {
    const progress = page.getByTestId(progressTestId);
    await expect.poll(async () => Number((await progress.getAttribute('data-value')) ?? 0), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    expect(Number(await progress.getAttribute('data-value'))).toBeLessThan(100);
    await page.getByTestId(`${progressTestId}-cancel`).click();
  }

  const englishNumber = (value: number) => new Intl.NumberFormat('en-GB').format(value);

  /** The `title` of each element (a preview's is its file's name). */
  function titlesOf(elements: Locator): Promise<(string | null)[]> {
    return elements.evaluateAll((items: Attributed[]) => items.map((item) => item.getAttribute('title')));
  }

  // ---- tests -----------------------------------------------------------------------------

  it('names every file it cannot send and its limit, in English and 中文, sends nothing, and sends once they are removed', async () => {
    const { page, errors, dialogs } = await openSubmitPage();
    const uploads = countUploads(page);
    const drawing = await sharp(await jpegImage(5, 120, 90))
      .gif()
      .toBuffer();
    await page
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
        ...largePhotos,
        { name: 'bomb.png', mimeType: 'image/png', buffer: pixelBombPng(12_000, 10_000) },
        { name: 'drawing.gif', mimeType: 'image/gif', buffer: drawing },
      ]);
    await fillRequiredFields(page, 'Container TGHU 000000-1, checks');

    const problems = page.getByTestId('photo-problem');
    await expect.poll(() => problems.count(), { timeout: UI_TIMEOUT }).toBe(3);
    const { maxImagePixels } = testBed.server.config.uploads;
    expect(
      await problems.evaluateAll((items: Attributed[]) =>
        items.map((item) => [item.getAttribute('data-kind'), item.getAttribute('data-file')]),
      ),
    ).toEqual([
      ['empty', 'empty.jpg'],
      ['pixels', 'bomb.png'],
      ['type', 'drawing.gif'],
    ]);
    expect(await problems.allTextContents()).toEqual([
      '“empty.jpg” is empty (0 bytes).',
      `“bomb.png” is 12000 × 10000 = 120,000,000 pixels; one photo may have at most ${englishNumber(maxImagePixels)} pixels.`,
      '“drawing.gif” is not a photo format the server accepts; accepted formats: JPEG, PNG, WEBP, TIFF, HEIF.',
    ]);
    const marked = page.locator('[data-testid="preview"][data-problem="true"]');
    expect(await titlesOf(marked)).toEqual(['empty.jpg', 'bomb.png', 'drawing.gif']);

    // Submitting sends nothing while they remain.
    await page.getByTestId('submit-specimen').click();
    await page.getByTestId('form-error').waitFor();
    expect(await page.getByTestId('form-error').textContent()).toContain('Some photos cannot be sent');
    expect(uploads.count).toBe(0);

    // The same, in 中文.
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => problems.first().textContent(), { timeout: UI_TIMEOUT }).toBe('“empty.jpg”是空文件（0 字节）。');
    expect(await problems.nth(1).textContent()).toContain(`单张照片最多 ${englishNumber(maxImagePixels)} 像素`);
    await page.getByTestId('lang-switch').click();

    // Each is removed where it is marked; then the photographs go.
    for (let left = 3; left > 0; left -= 1) await marked.first().getByTestId('preview-remove').click();
    await expect.poll(() => page.getByTestId('photo-problems').count(), { timeout: UI_TIMEOUT }).toBe(0);
    const specimenId = await submitAndSucceed(page);
    expect(uploads.count).toBe(1);
    const stored = await testBed.fetchSpecimenAs('staff.beilun', specimenId);
    expect(stored.images.map((image) => image.originalFilename)).toEqual(['large-1.jpg', 'large-2.jpg', 'large-3.jpg']);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the server’s early refusal of an upload with 10 MB still to send, and leaves the form usable', async () => {
    const { page, dialogs } = await openSubmitPage();
    const checked = qualityChecksAnswered(page, largePhotos.length);
    await page.getByTestId('file-input').setInputFiles(largePhotos);
    await fillRequiredFields(page, 'Container TGHU 000000-2, refused');
    await checked;
    const before = await uploadTrace(testBed.server);

    // What the page's own checks would stop: the server must be the one to refuse it.
    await page.route(`**${SUBMIT_URL}`, (route) => route.continue({ postData: withEmptyFileFirst(route.request()) }));
    await page.getByTestId('submit-specimen').click();
    const refusal = page.getByTestId('form-error');
    await refusal.waitFor({ timeout: STALL_MS });
    expect(await refusal.getAttribute('data-error-code')).toBe('empty_file');
    expect(await refusal.textContent()).toContain('"empty.jpg" is empty');
    await expectUsableForm(page, 3);
    expect(await uploadTrace(testBed.server)).toEqual(before);

    // The same form, sent as it is, goes through.
    await page.unroute(`**${SUBMIT_URL}`);
    await submitAndSucceed(page);
    expect(dialogs).toEqual([]);
  });

  it('cancels a large upload on the way: nothing is created, and the form keeps its photos and details', async () => {
    const { page, errors } = await openSubmitPage();
    const checked = qualityChecksAnswered(page, largePhotos.length);
    await page.getByTestId('file-input').setInputFiles(largePhotos);
    await fillRequiredFields(page, 'Container TGHU 000000-3, cancelled');
    await checked;
    const before = await uploadTrace(testBed.server);
    const fullSpeed = await slowUploads(page);

    await page.getByTestId('submit-specimen').click();
    await cancelMidway(page, 'upload-progress');

    await page.getByTestId('upload-cancelled').waitFor();
    await expectUsableForm(page, 3);
    expect(await page.getByTestId('field-location').inputValue()).toBe('Container TGHU 000000-3, cancelled');
    expect(await page.getByTestId('form-error').count()).toBe(0);
    // The server dropped what it had of it: no row, no file, not even a spooled part.
    await expect.poll(() => uploadTrace(testBed.server), { timeout: UI_TIMEOUT }).toEqual(before);

    await fullSpeed();
    await submitAndSucceed(page);
    expect(errors).toEqual([]);
  });

  it('checks photos added to a specimen the same way, and lets their upload be cancelled too', async () => {
    const specimen = await testBed.uploadSpecimenAs('staff.beilun', { locationDetail: 'more photos' }, [
      { name: 'first.jpg', data: await jpegImage(71) },
    ]);
    const { page, errors } = await testBed.signIn('staff.beilun');
    await page.goto(`/#/specimens/${specimen.id}`);
    await page.getByTestId('add-photos-toggle').click();
    const addPhotos = page.getByTestId('add-photos');
    const send = addPhotos.getByTestId('add-photos-submit');
    await addPhotos.getByTestId('upload-limits').waitFor();
    // The empty file is refused by the browser's own checks, so only the large photos are sent to be quality-checked.
    const checked = qualityChecksAnswered(page, largePhotos.length);
    await addPhotos
      .getByTestId('file-input')
      .setInputFiles([{ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) }, ...largePhotos]);
    await expect
      .poll(() => addPhotos.getByTestId('photo-problem').allTextContents(), { timeout: UI_TIMEOUT })
      .toEqual(['“empty.jpg” is empty (0 bytes).']);
    expect(await send.isEnabled()).toBe(false);
    await addPhotos.locator('[data-testid="preview"][data-problem="true"]').getByTestId('preview-remove').click();
    await expect.poll(() => send.isEnabled(), { timeout: UI_TIMEOUT }).toBe(true);
    await checked;

    const before = await uploadTrace(testBed.server);
    const fullSpeed = await slowUploads(page);
    await send.click();
    await cancelMidway(page, 'add-photos-progress');
    await addPhotos.getByTestId('add-photos-cancelled').waitFor();
    expect(await addPhotos.getByTestId('preview').count()).toBe(3);
    expect(await send.isEnabled()).toBe(true);
    await expect.poll(() => uploadTrace(testBed.server), { timeout: UI_TIMEOUT }).toEqual(before);

    await fullSpeed();
    await send.click();
    await addPhotos.getByTestId('add-photos-done').waitFor({ timeout: STALL_MS });
    expect((await testBed.fetchSpecimenAs('staff.beilun', specimen.id)).images).toHaveLength(4);
    expect(errors).toEqual([]);
  });

  it('keeps a half-filled form, photos included, through a visit to the specimen list; a sent one is not kept', async () => {
    const { page, errors } = await openSubmitPage('staff.yangshan');
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'dorsal.jpg', mimeType: 'image/jpeg', buffer: await jpegImage(61, 320, 240) });
    await page.getByTestId('field-port').selectOption('CNSHA-YS');
    await page.getByTestId('field-site-type').selectOption('aircraft');
    await page.getByTestId('field-location').fill('Flight MU 5101, hold');
    await page.getByTestId('field-collector').fill('Wang Fang');
    await page.getByTestId('field-notes').fill('Half written');
    const filled = async () => ({
      port: await page.getByTestId('field-port').inputValue(),
      siteType: await page.getByTestId('field-site-type').inputValue(),
      location: await page.getByTestId('field-location').inputValue(),
      collector: await page.getByTestId('field-collector').inputValue(),
      notes: await page.getByTestId('field-notes').inputValue(),
      photos: await titlesOf(page.getByTestId('preview')),
    });
    const halfFilled = {
      port: 'CNSHA-YS',
      siteType: 'aircraft',
      location: 'Flight MU 5101, hold',
      collector: 'Wang Fang',
      notes: 'Half written',
      photos: ['dorsal.jpg'],
    };
    expect(await filled()).toEqual(halfFilled);

    await page.getByTestId('nav-specimens').click();
    await waitForListLoaded(page);
    await page.getByTestId('nav-submit').click();
    await page.getByTestId('field-location').waitFor();
    expect(await filled()).toEqual(halfFilled);

    // Sent, it is done with: back again, the form starts afresh, but for the collection details the field keeps from one
    // specimen to the next (port, site type, trap, location).
    const specimenId = await submitAndSucceed(page);
    expect((await testBed.fetchSpecimenAs('staff.yangshan', specimenId)).locationDetail).toBe('Flight MU 5101, hold');
    await page.getByTestId('nav-specimens').click();
    await waitForListLoaded(page);
    await page.getByTestId('nav-submit').click();
    await page.getByTestId('field-location').waitFor();
    expect(await filled()).toEqual({ ...halfFilled, collector: '', notes: '', photos: [] });

    // Another person signing in on the same tab does not find someone else's draft.
    await page.getByTestId('field-location').fill('Someone else’s draft');
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor();
    await testBed.submitLogin({ page, errors, dialogs: [] }, 'staff.beilun');
    await page.getByTestId('nav-submit').click();
    await page.getByTestId('field-location').waitFor();
    expect(await page.getByTestId('field-location').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });
});
