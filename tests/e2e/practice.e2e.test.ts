import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { confirmedSpecimen } from '../helpers/teaching.js';

const VEXANS_NOTES = 'Pale basal bands on every abdominal segment';
/** What the page must not show before the question is answered: the names of the answer, in both languages, and the notes. */
const ANSWER_WORDS = ['Aedes vexans', 'vexans', '刺扰伊蚊', 'Inland floodwater mosquito', 'Culex pipiens', '尖音库蚊', VEXANS_NOTES];

describeInChromium('a trainee practises, in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // No identify job: the answers the test's experts give stand alone.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
    await confirmedSpecimen(testBed.server, { portCode: 'CNNGB-BL', taxon: 'Aedes vexans', notes: VEXANS_NOTES });
    await confirmedSpecimen(testBed.server, { portCode: 'CNNGB-LS', taxon: 'Culex pipiens', notes: 'Blunt abdomen tip' });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  /** Names the question's photo as Culex pipiens with the taxon picker and answers. */
  async function answerCulexPipiens(page: Page): Promise<void> {
    await page.getByTestId('taxon-picker-input').fill('Culex pipiens');
    await page
      .locator('[data-testid="taxon-picker-listbox"] [role="option"]')
      .filter({ has: page.locator('[data-taxon="Culex pipiens"]') })
      .first()
      .click();
    await page.getByTestId('practice-submit').click();
    await page.getByTestId('practice-outcome').waitFor();
  }

  it("starts a set, answers each photo, sees the expert's answer and notes, the score, and the accuracy per taxon", async () => {
    const { page, errors } = await testBed.signIn('trainee.ningbo');
    await page.getByTestId('nav-practice').click();
    await page.getByTestId('practice-start-form').waitFor();
    await page.getByTestId('practice-size').fill('2');
    await page.getByTestId('practice-difficulty').selectOption('gentle');
    await page.getByTestId('practice-start').click();

    const verdicts: Record<string, boolean> = {};
    for (let number = 1; number <= 2; number += 1) {
      const question = page.getByTestId('practice-question');
      await question.getByText(`Question ${number} of 2`).waitFor();
      // The photo has loaded (it is served to this trainee only).
      await expect
        .poll(() =>
          page
            .getByTestId('practice-photo')
            .evaluate((img: { complete: boolean; naturalWidth: number }) => (img.complete ? img.naturalWidth : 0)),
        )
        .toBeGreaterThan(0);
      const html = await page.content();
      for (const word of ANSWER_WORDS) expect(html, `the page shows "${word}" before the answer`).not.toContain(word);

      await answerCulexPipiens(page);
      const expert = await page.getByTestId('practice-expert-answer').textContent();
      const correct = (await page.getByTestId('practice-verdict').getAttribute('data-correct')) === 'true';
      expect(await page.getByTestId('practice-given').textContent()).toContain('Culex pipiens');
      if (expert!.includes('Aedes vexans')) {
        expect(correct).toBe(false);
        expect(await page.getByTestId('practice-expert-notes').textContent()).toBe(VEXANS_NOTES);
        verdicts.vexans = correct;
      } else {
        expect(expert).toContain('Culex pipiens');
        expect(correct).toBe(true);
        expect(await page.getByTestId('practice-expert-notes').textContent()).toBe('Blunt abdomen tip');
        verdicts.pipiens = correct;
      }
      await page.getByTestId('practice-next').click();
    }
    expect(verdicts).toEqual({ vexans: false, pipiens: true });
    expect(await page.getByTestId('practice-score-value').textContent()).toBe('1 of 2 right');

    await page.getByTestId('practice-to-progress').click();
    await page.getByTestId('practice-progress-page').waitFor();
    expect(await page.getByTestId('practice-total-accuracy').textContent()).toBe('50 %');
    const accuracyOf = (taxon: string) =>
      page.locator(`[data-testid="practice-taxon-row"][data-taxon="${taxon}"] [data-testid="practice-taxon-accuracy"]`).textContent();
    expect(await accuracyOf('Aedes vexans')).toBe('0 %');
    expect(await accuracyOf('Culex pipiens')).toBe('100 %');
    // The wrong answer is due again at once; the confusion is charted.
    await page.locator('[data-testid="practice-due-taxon"][data-taxon="Aedes vexans"]').waitFor();
    await page.locator('[data-testid="practice-confusion-chart"][data-rendered="true"]').waitFor();
    expect(errors).toEqual([]);
  });

  it("opens a course's practice assignment as its set, and resumes that set when opened again", async () => {
    const db = testBed.server.database.db;
    const expert = await testBed.server.repositories.users.findByUsername('expert.ningbo');
    const trainee = await testBed.server.repositories.users.findByUsername('trainee.ningbo');
    const course = await db
      .insertInto('courses')
      .values({ unit_id: expert!.unit_id, title: 'Mosquitoes of the port', created_by: expert!.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('course_members').values({ course_id: course.id, user_id: trainee!.id }).execute();
    const assignment = await db
      .insertInto('course_assignments')
      .values({
        course_id: course.id,
        kind: 'practice',
        title: 'Culex first',
        practice_size: 1,
        practice_taxa: JSON.stringify(['Culex']),
        due_at: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
        created_by: expert!.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const setsOfAssignment = () => db.selectFrom('practice_sessions').select('id').where('assignment_id', '=', assignment.id).execute();

    const { page, errors } = await testBed.signIn('trainee.ningbo');
    await page.goto(`/#/practice/assignments/${assignment.id}`);
    await page.getByTestId('practice-question').getByText('Question 1 of 1').waitFor();
    expect(await setsOfAssignment()).toHaveLength(1);
    await page.reload();
    await page.getByTestId('practice-question').getByText('Question 1 of 1').waitFor();
    expect(await setsOfAssignment()).toHaveLength(1);

    await answerCulexPipiens(page);
    expect(await page.getByTestId('practice-verdict').getAttribute('data-correct')).toBe('true');
    await page.getByTestId('practice-next').click();
    expect(await page.getByTestId('practice-score-value').textContent()).toBe('1 of 1 right');
    expect(errors).toEqual([]);
  });
});
