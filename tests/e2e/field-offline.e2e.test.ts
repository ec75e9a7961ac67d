import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';

// Staff submit specimens from a phone where they trap them, often without a network: the submission is kept on the
// phone and sent when the network returns, exactly once (ADR 0023).

/** Where the emulated phone says it is: the Beilun port area. */
const POSITION = { latitude: 29.9394, longitude: 121.8873, accuracy: 12 };
/** Coming back online, the outbox is sent at the `online` event, or at the latest by its next periodic look. */
const SENT_TIMEOUT = 45_000;

describeInChromium('field submission on an emulated phone in Chromium: offline, then back online', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  // ---- helpers ---------------------------------------------------------------------------

  /** The specimens `username` submitted, as the server lists them to them. */
  async function submittedBy(username: string): Promise<Specimen[]> {
    const response = await (await as(testBed.server, username)).listSpecimens({ query: { mine: true, limit: 200 } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items;
  }

  async function openSubmitPageThroughMenu(page: Page): Promise<void> {
    await page.getByTestId('menu-button').click();
    await page.getByTestId('nav-submit').click();
    await page.getByTestId('submit-specimen').waitFor();
  }

  /** Until a service worker controls the page: from then on the app shell and the submit page are kept on the device. */
  async function waitForServiceWorker(page: Page): Promise<void> {
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } }).navigator.serviceWorker.controller !== null,
    );
  }

  /** Fills the form as someone in the field would, with a photo from the camera, and submits it. */
  async function submitFromTheField(page: Page, { location, count, photoSeed }: { location: string; count: number; photoSeed: number }) {
    await page.getByTestId('field-port').selectOption('CNNGB-BL');
    await page.getByTestId('field-site-type').selectOption('container');
    await page.getByTestId('field-trap-method').selectOption('light_trap');
    await page.getByTestId('field-location').fill(location);
    await page.getByTestId('field-collected-at').fill('2026-11-20T14:30');
    await page.getByTestId('field-count').fill(String(count));
    await page.getByTestId('camera-input').setInputFiles({
      name: 'camera.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpegImage(photoSeed, 320, 240),
    });
    await page.getByTestId('submit-specimen').click();
  }

  /** The state the page shows for its one outbox item, once it is `state`. */
  async function expectOutboxItem(page: Page, state: string, timeout = UI_TIMEOUT): Promise<void> {
    const item = page.getByTestId('outbox-item');
    await expect.poll(() => item.getAttribute('data-state', { timeout }), { timeout }).toBe(state);
    expect(await item.count()).toBe(1);
  }

  const uncaught = (errors: string[]) => errors.filter((error) => error.startsWith('pageerror'));

  /** The paths of everything the page's origin keeps in its caches (the service worker's). */
  function keptPaths(page: Page): Promise<string[]> {
    return page.evaluate(async () => {
      type Cache = { keys(): Promise<{ url: string }[]> };
      const { caches } = globalThis as unknown as { caches: { keys(): Promise<string[]>; open(name: string): Promise<Cache> } };
      const paths: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
      }
      return paths;
    });
  }

  // ---- tests -----------------------------------------------------------------------------

  it('has a one-line header with a menu at phone width, nothing wider than the screen, and a camera button', async () => {
    const { page, errors } = await testBed.signInOnPhone('staff.beilun');
    expect(page.viewportSize()?.width).toBeLessThanOrEqual(412);
    const header = await page.getByTestId('topbar').boundingBox();
    expect(header?.height).toBeLessThanOrEqual(56);
    expect(await page.getByTestId('nav-submit').isVisible()).toBe(false);
    expect(await page.getByTestId('logout').isVisible()).toBe(false);
    expect(await page.getByTestId('live-status').isVisible()).toBe(true);

    await page.getByTestId('menu-button').click();
    expect(await page.getByTestId('menu-button').getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByTestId('logout').isVisible()).toBe(true);
    await page.getByTestId('nav-submit').click();
    await page.getByTestId('submit-specimen').waitFor();
    // Choosing a page closes the menu.
    expect(await page.getByTestId('nav-submit').isVisible()).toBe(false);

    const camera = page.getByTestId('camera-input');
    expect(await camera.getAttribute('capture')).toBe('environment');
    expect(await camera.getAttribute('accept')).toBe('image/*');
    expect(await page.getByTestId('take-photo').isVisible()).toBe(true);
    const widths = await page.evaluate(() => {
      const { document, innerWidth } = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return { content: document.documentElement.scrollWidth, screen: innerWidth };
    });
    expect(widths.content).toBeLessThanOrEqual(widths.screen);
    expect(uncaught(errors)).toEqual([]);
  });

  it('is installable: serves its manifest, the icons it names and the service worker, each with its type', async () => {
    const { page } = await testBed.openSignedOut();
    await page.goto('/');
    const manifestPath = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifestUrl = new URL(manifestPath!, testBed.server.baseUrl);
    const manifestResponse = await page.request.get(manifestUrl.href);
    expect(manifestResponse.status()).toBe(200);
    expect(manifestResponse.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = (await manifestResponse.json()) as { icons: { src: string; sizes: string; type: string; purpose: string }[] };
    expect(manifest).toMatchObject({ name: 'VectorDesk', start_url: './#/submit', display: 'standalone', theme_color: '#0f3b3a' });
    expect(manifest.icons.map((icon) => icon.purpose).sort()).toEqual(['any', 'any', 'any', 'maskable']);
    for (const icon of manifest.icons) {
      const response = await page.request.get(new URL(icon.src, manifestUrl).href);
      expect(response.status(), icon.src).toBe(200);
      expect(response.headers()['content-type']).toContain(icon.type);
      if (icon.type === 'image/png') {
        const { width, height } = await sharp(await response.body()).metadata();
        expect(`${width}x${height}`).toBe(icon.sizes);
      }
    }
    const worker = await page.request.get('/sw.js');
    expect(worker.status()).toBe(200);
    expect(worker.headers()['content-type']).toMatch(/^(application|text)\/javascript/);
  });

  it('keeps a submission made offline on the phone, shows it waiting, and sends it exactly once when the network returns', async () => {
    const { page, errors } = await testBed.signInOnPhone('staff.beilun', { geolocation: POSITION, permissions: ['geolocation'] });
    const context = page.context();
    await openSubmitPageThroughMenu(page);
    await waitForServiceWorker(page);
    const before = await submittedBy('staff.beilun');

    await context.setOffline(true);
    await page.getByTestId('use-position').click();
    await expect.poll(() => page.getByTestId('position-value').innerText(), { timeout: UI_TIMEOUT }).toContain('29.93940, 121.88730');
    await submitFromTheField(page, { location: 'MV Offline, hold 2', count: 2, photoSeed: 61 });
    await page.getByTestId('submit-queued').waitFor();
    await expectOutboxItem(page, 'waiting');
    expect(await page.getByTestId('outbox-state').innerText()).toBe('Waiting for network');
    expect(await submittedBy('staff.beilun')).toHaveLength(before.length);

    // Still offline, the page opens again from the device, with the submission waiting and the last choices filled in.
    await page.reload();
    await expectOutboxItem(page, 'waiting');
    expect(await page.getByTestId('field-port').inputValue()).toBe('CNNGB-BL');
    expect(await page.getByTestId('field-site-type').inputValue()).toBe('container');
    expect(await page.getByTestId('field-trap-method').inputValue()).toBe('light_trap');
    expect(await page.getByTestId('field-location').inputValue()).toBe('MV Offline, hold 2');
    // A second tab of the app: both are there when the network returns, and both would send.
    const secondTab = await context.newPage();
    await secondTab.goto('/#/submit');
    await expectOutboxItem(secondTab, 'waiting');

    await context.setOffline(false);
    await expectOutboxItem(page, 'sent', SENT_TIMEOUT);
    await expectOutboxItem(secondTab, 'sent', SENT_TIMEOUT);
    expect(await page.getByTestId('outbox-state').innerText()).toBe('Sent');
    const after = await submittedBy('staff.beilun');
    expect(after).toHaveLength(before.length + 1);
    const specimen = after.find((candidate) => !before.some((earlier) => earlier.id === candidate.id))!;
    expect(specimen).toMatchObject({
      port: { code: 'CNNGB-BL' },
      siteType: 'container',
      trapMethod: 'light_trap',
      locationDetail: 'MV Offline, hold 2',
      count: 2,
      position: { latitude: POSITION.latitude, longitude: POSITION.longitude, accuracyMetres: POSITION.accuracy },
    });
    expect(specimen.images).toHaveLength(1);
    expect(await page.getByTestId('outbox-specimen-link').getAttribute('href')).toContain(specimen.id);

    // Opened again, online, the app does not send it a second time.
    await Promise.all([page.reload(), secondTab.reload()]);
    await expectOutboxItem(page, 'sent');
    await expectOutboxItem(secondTab, 'sent');
    expect((await submittedBy('staff.beilun')).map((submitted) => submitted.id)).toEqual(after.map((submitted) => submitted.id));

    // The worker kept the app and the submit page, and no answer of the API or the live connection.
    const kept = await keptPaths(page);
    expect(kept).toContain('/');
    expect(kept.some((path) => /\/assets\/SubmitSpecimenPage-[\w-]+\.js$/.test(path))).toBe(true);
    expect(kept.filter((path) => path.startsWith('/api/') || path.startsWith('/socket.io/'))).toEqual([]);
    expect(uncaught(errors)).toEqual([]);
  });

  it("shows the server's refusal of a submission kept offline, keeps it until it is removed, and creates nothing", async () => {
    const { page, errors } = await testBed.signInOnPhone('staff.beilun');
    const context = page.context();
    await openSubmitPageThroughMenu(page);
    const before = await submittedBy('staff.beilun');

    await context.setOffline(true);
    // More individuals than the server takes: the phone cannot know, the server refuses it (400).
    await submitFromTheField(page, { location: 'MV Refused', count: 200_000, photoSeed: 62 });
    await expectOutboxItem(page, 'waiting');
    await context.setOffline(false);
    await expectOutboxItem(page, 'refused', SENT_TIMEOUT);
    const refusal = page.getByTestId('outbox-refusal');
    expect(await refusal.getAttribute('data-code')).toBe('invalid_metadata');
    expect(await refusal.innerText()).toMatch(/count/);

    await page.reload();
    await expectOutboxItem(page, 'refused');
    await page.getByTestId('outbox-remove').click();
    await page.getByTestId('outbox').waitFor({ state: 'detached' });
    expect(await submittedBy('staff.beilun')).toHaveLength(before.length);
    expect(uncaught(errors)).toEqual([]);
  });
});
