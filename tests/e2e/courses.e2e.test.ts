import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT } from '../helpers/browser.js';
import { as } from '../helpers/client.js';

describeInChromium('running a course and following it, in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it('an instructor starts a course, adds a trainee, assigns a practice set and a class; the trainee finds them; the table exports', async () => {
    const expertApi = await as(testBed.server, 'expert.ningbo');
    const lesson = (await expertApi.createRoom({ body: { kind: 'class', title: 'Aedes adults, live' } })).json();

    const expert = await testBed.signIn('expert.ningbo');
    const { page } = expert;
    await page.getByTestId('nav-courses').click();
    await page.getByTestId('courses-page').waitFor();
    await page.getByTestId('new-course-title').fill('Vector identification 2031');
    await page.getByTestId('new-course-submit').click();
    const coursePage = page.getByTestId('course-page');
    await coursePage.waitFor();
    const courseId = (await coursePage.getAttribute('data-course-id'))!;
    expect(await page.getByTestId('course-title').textContent()).toContain('Vector identification 2031');

    // A trainee found by part of their display name, in another case.
    await page.getByTestId('member-search').fill('NINGBO trainee');
    await page.locator('[data-testid="member-match"][data-username="trainee.ningbo"]').click();
    await page.locator('[data-testid="course-member"][data-username="trainee.ningbo"]').waitFor();

    // A practice set of mosquitoes, then the class; due dates typed in the browser's local time (Asia/Shanghai).
    await page.getByTestId('assignment-title').fill('Mosquito set');
    await page.getByTestId('assignment-size').fill('5');
    await page.getByTestId('practice-group-mosquito').check();
    await page.getByTestId('assignment-due').fill('2031-05-04T09:30');
    await page.getByTestId('assignment-submit').click();
    await page.locator('[data-testid="assignment-row"][data-kind="practice"]').waitFor();
    await page.getByTestId('assignment-kind').selectOption('class');
    await page.getByTestId('assignment-room').selectOption(lesson.id);
    await page.getByTestId('assignment-due').fill('2031-05-05T09:30');
    await page.getByTestId('assignment-submit').click();
    await page.locator('[data-testid="assignment-row"][data-kind="class"]').waitFor();

    const course = (await expertApi.getCourse({ params: { id: courseId } })).json();
    expect(course.assignments.map((assignment) => [assignment.kind, assignment.title, assignment.dueAt])).toEqual([
      ['practice', 'Mosquito set', '2031-05-04T01:30:00.000Z'],
      ['class', 'Aedes adults, live', '2031-05-05T01:30:00.000Z'],
    ]);
    expect(course.assignments[0]).toMatchObject({ size: 5, groups: ['mosquito'] });
    const enrolled = (await expertApi.getRoom({ params: { id: lesson.id } })).json().participants;
    expect(enrolled.map((participant) => [participant.user.username, participant.role])).toEqual([
      ['expert.ningbo', 'host'],
      ['trainee.ningbo', 'trainee'],
    ]);

    // The group's table: the trainee against both assignments, nothing done yet.
    const row = page.locator('[data-testid="progress-row"][data-username="trainee.ningbo"]');
    await expect.poll(() => row.getByTestId('progress-cell').count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await row.getByTestId('assignment-status').evaluateAll((badges) => badges.map((badge) => badge.dataset.status))).toEqual([
      'pending',
      'pending',
    ]);
    expect(await row.getByTestId('progress-row-total').getAttribute('data-percent')).toBe('0');

    // The CSV link downloads the same table.
    const downloading = page.waitForEvent('download');
    await page.getByTestId('progress-csv').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^course-progress-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...lines] = csv.split('\r\n');
    expect(header!.startsWith('\uFEFFusername,displayName,assignment,kind,dueAt,status,')).toBe(true);
    expect(lines).toEqual([
      'trainee.ningbo,宁波学员 Ningbo trainee,Mosquito set,practice,2031-05-04T01:30:00.000Z,pending,0,false,,,,,,,,',
      'trainee.ningbo,宁波学员 Ningbo trainee,"Aedes adults, live",class,2031-05-05T01:30:00.000Z,pending,,,,,,,false,0,0,0',
      '',
    ]);

    // The trainee's learning page lists both, each leading to where it is done.
    const trainee = await testBed.signIn('trainee.ningbo');
    await trainee.page.getByTestId('nav-learning').click();
    const learning = trainee.page.getByTestId('learning-row');
    await expect.poll(() => learning.count(), { timeout: UI_TIMEOUT }).toBe(2);
    const practice = trainee.page.locator('[data-testid="learning-row"][data-kind="practice"]');
    expect(await practice.textContent()).toContain('Vector identification 2031');
    expect(await practice.textContent()).toContain('Mosquito set');
    expect(await practice.getByTestId('assignment-status').getAttribute('data-status')).toBe('pending');
    expect(await practice.getByTestId('assignment-open').getAttribute('href')).toBe(`/#/practice/assignments/${course.assignments[0]!.id}`);
    const attend = trainee.page.locator('[data-testid="learning-row"][data-kind="class"]');
    expect(await attend.getByTestId('assignment-result').getAttribute('data-attended')).toBe('false');
    await attend.getByTestId('assignment-open').click();
    await trainee.page.locator(`[data-testid="room-page"][data-room-id="${lesson.id}"]`).waitFor();

    expect(expert.errors).toEqual([]);
    expect(expert.dialogs).toEqual([]);
    expect(trainee.errors).toEqual([]);
  });
});
