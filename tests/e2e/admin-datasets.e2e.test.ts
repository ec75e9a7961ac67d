import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT } from '../helpers/browser.js';
import { jpegImage } from '../helpers/images.js';
import { confirmedSpecimen } from '../helpers/teaching.js';

describeInChromium('dataset snapshots in the admin console, in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
    const t = testBed.server;
    await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: 'Culex pipiens', photo: await jpegImage(301) });
    await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: 'Culex pipiens', photo: await jpegImage(302), lifeStage: 'larva' });
    await confirmedSpecimen(t, { portCode: 'CNSHA-YS', taxon: 'Aedes albopictus', photo: await jpegImage(303) });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it('an administrator takes a snapshot of one unit, sees its statistics and provenance, and cannot reuse its name', async () => {
    const { page, errors } = await testBed.signIn('admin');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('snapshots-empty').waitFor();

    const form = page.getByTestId('new-snapshot');
    await form.getByTestId('snapshot-name').fill('ningbo-v1');
    await form.getByTestId('snapshot-unit-NINGBO').check();
    await form.getByTestId('snapshot-create').click();

    const detail = page.locator('[data-testid="snapshot-detail"][data-snapshot="ningbo-v1"]');
    await detail.waitFor({ timeout: UI_TIMEOUT });
    const labels = await detail
      .getByTestId('snapshot-label')
      .evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-taxon'), row.lastElementChild?.textContent]));
    expect(labels).toEqual([
      ['Culex pipiens', '1'],
      ['Culex pipiens', '1'],
    ]);
    expect(await detail.getByTestId('snapshot-sha256').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await detail.getByTestId('snapshot-manifest').getAttribute('href')).toMatch(
      /^\/api\/v1\/datasets\/snapshots\/[0-9a-f-]+\/manifest$/,
    );
    expect(await detail.textContent()).toContain('BEILUN (2)');

    const row = page.locator('[data-testid="snapshot-row"][data-snapshot="ningbo-v1"]');
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('2');

    // The name is never used again: the server's refusal is shown, and the list keeps one snapshot.
    await form.getByTestId('snapshot-name').fill('ningbo-v1');
    await form.getByTestId('snapshot-create').click();
    await form.getByText('names are never reused').waitFor();
    expect(await page.getByTestId('snapshot-row').count()).toBe(1);
    expect(errors.filter((error) => !error.includes('409'))).toEqual([]);
  });
});
