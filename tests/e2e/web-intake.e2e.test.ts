import type { Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Specimen, SpecimenPatch } from '../../api/contract/index.js';
import {
  BrowserTestBed,
  countGetRequests,
  dataTransferWith,
  describeInChromium,
  isSameDocument,
  markDocument,
  specimenRow,
  specimenStatusOf,
  submitSpecimenForm,
  UI_TIMEOUT,
  waitForLiveConnection,
} from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';

describeInChromium('web intake in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // Intake and lists: identification (which moves a specimen on to review) has suites of its own.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  // ---- helpers ---------------------------------------------------------------------------

  /** An <img> has really loaded when the browser decoded pixels for it. */
  function naturalWidthOf(image: Locator): Promise<number> {
    return image.evaluate((element: { complete: boolean; naturalWidth: number }) => (element.complete ? element.naturalWidth : 0));
  }

  function naturalWidthsOf(images: Locator): Promise<number[]> {
    return images.evaluateAll((elements: { complete: boolean; naturalWidth: number }[]) =>
      elements.map((element) => (element.complete ? element.naturalWidth : 0)),
    );
  }

  async function createSpecimenAs(username: string, metadata: Record<string, unknown>, imageSeed: number): Promise<Specimen> {
    return testBed.uploadSpecimenAs(username, metadata, [{ name: `photo-${imageSeed}.jpg`, data: await jpegImage(imageSeed) }]);
  }

  async function setStatusAs(username: string, specimenId: string, status: NonNullable<SpecimenPatch['status']>): Promise<void> {
    const response = await (await as(testBed.server, username)).updateSpecimen({ params: { id: specimenId }, body: { status } });
    expect(response.statusCode, response.body).toBe(200);
  }

  // ---- tests -----------------------------------------------------------------------------

  it('signs in, submits a specimen with a dropped and a picked photo, and lists it with a loaded thumbnail', async () => {
    const { page, dialogs, errors } = await testBed.signIn('staff.beilun');

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

    const specimenId = await submitSpecimenForm(page, {
      port: 'CNNGB-BL',
      siteType: 'container',
      location: 'Container MSKU 123456-7, Beilun terminal 4',
      collectedAt: '2026-11-20T14:30', // Asia/Shanghai = 06:30 UTC
    });
    expect(specimenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.getByTestId('upload-progress').getAttribute('data-value')).toBe('100');

    await page.getByTestId('nav-specimens').click();
    const row = specimenRow(page, specimenId);
    await row.waitFor();
    expect(await specimenStatusOf(row)).toBe('submitted');
    expect(await row.getByTestId('specimen-image-count').textContent()).toBe('2');
    const thumbnail = row.getByTestId('specimen-thumbnail');
    await thumbnail.scrollIntoViewIfNeeded(); // it is loading="lazy"
    await expect.poll(() => naturalWidthOf(thumbnail), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);

    const stored = await testBed.fetchSpecimenAs('staff.beilun', specimenId);
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
    const beilun = await testBed.signIn('staff.beilun');
    const yangshan = await testBed.signIn('staff.yangshan');
    await waitForLiveConnection(beilun.page);
    await waitForLiveConnection(yangshan.page);
    await markDocument(beilun.page);
    await markDocument(yangshan.page);
    const beilunListRequests = countGetRequests(beilun.page, '/api/v1/specimens');

    // Another person whose scope holds Beilun submits a specimen there…
    const created = await createSpecimenAs('expert.ningbo', { locationDetail: 'MV Ningbo Star, live push' }, 31);
    const row = specimenRow(beilun.page, created.id);
    await row.waitFor();
    expect(await specimenStatusOf(row)).toBe('submitted');

    // …and withdraws it.
    await setStatusAs('expert.ningbo', created.id, 'rejected');
    await expect.poll(() => specimenStatusOf(row), { timeout: UI_TIMEOUT }).toBe('rejected');
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
    const { page, dialogs, errors } = await testBed.signIn('staff.beilun');

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
});
