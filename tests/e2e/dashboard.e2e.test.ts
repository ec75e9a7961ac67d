import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { parseCsv } from '../../datasets/csv.js';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT, waitForListLoaded } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { aiAnswer, recordIdentification } from '../helpers/review.js';

/** The path and search of the app's hash route: `#/specimens?taxon=Culex` → ['/specimens', {taxon: 'Culex'}]. */
function routeOf(page: Page): { path: string; search: Record<string, string> } {
  const hash = new URL(page.url()).hash.replace(/^#/, '');
  const [routePath = '', query = ''] = hash.split('?');
  return { path: routePath, search: Object.fromEntries(new URLSearchParams(query)) };
}

/** What part of an element's screenshot is drawn: the share of pixels unlike its most common colour, its background. */
async function drawnShare(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  const colours = new Map<number, number>();
  for (let i = 0; i < data.length; i += 3) {
    const colour = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    colours.set(colour, (colours.get(colour) ?? 0) + 1);
  }
  return 1 - Math.max(...colours.values()) / pixels;
}

/** How many pixels of an element's screenshot are close to `rgb` (antialiasing blurs edges, not fills). */
async function pixelsLike(png: Buffer, [r, g, b]: readonly [number, number, number]): Promise<number> {
  return countPixels(png, (pr, pg, pb) => Math.abs(pr - r) + Math.abs(pg - g) + Math.abs(pb - b) < 24);
}

/** How many pixels are red-orange, as the ports' points are (half transparent over land or sea), and nothing else is. */
function reddishPixels(png: Buffer): Promise<number> {
  return countPixels(png, (r, g, b) => r > 180 && g < 150 && b < 130);
}

async function countPixels(png: Buffer, matches: (r: number, g: number, b: number) => boolean): Promise<number> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i < data.length; i += 3) if (matches(data[i]!, data[i + 1]!, data[i + 2]!)) count += 1;
  return count;
}

/** The part of a chart ECharts uses in the browser tests: where a value is drawn, and the option it draws. */
interface ChartInPage {
  convertToPixel(finder: { seriesIndex: number }, value: number[]): number[];
  getOption(): { series: { data: unknown[] }[] };
}

/**
 * Clicks a chart's data item, found by `pick` among the first series' data: where it is drawn is asked of the chart
 * itself (its element carries its ECharts instance), as [x, y] in the chart's own coordinates.
 */
async function clickChartItem(chart: Locator, pick: (data: unknown[]) => number[] | null): Promise<void> {
  const data = await chart.evaluate((element) => (element as unknown as { chart: ChartInPage }).chart.getOption().series[0]?.data ?? []);
  const value = pick(data);
  if (!value) throw new Error(`no such data item in ${JSON.stringify(data)}`);
  // The mouse clicks in the viewport: the chart must be in it.
  await chart.scrollIntoViewIfNeeded();
  const [x, y] = await chart.evaluate(
    (element, at) => (element as unknown as { chart: ChartInPage }).chart.convertToPixel({ seriesIndex: 0 }, at),
    value,
  );
  const box = await chart.boundingBox();
  if (!box || x === undefined || y === undefined) throw new Error('the chart is not on the page');
  await chart.page().mouse.click(box.x + x, box.y + y);
}

