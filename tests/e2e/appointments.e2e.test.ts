import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Lab, LabSlot } from '../../api/contract/index.js';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';

describeInChromium('sample submission appointments in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;
  let lab: Lab;
  /** A day ten days on where the browser is (Asia/Shanghai): its week is not today's, so the pages are reached by address. */
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 10 * 24 * 60 * 60 * 1000));
  /** That day's hour, in the browser's time. */
  const iso = (hours: number) => new Date(new Date(`${day}T00:00:00+08:00`).getTime() + hours * 60 * 60 * 1000).toISOString();

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
    const manager = await as(testBed.server, 'expert.ningbo');
    lab = (await manager.listLabs()).json().items[0]!;
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it('lets port staff book a place with a specimen, the lab see and cancel it, and staff move theirs to a new slot', async () => {
    const manager = await as(testBed.server, 'expert.ningbo');
    const created = await manager.createLabSlot({ params: { id: lab.id }, body: { startsAt: iso(9), endsAt: iso(10), capacity: 2 } });
    expect(created.statusCode, created.body).toBe(201);
    const slot: LabSlot = created.json();
    const specimen = await testBed.uploadSpecimenAs('staff.beilun', {}, [{ name: 'trap.jpg', data: await jpegImage(7, 64, 48) }]);

    // Staff find the slot in its week and book a place, bringing the specimen.
    const staff = await testBed.signIn('staff.beilun');
    await staff.page.getByTestId('nav-appointments').click();
    await staff.page.getByTestId('appointments-page').waitFor();
    await staff.page.goto(`/#/appointments?day=${day}`);
    const slotCard = staff.page.locator(`[data-testid="slot"][data-slot-id="${slot.id}"]`);
    await slotCard.getByTestId('slot-book').click();
    await staff.page.getByTestId('booking-notes').fill('one cool box');
    await staff.page.getByTestId('booking-specimen').first().check();
    await staff.page.getByTestId('booking-submit').click();
    await staff.page.getByTestId('booking-form').waitFor({ state: 'detached' });
    await slotCard.getByTestId('slot-mine').waitFor();
    const mine = staff.page.getByTestId('my-appointment');
    await mine.first().waitFor();
    expect(await mine.count()).toBe(1);
    const [booked] = (await (await as(testBed.server, 'staff.beilun')).listAppointments()).json().items;
    expect(booked).toMatchObject({ slot: { id: slot.id }, notes: 'one cool box', specimenIds: [specimen.id] });

    // Someone else takes the last place: the slot is full on the next look.
    expect((await (await as(testBed.server, 'staff.airport')).createAppointment({ body: { slotId: slot.id } })).statusCode).toBe(201);
    await staff.page.reload();
    await staff.page.locator(`[data-testid="slot"][data-slot-id="${slot.id}"][data-state="full"]`).waitFor();

    // The lab's manager sees the day with both appointments, publishes another slot, and cancels the airport's booking.
    const labPage = await testBed.signIn('expert.ningbo');
    await labPage.page.getByTestId('nav-lab-schedule').click();
    await labPage.page.getByTestId('lab-schedule-page').waitFor();
    await labPage.page.goto(`/#/lab-schedule?day=${day}&view=day`);
    const managed = labPage.page.locator(`[data-testid="slot"][data-slot-id="${slot.id}"]`);
    await managed.getByTestId('slot-appointment').nth(1).waitFor();
    await labPage.page.getByTestId('new-slot-start').fill('14:00');
    await labPage.page.getByTestId('new-slot-end').fill('15:30');
    await labPage.page.getByTestId('new-slot-capacity').fill('3');
    await labPage.page.getByTestId('new-slot-submit').click();
    await labPage.page.getByTestId('slot').nth(1).waitFor();
    const airportBooking = managed.getByTestId('slot-appointment').filter({ hasText: 'Lishe' });
    await airportBooking.getByTestId('appointment-cancel').click();
    await airportBooking.waitFor({ state: 'detached' });
    expect(await managed.getByTestId('slot-appointment').count()).toBe(1);

    // Staff move their appointment to the new slot.
    const [, afternoon] = (await manager.getLabSchedule({ params: { id: lab.id }, query: { from: iso(0), to: iso(24) } })).json().slots;
    await staff.page.reload();
    await mine.getByTestId('appointment-move').click();
    await staff.page.getByTestId('moving-notice').waitFor();
    await staff.page.locator(`[data-testid="slot"][data-slot-id="${afternoon!.id}"]`).getByTestId('slot-move-here').click();
    await staff.page.getByTestId('moving-notice').waitFor({ state: 'detached' });
    await staff.page.locator(`[data-testid="slot"][data-slot-id="${afternoon!.id}"]`).getByTestId('slot-mine').waitFor();
    const [moved] = (await (await as(testBed.server, 'staff.beilun')).listAppointments()).json().items;
    expect(moved).toMatchObject({ slot: { id: afternoon!.id }, status: 'booked' });

    for (const session of [staff, labPage]) {
      expect(session.dialogs).toEqual([]);
      expect(session.errors).toEqual([]);
    }
  });
});
