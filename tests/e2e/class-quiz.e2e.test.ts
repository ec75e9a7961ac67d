import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { addUsers } from '../helpers/review.js';
import { confirmedSpecimen } from '../helpers/teaching.js';

/** Joining a live room sets up media: slower than a page action on a busy machine. */
const MEDIA_TIMEOUT = 45_000;
const RIGHT = 'Culex pipiens';
const NOTES = 'Siphon long and slender; no pale bands on the abdomen';

describeInChromium('a class quiz in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;
  let specimen: Specimen;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' }, media: true });
    specimen = await confirmedSpecimen(testBed.server, { portCode: 'CNNGB-BL', taxon: RIGHT, aiTaxon: 'Culex tarsalis', notes: NOTES });
    await addUsers(testBed.server, [['trainee.beilun', 'trainee', 'BEILUN']]);
  }, 120_000);
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  async function enterRoom(page: Page, roomId: string): Promise<void> {
    await page.goto(`/#/rooms/${roomId}`);
    await page.getByTestId('prejoin').waitFor();
    await page.getByTestId('room-join').click();
    await page.locator('[data-testid="room-phase"][data-phase="joined"]').waitFor({ timeout: MEDIA_TIMEOUT });
  }
  const option = (page: Page, taxon: string) => page.locator(`[data-testid="quiz-option"][data-taxon="${taxon}"]`);

  it('the presenter launches a question, two trainees answer, and the revealed answer shows on all three pages', async () => {
    const expertApi = await as(testBed.server, 'expert.ningbo');
    const traineeIds = await Promise.all(
      ['trainee.ningbo', 'trainee.beilun'].map(async (username) => (await testBed.server.repositories.users.findByUsername(username))!.id),
    );
    const created = await expertApi.createRoom({ body: { kind: 'class', title: 'Which Culex?', trainees: traineeIds } });
    expect(created.statusCode, created.body).toBe(201);
    const roomId = created.json().id;

    const presenter = await testBed.signIn('expert.ningbo');
    const right = await testBed.signIn('trainee.ningbo');
    const wrong = await testBed.signIn('trainee.beilun');
    for (const session of [presenter, right, wrong]) await enterRoom(session.page, roomId);

    // The presenter picks the confirmed specimen and launches a question.
    await presenter.page.locator(`[data-testid="quiz-specimen"][data-specimen-id="${specimen.id}"]`).click();
    await presenter.page.getByTestId('quiz-seconds').fill('120');
    await presenter.page.getByTestId('quiz-launch').click();
    await presenter.page.locator('[data-testid="quiz"][data-state="open"]').waitFor();

    // Both trainees see the photo and the options; one answers right, the other wrong.
    await option(right.page, RIGHT).waitFor();
    const other = await wrong.page
      .locator('[data-testid="quiz-option"]')
      .evaluateAll(
        (buttons, rightTaxon) => buttons.map((button) => button.getAttribute('data-taxon')).find((taxon) => taxon !== rightTaxon),
        RIGHT,
      );
    expect(other).toBeTruthy();
    // The photo arrives after the options (the server re-encodes it without its metadata): wait for it to load.
    await expect
      .poll(() => right.page.getByTestId('quiz-photo').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await option(right.page, RIGHT).click();
    await option(wrong.page, other!).click();
    for (const [session, taxon] of [
      [right, RIGHT],
      [wrong, other!],
    ] as const) {
      await session.page.getByTestId('quiz-answered').waitFor();
      expect(await option(session.page, taxon).getAttribute('aria-pressed')).toBe('true');
      expect(await session.page.locator('[data-testid="quiz-option"]:enabled').count()).toBe(0);
    }
    await presenter.page.locator('[data-testid="quiz-tally"][data-answered="2"][data-present="2"]').waitFor();
    expect(await presenter.page.locator(`[data-testid="quiz-bar"][data-taxon="${RIGHT}"]`).getAttribute('data-count')).toBe('1');

    // A reload keeps the trainee's choice.
    await wrong.page.reload();
    await wrong.page.getByTestId('prejoin').waitFor();
    await wrong.page.getByTestId('room-join').click();
    await wrong.page.locator('[data-testid="room-phase"][data-phase="joined"]').waitFor({ timeout: MEDIA_TIMEOUT });
    expect(await option(wrong.page, other!).getAttribute('aria-pressed')).toBe('true');

    // The reveal: every page shows the right answer, the expert's notes and how the class answered.
    await presenter.page.getByTestId('quiz-reveal').click();
    for (const session of [presenter, right, wrong]) {
      const result = session.page.getByTestId('quiz-result');
      await result.waitFor();
      expect(await result.getAttribute('data-taxon')).toBe(RIGHT);
      expect(await session.page.getByTestId('quiz-notes').textContent()).toContain(NOTES);
      const correct = session.page.getByTestId('quiz-correct');
      expect([await correct.getAttribute('data-correct'), await correct.getAttribute('data-answered')]).toEqual(['1', '2']);
      const bars = (await session.page
        .locator('[data-testid="quiz-bar"]')
        .evaluateAll((items) =>
          Object.fromEntries(items.map((bar) => [bar.getAttribute('data-taxon'), Number(bar.getAttribute('data-count'))])),
        )) as Record<string, number>;
      expect(bars).toMatchObject({ [RIGHT]: 1, [other!]: 1 });
      expect(Object.values(bars).reduce((sum, count) => sum + count, 0)).toBe(2);
    }
    expect(await right.page.getByTestId('quiz-verdict').getAttribute('data-right')).toBe('true');
    expect(await wrong.page.getByTestId('quiz-verdict').getAttribute('data-right')).toBe('false');
    // The presenter may ask the next question.
    await presenter.page.getByTestId('quiz-launcher').waitFor();
    for (const session of [presenter, right, wrong]) expect(session.errors).toEqual([]);
  }, 240_000);
});
