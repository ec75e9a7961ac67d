import type { Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startJobConsumers } from '../../api/services/jobs-runtime.js';
import {
  BrowserTestBed,
  countGetRequests,
  describeInChromium,
  documentState,
  markDocument,
  specimenRow,
  submitSpecimenForm,
  UI_TIMEOUT,
  waitForLiveConnection,
} from '../helpers/browser.js';
import { anonymous } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';

/** How long the automatic identification may take: the models load and run on a busy CPU. */
const IDENTIFICATION_TIMEOUT = 90_000;

describeInChromium('live identification in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // Identify jobs wait in the queue until a test starts consuming them (as `npm run worker` joining would),
    // so the browser sees a specimen pending first and its result arrive later, by push.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  // ---- helpers ---------------------------------------------------------------------------

  let consuming = false;
  /** Starts consuming the waiting identify jobs in the server process, as the api does by default (idempotent). */
  function startIdentifying(): void {
    if (consuming) return;
    if (!testBed.server.identification.pool) throw new Error('the server has no inference pool: the models could not be loaded');
    const { jobs, identification, services, config } = testBed.server;
    startJobConsumers(
      jobs,
      {
        identification: identification.service,
        alertDelivery: services.alertDelivery,
        exports: services.exports,
        retraining: services.retraining,
      },
      config,
    );
    consuming = true;
  }

  /** What the server says about itself and the specimen, for a failure message when no result arrives. */
  async function diagnostics(specimenId: string): Promise<string> {
    const ready = await anonymous(testBed.server).getReadiness();
    const specimen = await testBed.fetchSpecimenAs('staff.beilun', specimenId).catch((error: unknown) => String(error));
    return `GET /ready → ${ready.statusCode} ${ready.body}\nspecimen identification: ${JSON.stringify(
      typeof specimen === 'string' ? specimen : specimen.identification,
    )}`;
  }

  /** Waits until `target` shows a finished identification (done or failed) and returns its status. */
  async function waitForFinished(target: Locator, specimenId: string): Promise<string | null> {
    const finished = target.and(target.page().locator('[data-status="done"], [data-status="failed"]'));
    try {
      await finished.waitFor({ timeout: IDENTIFICATION_TIMEOUT });
    } catch (error) {
      const shown = await target.getAttribute('data-status').catch(() => 'not shown');
      throw new Error(
        `the identification did not finish within ${IDENTIFICATION_TIMEOUT} ms (shown: ${shown})\n${await diagnostics(specimenId)}`,
        { cause: error },
      );
    }
    return target.getAttribute('data-status');
  }

  // ---- tests -----------------------------------------------------------------------------

  it('submits a photo through the submit page and shows its identification arrive on the detail page without a reload', async () => {
    const { page, dialogs, errors } = await testBed.signIn('staff.beilun');
    await waitForLiveConnection(page);
    await markDocument(page);

    await page.getByTestId('nav-submit').click();
    await page.getByTestId('file-input').setInputFiles({
      name: 'dorsal.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpegImage(51, 320, 240),
    });
    await expect.poll(() => page.getByTestId('preview').count(), { timeout: UI_TIMEOUT }).toBe(1);
    const specimenId = await submitSpecimenForm(page, {
      port: 'CNNGB-BL',
      siteType: 'ship',
      location: 'MV Ningbo Star, hold 2',
      collectedAt: '2026-11-21T09:15',
    });
    expect(specimenId).toMatch(/^[0-9a-f-]{36}$/);
    const specimenRequests = countGetRequests(page, `/api/v1/specimens/${specimenId}`);

    // In-app navigation to the detail page (hash route, same document).
    await page.getByTestId('submit-success-link').click();
    await page.locator(`[data-testid="specimen-detail"][data-specimen-id="${specimenId}"]`).waitFor();
    const panel = page.getByTestId('identification');
    await panel.waitFor();
    // Pending: no worker consumes identify jobs yet (unless another test ran first and started one).
    const firstStatus = await panel.getAttribute('data-status');
    expect(consuming ? ['pending', 'done'] : ['pending']).toContain(firstStatus);
    if (firstStatus === 'pending') {
      expect(await page.getByTestId('identification-pending').isVisible()).toBe(true);
      expect(await page.getByTestId('identification-pending').textContent()).toContain('Identifying…');
    }
    const requestsAfterLoad = specimenRequests.count;
    expect(requestsAfterLoad).toBeGreaterThanOrEqual(1);

    startIdentifying();
    const finalStatus = await waitForFinished(panel, specimenId);
    expect(finalStatus, await diagnostics(specimenId)).toBe('done');

    // Arrived by push: same document, one navigation, and the detail page did not fetch the specimen again.
    expect(await documentState(page)).toEqual({ marked: true, navigations: 1 });
    expect(specimenRequests.count).toBe(requestsAfterLoad);
    expect(await page.getByTestId('identification-pending').count()).toBe(0);

    // The answer: a taxon, a confidence in %, top-k rows with bars, the model version.
    const taxon = page.getByTestId('identification-taxon');
    expect((await taxon.textContent())?.trim()).not.toBe('');
    const shownTaxon = await taxon.locator('[data-taxon]').getAttribute('data-taxon');
    expect(shownTaxon).toMatch(/^(unknown|not_vector|[A-Z][a-z]+( [a-z-]+)*)$/);
    expect(await page.getByTestId('identification-confidence').textContent()).toMatch(/^<?\d{1,3}(\.\d)?%$/);

    const rows = page.getByTestId('identification-topk').getByTestId('topk-row');
    const rowCount = await rows.count();
    expect(rowCount).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < rowCount; i += 1) {
      const row = rows.nth(i);
      expect((await row.getAttribute('data-taxon'))?.length).toBeGreaterThan(0);
      const p = Number(await row.getAttribute('data-p'));
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      const meter = row.getByRole('meter');
      expect(Number(await meter.getAttribute('aria-valuenow'))).toBeCloseTo(p * 100, 0);
      const width = await row.getByTestId('topk-bar').evaluate((element: { style: { width: string } }) => element.style.width);
      expect(Number.parseFloat(width)).toBeCloseTo(p * 100, 0);
      expect(await row.textContent()).toMatch(/\d%$/);
    }

    const model = (await page.getByTestId('identification-model').textContent())?.trim() ?? '';
    expect(model).toMatch(/^[a-z0-9-]+@/);

    // What the page shows is what the server stored.
    const stored = await testBed.fetchSpecimenAs('staff.beilun', specimenId);
    expect(stored.identification).toMatchObject({ status: 'done', model, taxon: shownTaxon });
    expect(stored.identification?.topK).toHaveLength(rowCount);
    // The level the AI committed to, with the finer level it was not sure of.
    const level = page.getByTestId('committed-level');
    const committedLevel = stored.identification?.committedLevel;
    expect(await level.getAttribute('data-level')).toBe(committedLevel);
    const levelText = (await level.textContent()) ?? '';
    expect(levelText).toMatch(committedLevel === 'none' ? /^AI: no answer at any level/ : new RegExp(`^AI: ${committedLevel} `));
    const levels = stored.identification?.levels;
    const finer = (['group', 'genus', 'species'] as const)
      .slice(committedLevel === 'none' ? 0 : ['group', 'genus', 'species'].indexOf(committedLevel!) + 1)
      .find((name) => levels?.[name]);
    const unsure = page.getByTestId('committed-level-unsure');
    expect(await unsure.count()).toBe(finer ? 1 : 0);
    if (finer) {
      expect(await unsure.getAttribute('data-level')).toBe(finer);
      expect(await unsure.locator('[data-taxon]').getAttribute('data-taxon')).toBe(levels![finer]!.taxon);
      expect(await unsure.textContent()).toMatch(new RegExp(`${finer} not certain: .+ <?\\d{1,3}(\\.\\d)?%$`));
    }
    expect(await page.getByTestId('identification-image-row').count()).toBe(stored.identification?.images.length);

    // The panel speaks Chinese too.
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => panel.textContent(), { timeout: UI_TIMEOUT }).toContain('置信度');
    expect(await level.textContent()).toMatch(/^AI (判定到|未在任何层级)/);
    expect(await panel.textContent()).toContain('模型版本');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => panel.textContent(), { timeout: UI_TIMEOUT }).toContain('Confidence');

    // The list shows the result as well.
    await page.getByTestId('nav-specimens').click();
    const badge = specimenRow(page, specimenId).getByTestId('specimen-identification');
    await badge.waitFor();
    expect(await badge.getAttribute('data-status')).toBe('done');
    expect(await badge.getAttribute('data-taxon')).toBe(shownTaxon);
    expect(await documentState(page)).toEqual({ marked: true, navigations: 1 });

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('updates the identification column of an open list when a specimen submitted elsewhere is identified', async () => {
    const { page, dialogs, errors } = await testBed.signIn('staff.beilun');
    await waitForLiveConnection(page);
    await markDocument(page);
    startIdentifying();

    const created = await testBed.uploadSpecimenAs('expert.ningbo', { locationDetail: 'live identification' }, [
      { name: 'photo-61.jpg', data: await jpegImage(61, 320, 240) },
    ]);

    const badge = specimenRow(page, created.id).getByTestId('specimen-identification');
    await badge.waitFor();
    expect(['pending', 'done']).toContain(await badge.getAttribute('data-status'));
    expect(await waitForFinished(badge, created.id)).toBe('done');
    expect(await badge.getAttribute('data-taxon')).toMatch(/^(unknown|not_vector|[A-Z][a-z]+( [a-z-]+)*)$/);
    expect(await badge.getByTestId('specimen-identification-confidence').textContent()).toMatch(/^<?\d{1,3}(\.\d)?%$/);
    expect(await documentState(page)).toEqual({ marked: true, navigations: 1 });

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
