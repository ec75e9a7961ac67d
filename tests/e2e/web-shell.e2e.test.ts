import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium, isSameDocument, markDocument, UI_TIMEOUT, waitForListLoaded } from '../helpers/browser.js';
import type { Specimen } from '../../api/contract/index.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';

/** The path and search of the app's hash route: `#/specimens?status=rejected` → ['/specimens', {status: 'rejected'}]. */
function routeOf(page: Page): { path: string; search: Record<string, string> } {
  const hash = new URL(page.url()).hash.replace(/^#/, '');
  const [path = '', query = ''] = hash.split('?');
  return { path, search: Object.fromEntries(new URLSearchParams(query)) };
}

/** The testids of the header's navigation links, in order. */
function navigationOf(page: Page): Promise<(string | null)[]> {
  return page
    .locator('nav[aria-label="main"] a')
    .evaluateAll((links: { getAttribute(name: string): string | null }[]) => links.map((link) => link.getAttribute('data-testid')));
}

describeInChromium('the web shell (routes, role navigation, rooms page) in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;

  beforeAll(async () => {
    // Identification is not what these tests look at: its jobs wait in the queue. Fake camera and microphone: a room
    // page asks for them before joining.
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' }, media: true });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  // ---- helpers ---------------------------------------------------------------------------

  /** A signed-in client of the test server for a demo user. */
  const client = (username: string) => as(testBed.server, username);

  /** The answer of a set-up call, which must succeed. */
  function succeeded<T>(response: { statusCode: number; body: string; json(): T }): T {
    if (response.statusCode >= 300) throw new Error(`set-up call answered ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async function createSpecimenAs(username: string, metadata: Record<string, unknown>, imageSeed: number): Promise<Specimen> {
    return testBed.uploadSpecimenAs(username, metadata, [{ name: `photo-${imageSeed}.jpg`, data: await jpegImage(imageSeed, 64, 48) }]);
  }

  /** What the specimen list shows: its filters, its range line and how many rows. */
  async function listState(page: Page) {
    await waitForListLoaded(page);
    await page.locator('.table-wrap.is-loading').waitFor({ state: 'detached' });
    return {
      siteType: await page.getByTestId('filter-site-type').inputValue(),
      status: await page.getByTestId('filter-status').inputValue(),
      from: await page.getByTestId('filter-from').inputValue(),
      to: await page.getByTestId('filter-to').inputValue(),
      mine: await page.getByTestId('filter-mine').isChecked(),
      range: await page.getByTestId('pagination-range').textContent(),
      rows: await page.getByTestId('specimen-row').count(),
    };
  }

  /** Waits until the list shows `range` (the filters of a navigation have been fetched), then reads it. */
  async function listShowing(page: Page, range: string) {
    await expect.poll(() => page.getByTestId('pagination-range').textContent(), { timeout: UI_TIMEOUT }).toBe(range);
    return listState(page);
  }

  // ---- tests -----------------------------------------------------------------------------

  it('a deep link opened signed out asks to sign in, then opens the page asked for; signed in, #/login leads home', async () => {
    const specimen = await createSpecimenAs('staff.beilun', { locationDetail: 'deep link' }, 71);
    const session = await testBed.openSignedOut();
    const { page } = session;

    await page.goto(`/#/specimens/${specimen.id}`);
    await page.getByTestId('login-username').waitFor();
    expect(routeOf(page)).toEqual({ path: '/login', search: { redirect: `/specimens/${specimen.id}` } });

    await testBed.submitLogin(session, 'staff.beilun');
    await page.locator(`[data-testid="specimen-detail"][data-specimen-id="${specimen.id}"]`).waitFor();
    expect(routeOf(page).path).toBe(`/specimens/${specimen.id}`);

    // Signed in, the login page is no place to be: it leads to the start page.
    await page.goto('/#/login');
    await waitForListLoaded(page);
    expect(routeOf(page)).toEqual({ path: '/specimens', search: {} });

    // Signing out leads to the login page, asking for nothing.
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor();
    expect(routeOf(page)).toEqual({ path: '/login', search: {} });
    expect(session.dialogs).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('a filtered specimen list is an address: opened directly it shows its filters, a specimen opened from it leads Back to it, and Back/Forward walk filter states and pages', async () => {
    // The airport's own unit: 51 aircraft specimens (two pages of 50) and two cargo ones, one of them withdrawn.
    for (let i = 0; i < 51; i += 1) await createSpecimenAs('staff.airport', { portCode: 'CNNGB-LS', siteType: 'aircraft' }, 100 + i);
    await createSpecimenAs('staff.airport', { portCode: 'CNNGB-LS', siteType: 'cargo' }, 200);
    const withdrawn = await createSpecimenAs('staff.airport', { portCode: 'CNNGB-LS', siteType: 'cargo' }, 201);
    succeeded(await (await client('expert.ningbo')).updateSpecimen({ params: { id: withdrawn.id }, body: { status: 'rejected' } }));

    const { page, dialogs, errors } = await testBed.signIn('staff.airport');
    expect(await listState(page)).toMatchObject({ range: '1–50 of 53', rows: 50 });
    await markDocument(page);

    // Collected on 20 November 2026 (the specimens' default, 14:30 in Shanghai), aircraft, mine, second page.
    await page.goto('/#/specimens?siteType=aircraft&from=2026-11-20&to=2026-11-20&mine=true&page=2');
    const secondPage = {
      siteType: 'aircraft',
      status: '',
      from: '2026-11-20',
      to: '2026-11-20',
      mine: true,
      range: '51–51 of 51',
      rows: 1,
    };
    expect(await listShowing(page, '51–51 of 51')).toEqual(secondPage);

    // It survives a reload.
    await page.reload();
    expect(await listShowing(page, '51–51 of 51')).toEqual(secondPage);
    await markDocument(page);

    await page.getByTestId('page-prev').click();
    const firstPage = { ...secondPage, range: '1–50 of 51', rows: 50 };
    expect(await listShowing(page, '1–50 of 51')).toEqual(firstPage);
    expect(routeOf(page).search).toEqual({ siteType: 'aircraft', from: '2026-11-20', to: '2026-11-20', mine: 'true' });

    await page.getByTestId('filter-site-type').selectOption('cargo');
    const cargo = { ...firstPage, siteType: 'cargo', range: '1–2 of 2', rows: 2 };
    expect(await listShowing(page, '1–2 of 2')).toEqual(cargo);
    await page.getByTestId('filter-status').selectOption('rejected');
    const withdrawnCargo = { ...cargo, status: 'rejected', range: '1–1 of 1', rows: 1 };
    expect(await listShowing(page, '1–1 of 1')).toEqual(withdrawnCargo);
    expect(routeOf(page)).toEqual({
      path: '/specimens',
      search: { siteType: 'cargo', status: 'rejected', from: '2026-11-20', to: '2026-11-20', mine: 'true' },
    });

    // A specimen opened from the filtered list, Back returns to the list as it was filtered.
    await page.locator(`[data-testid="specimen-row"][data-specimen-id="${withdrawn.id}"]`).click();
    await page.locator(`[data-testid="specimen-detail"][data-specimen-id="${withdrawn.id}"]`).waitFor();
    await page.goBack();
    expect(await listShowing(page, '1–1 of 1')).toEqual(withdrawnCargo);

    // Back walks the way back, filter by filter and page by page; Forward walks it again.
    await page.goBack();
    expect(await listShowing(page, '1–2 of 2')).toEqual(cargo);
    await page.goBack();
    expect(await listShowing(page, '1–50 of 51')).toEqual(firstPage);
    await page.goBack();
    expect(await listShowing(page, '51–51 of 51')).toEqual(secondPage);
    await page.goForward();
    expect(await listShowing(page, '1–50 of 51')).toEqual(firstPage);
    await page.goForward();
    expect(await listShowing(page, '1–2 of 2')).toEqual(cargo);
    expect(await isSameDocument(page)).toBe(true);

    // Clearing the filters is an address too: the whole list.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await listShowing(page, '1–50 of 53')).toMatchObject({ siteType: '', status: '', from: '', to: '', mine: false, rows: 50 });
    expect(routeOf(page)).toEqual({ path: '/specimens', search: {} });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows each role its own navigation and start page', async () => {
    const expected = [
      {
        username: 'staff.beilun',
        navigation: ['nav-submit', 'nav-specimens', 'nav-dashboard', 'nav-alerts', 'nav-appointments', 'nav-bank'],
        start: '/specimens',
      },
      {
        username: 'expert.ningbo',
        navigation: [
          'nav-specimens',
          'nav-dashboard',
          'nav-review',
          'nav-alerts',
          'nav-appointments',
          'nav-lab-schedule',
          'nav-rooms',
          'nav-courses',
          'nav-bank',
        ],
        start: '/specimens',
      },
      { username: 'trainee.ningbo', navigation: ['nav-classes', 'nav-learning', 'nav-practice', 'nav-bank'], start: '/rooms' },
      {
        username: 'admin',
        navigation: [
          'nav-specimens',
          'nav-dashboard',
          'nav-alerts',
          'nav-lab-schedule',
          'nav-rooms',
          'nav-courses',
          'nav-bank',
          'nav-admin',
        ],
        start: '/specimens',
      },
    ];
    for (const { username, navigation, start } of expected) {
      const { page, dialogs, errors } = await testBed.signIn(username);
      expect(await navigationOf(page), username).toEqual(navigation);
      expect(routeOf(page).path, username).toBe(start);
      expect(dialogs, username).toEqual([]);
      expect(errors, username).toEqual([]);
    }

    // The administrator's models page lists the installed model versions (or says there are none).
    const admin = await testBed.signIn('admin');
    // It is one section of the admin console, which lists them all; the page's old address leads there too.
    await admin.page.getByTestId('nav-admin').click();
    await admin.page.getByTestId('admin-home').waitFor();
    expect(await admin.page.locator('[data-testid^="admin-section-"]').count()).toBe(8);
    await admin.page.getByTestId('nav-models').click();
    await admin.page.getByTestId('models-table').or(admin.page.getByTestId('models-empty')).waitFor();
    const { items } = succeeded(await (await client('admin')).listModels());
    expect(await admin.page.getByTestId('model-row').count()).toBe(items.length);
    await admin.page.getByTestId('nav-specimens').click();
    await waitForListLoaded(admin.page);
    await admin.page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = '#/models';
    });
    await admin.page.getByTestId('models-page').waitFor();
    expect(routeOf(admin.page).path).toBe('/admin/models');
    expect(admin.errors).toEqual([]);
  });

  it('a trainee finds the class they are enrolled in on the rooms page and opens it; an expert opens a class from there', async () => {
    const trainee = succeeded(await (await client('trainee.ningbo')).getMe());
    const expertApi = await client('expert.ningbo');
    const lesson = succeeded(
      await expertApi.createRoom({ body: { kind: 'class', title: 'Culex pipiens: larval keys', trainees: [trainee.user.id] } }),
    );
    const specimen = await createSpecimenAs('staff.beilun', { locationDetail: 'consultation for the rooms page' }, 81);
    const consultation = succeeded(await expertApi.createRoom({ body: { kind: 'consultation', specimenId: specimen.id } }));

    // The trainee starts on their classes: the class is there, the consultation (not theirs to join) is not.
    const student = await testBed.signIn('trainee.ningbo');
    const lessonRow = student.page.locator(`[data-testid="room-row"][data-room-id="${lesson.id}"]`);
    await lessonRow.waitFor();
    expect(await lessonRow.getAttribute('data-kind')).toBe('class');
    expect(await lessonRow.textContent()).toContain('Culex pipiens: larval keys');
    expect(await student.page.locator(`[data-testid="room-row"][data-room-id="${consultation.id}"]`).count()).toBe(0);
    await lessonRow.getByTestId('room-link').click();
    await student.page.locator(`[data-testid="room-page"][data-room-id="${lesson.id}"]`).waitFor();
    expect(routeOf(student.page).path).toBe(`/rooms/${lesson.id}`);
    expect(student.errors).toEqual([]);

    // The expert sees both, and opens a new class from the same page, landing in it.
    const expert = await testBed.signIn('expert.ningbo');
    await expert.page.getByTestId('nav-rooms').click();
    await expert.page.locator(`[data-testid="room-row"][data-room-id="${consultation.id}"]`).waitFor();
    expect(await expert.page.locator(`[data-testid="room-row"][data-room-id="${lesson.id}"]`).count()).toBe(1);
    await expert.page.getByTestId('new-class-title').fill('Aedes albopictus: scutum patterns');
    await expert.page.getByTestId('new-class-submit').click();
    await expert.page.getByTestId('room-page').waitFor();
    const createdId = await expert.page.getByTestId('room-page').getAttribute('data-room-id');
    const created = succeeded(await expertApi.getRoom({ params: { id: createdId ?? '' } }));
    expect(created.room).toMatchObject({ kind: 'class', title: 'Aedes albopictus: scutum patterns' });

    // Back on the rooms page, the new class is listed first.
    await expert.page.goBack();
    await expert.page.locator(`[data-testid="room-row"][data-room-id="${createdId}"]`).waitFor();
    expect(await expert.page.getByTestId('room-row').first().getAttribute('data-room-id')).toBe(createdId);
    expect(expert.errors).toEqual([]);
  });

  it('shows a not-found page for an unknown address, with a way back', async () => {
    const { page, errors } = await testBed.signIn('staff.beilun');
    await page.goto('/#/no/such/page');
    await page.getByTestId('not-found').waitFor();
    await page.getByTestId('not-found-home').click();
    await waitForListLoaded(page);
    expect(routeOf(page).path).toBe('/specimens');
    expect(errors).toEqual([]);
  });
});