describeInChromium('the surveillance dashboard in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // The AI answers are the test's (stored as the identify job stores them): the figures are under test here.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  /** A specimen submitted by `username` at `portCode`, collected at `collectedAt`, identified by the AI as `taxon`. */
  async function identifiedSpecimen(
    username: string,
    portCode: string,
    collectedAt: string,
    taxon: string,
    seed: number,
  ): Promise<Specimen> {
    const specimen = await testBed.uploadSpecimenAs(username, { portCode, collectedAt }, [
      { name: `photo-${seed}.jpg`, data: await jpegImage(seed, 64, 48) },
    ]);
    await recordIdentification(testBed.server, specimen.id, aiAnswer(taxon, 0.95));
    return specimen;
  }

  it('draws the figures, the charts and the port map from real data, and a click on a taxon or a month opens those specimens', async () => {
    const november = '2026-11-20T06:30:00Z';
    const october = '2026-10-15T06:30:00Z';
    const culex = [
      await identifiedSpecimen('staff.beilun', 'CNNGB-BL', november, 'Culex pipiens', 1),
      await identifiedSpecimen('staff.beilun', 'CNNGB-BL', november, 'Culex pipiens', 2),
      await identifiedSpecimen('staff.airport', 'CNNGB-LS', october, 'Culex pipiens', 3),
    ];
    const aedes = [
      await identifiedSpecimen('staff.beilun', 'CNNGB-BL', november, 'Aedes albopictus', 4),
      await identifiedSpecimen('staff.airport', 'CNNGB-LS', november, 'Aedes albopictus', 5),
    ];

    const { page, dialogs, errors } = await testBed.signIn('expert.ningbo');
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.getByTestId('nav-dashboard').click();
    await expect
      .poll(() => page.getByTestId('tile-specimens-value').textContent(), {
        timeout: UI_TIMEOUT,
        message: 'the dashboard shows the specimens GET /api/v1/stats/overview counts',
      })
      .toBe('5');
    expect(await page.getByTestId('tile-submitted-today-value').textContent()).toBe('5');

    const charts = ['chart-time', 'chart-taxa', 'chart-map', 'chart-positive-rate', 'chart-turnaround'] as const;
    for (const testId of charts) await page.locator(`[data-testid="${testId}"][data-rendered="true"]`).waitFor();

    // The whole page as a person sees it, kept beside the test's other temporary files for a look when it fails.
    const screenshotDir = await mkdtemp(path.join(tmpdir(), 'vectordesk-dashboard-'));
    await writeFile(path.join(screenshotDir, 'dashboard.png'), await page.screenshot({ fullPage: true }));

    const shots = Object.fromEntries(await Promise.all(charts.map(async (id) => [id, await page.getByTestId(id).screenshot()] as const)));
    for (const testId of charts)
      expect(await drawnShare(shots[testId]!), `${testId} (screenshot in ${screenshotDir})`).toBeGreaterThan(0.02);
    // The map: land in the base map's colour over much of it, and the ports' points on it.
    const map = shots['chart-map']!;
    const { width = 0, height = 0 } = await sharp(map).metadata();
    expect(await pixelsLike(map, [0xe8, 0xee, 0xf5]), `base map (screenshot in ${screenshotDir})`).toBeGreaterThan(width * height * 0.1);
    expect(await reddishPixels(map), `port points (screenshot in ${screenshotDir})`).toBeGreaterThan(10);

    // The slowest specimens under the turnaround chart, each a link to its page.
    await page.getByTestId('turnaround-slowest').locator('summary').click();
    const slowLinks = page.getByTestId('turnaround-slowest').locator('a');
    expect(await slowLinks.count()).toBe(5);
    const linked = await slowLinks.evaluateAll((all: { getAttribute(name: string): string | null }[]) =>
      all.map((link) => link.getAttribute('href')?.split('/').at(-1)),
    );
    expect(linked.sort()).toEqual([...culex, ...aedes].map((specimen) => specimen.id).sort());

    // The taxa, most counted first: Culex pipiens (3) above Aedes albopictus (2). A click on the Aedes bar opens its specimens.
    await clickChartItem(page.getByTestId('chart-taxa'), (data) => {
      const index = data.indexOf(2);
      return index < 0 ? null : [1, index];
    });
    await expect.poll(() => routeOf(page), { timeout: UI_TIMEOUT }).toEqual({ path: '/specimens', search: { taxon: 'Aedes albopictus' } });
    await waitForListLoaded(page);
    await expect.poll(() => page.getByTestId('pagination-range').textContent(), { timeout: UI_TIMEOUT }).toBe('1–2 of 2');
    const rows = page.getByTestId('specimen-row');
    const listed = await rows.evaluateAll((all: { getAttribute(name: string): string | null }[]) =>
      all.map((row) => row.getAttribute('data-specimen-id')),
    );
    expect(listed.sort()).toEqual(aedes.map((specimen) => specimen.id).sort());
    expect(await page.getByTestId('filter-taxon').getAttribute('data-taxon')).toBe('Aedes albopictus');

    // Back on the dashboard, October's bar (its only specimen, a mosquito) opens October's mosquitoes.
    await page.goBack();
    await page.locator('[data-testid="chart-time"][data-rendered="true"]').waitFor();
    await clickChartItem(page.getByTestId('chart-time'), (data) => {
      const index = data.indexOf(1);
      return index < 0 ? null : [index, 0.5];
    });
    await expect
      .poll(() => routeOf(page), { timeout: UI_TIMEOUT })
      .toEqual({ path: '/specimens', search: { group: 'mosquito', from: '2026-10-01', to: '2026-10-31' } });
    await expect.poll(() => page.getByTestId('pagination-range').textContent(), { timeout: UI_TIMEOUT }).toBe('1–1 of 1');
    expect(await rows.first().getAttribute('data-specimen-id')).toBe(culex[2]!.id);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("exports the list's filtered specimens from the list page, shows the progress and downloads the file", async () => {
    // Export jobs run in this process, as in any that consumes jobs.
    testBed.server.jobs.queue('export').process(testBed.server.services.exports.jobHandler());
    await identifiedSpecimen('staff.airport', 'CNNGB-LS', '2026-11-22T06:30:00Z', 'Aedes albopictus', 6);
    const { page, dialogs, errors } = await testBed.signIn('expert.ningbo');
    await page.goto('/#/specimens?portCode=CNNGB-LS');
    await waitForListLoaded(page);
    await page.getByTestId('export-panel').locator('summary').click();
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export-start').click();

    const job = page.getByTestId('export-job').first();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('done');
    const downloading = page.waitForEvent('download');
    await job.getByTestId('export-download').click();
    const download = await downloading;
    const csv = await readFile((await download.path())!, 'utf8');

    const listed = await (await as(testBed.server, 'expert.ningbo')).listSpecimens({ query: { portCode: 'CNNGB-LS', limit: 100 } });
    const [header, ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''));
    const idColumn = header!.indexOf('id');
    expect(idColumn, header!.join(',')).toBeGreaterThanOrEqual(0);
    expect(rows.map((row) => row[idColumn]).sort()).toEqual(
      listed
        .json()
        .items.map((item) => item.id)
        .sort(),
    );
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
