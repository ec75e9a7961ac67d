import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium, waitForLiveConnection } from '../helpers/browser.js';
import { as } from '../helpers/client.js';

/** Joining a live room sets up media: slower than a page action on a busy machine. */
const MEDIA_TIMEOUT = 45_000;

describeInChromium('scheduling a class and attending it, in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // Fake camera and microphone: the presenter's room page asks for them before joining.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' }, media: true });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  async function joinFromPreJoin(page: Page): Promise<void> {
    await page.getByTestId('prejoin').waitFor();
    await page.getByTestId('room-join').click();
    await page.locator('[data-testid="room-phase"][data-phase="joined"]').waitFor({ timeout: MEDIA_TIMEOUT });
  }

  it('an expert schedules a class, enrolling a trainee found by name; the trainee sees it, is reminded when it starts and joins', async () => {
    const student = await testBed.signIn('trainee.ningbo');
    await waitForLiveConnection(student.page);
    await student.page.getByTestId('rooms-page').waitFor();

    const expert = await testBed.signIn('expert.ningbo');
    await expert.page.getByTestId('nav-rooms').click();
    await expert.page.getByTestId('new-class-title').fill('Culex larvae: siphon indices');
    await expert.page.getByTestId('new-class-start').fill('2031-05-04T09:30');
    await expert.page.getByTestId('new-class-description').fill('Bring the slides of last week');
    // Found by part of the display name, in another case.
    await expert.page.getByTestId('trainee-search').fill('ningbo TRAINEE');
    await expert.page.locator('[data-testid="trainee-match"][data-username="trainee.ningbo"]').click();
    await expert.page.locator('[data-testid="trainee-chosen"][data-username="trainee.ningbo"]').waitFor();
    expect(await expert.page.getByTestId('new-class-submit').textContent()).toBe('Schedule the class');
    await expert.page.getByTestId('new-class-submit').click();
    await expert.page.getByTestId('new-class-scheduled').waitFor();

    const expertApi = await as(testBed.server, 'expert.ningbo');
    const listed = (await expertApi.listRooms({ query: { kind: 'class', enrolled: true } })).json().items;
    // The start was typed in the browser's local time (the test profile's Asia/Shanghai).
    const lesson = listed.find((room) => room.title === 'Culex larvae: siphon indices');
    expect(lesson).toMatchObject({ description: 'Bring the slides of last week', scheduledAt: '2031-05-04T01:30:00.000Z' });
    const enrolled = (await expertApi.getRoom({ params: { id: lesson!.id } })).json().participants;
    expect(enrolled.map((participant) => [participant.user.username, participant.role])).toEqual([
      ['expert.ningbo', 'host'],
      ['trainee.ningbo', 'trainee'],
    ]);

    // The trainee's classes list it, with its start time, before it is live.
    await student.page.reload();
    const row = student.page.locator(`[data-testid="room-row"][data-room-id="${lesson!.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('room-starts').textContent()).toContain('2031');
    expect(await row.textContent()).toContain('Bring the slides of last week');
    await waitForLiveConnection(student.page);

    // The presenter starts it: the trainee is reminded wherever they are in the app, and joins from the reminder.
    await expert.page.goto(`/#/rooms/${lesson!.id}`);
    await expert.page.getByTestId('prejoin-preview').waitFor();
    await joinFromPreJoin(expert.page);
    const reminder = student.page.locator(`[data-testid="class-notice"][data-room-id="${lesson!.id}"]`);
    await reminder.waitFor({ timeout: MEDIA_TIMEOUT });
    expect(await reminder.textContent()).toContain('Culex larvae: siphon indices');
    await reminder.getByTestId('class-notice-join').click();
    await student.page.locator(`[data-testid="room-page"][data-room-id="${lesson!.id}"]`).waitFor();
    await joinFromPreJoin(student.page);
    expect(await student.page.getByTestId('room-role').getAttribute('data-role')).toBe('trainee');
    expect(await student.page.getByTestId('class-notice').count()).toBe(0);
    expect(student.errors).toEqual([]);
    expect(expert.errors).toEqual([]);
  });
});
