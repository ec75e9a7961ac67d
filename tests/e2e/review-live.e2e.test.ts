import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  BrowserTestBed,
  countGetRequests,
  describeInChromium,
  documentState,
  markDocument,
  UI_TIMEOUT,
  waitForLiveConnection,
} from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { aiAnswer, recordIdentification } from '../helpers/review.js';

describeInChromium('expert review in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // The AI answer is the test's (stored as the identify job stores it, triage included): the review is under test here.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it("an expert confirms from the review queue with the keyboard, the submitter's open page shows the decision and then the record without a reload, and the alert is acknowledged and confirmed in the inbox", async () => {
    const specimen = await testBed.uploadSpecimenAs('staff.beilun', { portCode: 'CNNGB-BL' }, [
      { name: 'dorsal.jpg', data: await jpegImage(11, 320, 240) },
    ]);
    await recordIdentification(testBed.server, specimen.id, aiAnswer('Aedes albopictus', 0.93));

    // The submitter keeps the specimen's page open.
    const submitter = await testBed.signIn('staff.beilun');
    await waitForLiveConnection(submitter.page);
    await markDocument(submitter.page);
    await submitter.page.evaluate((id) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = `#/specimens/${id}`;
    }, specimen.id);
    await submitter.page.locator(`[data-testid="specimen-detail"][data-specimen-id="${specimen.id}"]`).waitFor();
    const specimenRequests = countGetRequests(submitter.page, `/api/v1/specimens/${specimen.id}`);
    expect(await submitter.page.getByTestId('specimen-triage').getAttribute('data-queue')).toBe('critical');
    const decisions = submitter.page.getByTestId('review-decision');
    expect(await decisions.count()).toBe(0);

    // The expert finds it in the queue, opens it and confirms with `c`.
    const expert = await testBed.signIn('expert.ningbo');
    await expert.page.getByTestId('nav-review').click();
    const row = expert.page.locator(`[data-testid="review-queue-row"][data-specimen-id="${specimen.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-queue')).toBe('critical');
    await row.getByTestId('review-queue-link').click();
    await expert.page.locator(`[data-testid="review-page"][data-specimen-id="${specimen.id}"]`).waitFor();
    await expert.page.getByTestId('photo-viewer-image').waitFor();
    await expert.page.keyboard.press('c');
    await expert.page.locator('[data-testid="review-outcome"][data-outcome="awaiting_second_opinion"]').waitFor();

    // Pushed to the submitter: the decision appears, the specimen still waits for a second expert.
    await expect.poll(() => decisions.count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(await decisions.first().textContent()).toContain('Ningbo expert');
    expect(await submitter.page.getByTestId('specimen-status').first().getAttribute('data-status')).toBe('in_review');

    // A second expert agrees (from elsewhere): the record and its alert exist, and the submitter sees it confirmed.
    const agreed = await (
      await as(testBed.server, 'expert.hq')
    ).reviewSpecimen({ params: { id: specimen.id }, body: { decision: 'confirm' } });
    expect(agreed.statusCode, agreed.body).toBe(201);
    expect(agreed.json()).toMatchObject({ outcome: 'confirmed', alertId: expect.any(String) });
    await submitter.page.getByTestId('specimen-detection').waitFor();
    await expect.poll(() => submitter.page.getByTestId('specimen-status').first().getAttribute('data-status')).toBe('confirmed');
    await expect.poll(() => decisions.count()).toBe(2);

    // The first Aedes albopictus at the port opened an alert: the Ningbo expert, responsible for the unit above the
    // port, acknowledges and confirms it in the inbox; each step shows without a reload.
    const alertId = agreed.json().alertId!;
    await expert.page.getByTestId('nav-alerts').click();
    const alert = expert.page.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`);
    await alert.waitFor();
    expect(await alert.getAttribute('data-status')).toBe('open');
    await alert.getByTestId('alert-acknowledge').click();
    await expert.page.getByTestId('alert-tab-acknowledged').click();
    await alert.and(expert.page.locator('[data-status="acknowledged"]')).waitFor();
    await alert.getByTestId('alert-confirm').click();
    await expert.page.getByTestId('alert-tab-confirmed').click();
    await alert.and(expert.page.locator('[data-status="confirmed"]')).waitFor();

    expect(await documentState(submitter.page)).toEqual({ marked: true, navigations: 1 });
    expect(specimenRequests.count).toBe(0);
    expect(submitter.errors).toEqual([]);
    expect(expert.errors).toEqual([]);
  });
});
