import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT, type FilePayload } from '../helpers/browser.js';
import { poorPhotos, specimenPhoto } from '../helpers/images.js';
import { uploadTrace } from '../helpers/uploads.js';

const SUBMIT_URL = '/api/v1/specimens';

describeInChromium('the image quality gate on the submit page, in Chromium against the real server (refuse mode)', () => {
  let testBed: BrowserTestBed;
  let good: FilePayload;
  let dark: FilePayload;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false', IMAGE_QUALITY_GATE: 'refuse' } });
    good = { name: 'good.jpg', mimeType: 'image/jpeg', buffer: await specimenPhoto() };
    dark = { name: 'dark.jpg', mimeType: 'image/jpeg', buffer: await poorPhotos.dark() };
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it('shows why a dark photo would be refused next to it as soon as it is chosen, and sends nothing until it is removed', async () => {
    const { page } = await testBed.signIn('staff.beilun');
    let uploads = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === SUBMIT_URL) uploads += 1;
    });
    await page.getByTestId('nav-submit').click();
    await page.getByTestId('upload-limits').waitFor();
    const before = await uploadTrace(testBed.server);

    await page.getByTestId('file-input').setInputFiles([good, dark]);
    const darkPreview = page.getByTestId('preview').filter({ hasText: 'dark.jpg' });
    const note = darkPreview.getByTestId('photo-quality');
    await note.waitFor({ timeout: UI_TIMEOUT });
    expect(await note.getAttribute('data-state')).toBe('refused');
    expect(await note.textContent()).toContain('Too dark');
    expect(await darkPreview.getAttribute('data-problem')).toBe('true');
    const goodPreview = page.getByTestId('preview').filter({ hasText: 'good.jpg' });
    expect(await goodPreview.getByTestId('photo-quality').count()).toBe(0);

    await page.getByTestId('field-port').selectOption('CNNGB-BL');
    await page.getByTestId('submit-specimen').click();
    await expect.poll(() => page.getByTestId('form-error').textContent(), { timeout: UI_TIMEOUT }).toContain('refused for their quality');
    expect(uploads).toBe(0);
    expect(await uploadTrace(testBed.server)).toEqual(before);

    await darkPreview.getByTestId('preview-remove').click();
    await page.getByTestId('submit-specimen').click();
    await page.getByTestId('submit-success').waitFor({ timeout: UI_TIMEOUT * 2 });
    expect(uploads).toBe(1);
  });

  it('shows the same reasons for photos added to a specimen, and sends none while one would be refused', async () => {
    const specimen = await testBed.uploadSpecimenAs('staff.beilun', { locationDetail: 'more photos, one too dark' }, [
      { name: 'first.jpg', data: good.buffer },
    ]);
    const { page } = await testBed.signIn('staff.beilun');
    await page.goto(`/#/specimens/${specimen.id}`);
    await page.getByTestId('add-photos-toggle').click();
    const addPhotos = page.getByTestId('add-photos');
    const send = addPhotos.getByTestId('add-photos-submit');
    await addPhotos.getByTestId('upload-limits').waitFor();

    await addPhotos.getByTestId('file-input').setInputFiles([dark]);
    const note = addPhotos.getByTestId('preview').filter({ hasText: 'dark.jpg' }).getByTestId('photo-quality');
    await note.waitFor({ timeout: UI_TIMEOUT });
    expect(await note.getAttribute('data-state')).toBe('refused');
    expect(await note.textContent()).toContain('Too dark');
    expect(await send.isEnabled()).toBe(false);

    await addPhotos.getByTestId('preview-remove').click();
    await addPhotos
      .getByTestId('file-input')
      .setInputFiles([{ name: 'second.jpg', mimeType: 'image/jpeg', buffer: await specimenPhoto(520, 390) }]);
    await expect.poll(() => send.isEnabled(), { timeout: UI_TIMEOUT }).toBe(true);
    await send.click();
    await addPhotos.getByTestId('add-photos-done').waitFor({ timeout: UI_TIMEOUT });
  });
});
