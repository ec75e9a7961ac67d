import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type Appointment, type AppointmentBody, type Lab, type LabSlot } from '../../api/contract/index.js';
import { as, type Client, type Response } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `sample submission appointments on ${backend.name} ${backend.availability.reason}`,
    () => {
      let t: TestServer;
      let ningboLab: Lab;
      let shanghaiLab: Lab;
      /** Midnight UTC two days ahead: every slot of this file starts after it, one hour apart, so none overlap. */
      let base: Date;
      let nextHour = 0;

      beforeAll(async () => {
        // Appointments alone: identification of the linked specimens is tested elsewhere.
        t = await startTestServer(backend.name, { env: { IDENTIFY_JOBS_IN_API: 'false' } });
        const labs = (await (await as(t, 'admin')).listLabs()).json().items;
        ningboLab = labs.find((lab) => lab.unit.code === 'NINGBO')!;
        shanghaiLab = labs.find((lab) => lab.unit.code === 'SHANGHAI')!;
        base = new Date(Math.ceil((Date.now() + 2 * DAY) / DAY) * DAY);
      });
      afterAll(() => t?.close());

      const expectError = (response: Pick<Response, 'statusCode' | 'body' | 'error'>, status: number, code: string) => {
        expect(response.statusCode, response.body).toBe(status);
        expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
      };
      /** A free hour of the test's calendar (two, three … for longer slots). */
      const hours = (count = 1) => {
        const startsAt = new Date(base.getTime() + nextHour * HOUR);
        nextHour += count;
        return { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + count * HOUR).toISOString() };
      };
      const slotAt = async (lab: Lab, capacity: number, manager = lab === ningboLab ? 'expert.ningbo' : 'expert.hq'): Promise<LabSlot> => {
        const response = await (await as(t, manager)).createLabSlot({ params: { id: lab.id }, body: { ...hours(), capacity } });
        expect(response.statusCode, response.body).toBe(201);
        return response.json();
      };
      const book = async (username: string, body: AppointmentBody): Promise<Appointment> => {
        const response = await (await as(t, username)).createAppointment({ body });
        expect(response.statusCode, response.body).toBe(201);
        return response.json();
      };
      const slotRow = (id: string) =>
        t.database.db.selectFrom('lab_slots').select(['booked', 'capacity']).where('id', '=', id).executeTakeFirstOrThrow();
      const bookedIn = async (slotId: string) =>
        (await t.database.db.selectFrom('appointments').select('id').where('slot_id', '=', slotId).where('status', '=', 'booked').execute())
          .length;
      /** Every slot's count equals its booked appointments: what no interleaving of requests may break. */
      const expectCountsConsistent = async () => {
        const { rows } = await sql<{ id: string; booked: number; appointments: number }>`
        select lab_slots.id, lab_slots.booked,
          (select count(*) from appointments where appointments.slot_id = lab_slots.id and status = 'booked')::int as appointments
        from lab_slots`.execute(t.database.db);
        expect(rows.filter((row) => row.booked !== row.appointments)).toEqual([]);
      };
      /** Moves a slot into the past as time would (the API refuses to publish one). */
      const start = (slotId: string) =>
        sql`update lab_slots set starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' where id = ${slotId}`.execute(
          t.database.db,
        );
      const specimenOf = async (username: string, portCode: string, seed: number) => {
        const response = await uploadSpecimen(await as(t, username), validMetadata({ portCode }), [
          { name: 'trap.jpg', data: await jpegImage(seed) },
        ]);
        expect(response.statusCode, response.body).toBe(201);
        return response.json().id;
      };

      describe('labs', () => {
        const labsOf = async (username: string) =>
          (await (await as(t, username)).listLabs())
            .json()
            .items.map((lab) => ({ unit: lab.unit.code, canBook: lab.canBook, canManage: lab.canManage }));

        it('lists the labs that serve the caller’s unit and those the caller manages, one per demo district', async () => {
          expect(await labsOf('staff.beilun')).toEqual([{ unit: 'NINGBO', canBook: true, canManage: false }]);
          expect(await labsOf('staff.airport')).toEqual([{ unit: 'NINGBO', canBook: true, canManage: false }]);
          expect(await labsOf('staff.yangshan')).toEqual([{ unit: 'SHANGHAI', canBook: true, canManage: false }]);
          expect(await labsOf('expert.ningbo')).toEqual([{ unit: 'NINGBO', canBook: true, canManage: true }]);
          expect(await labsOf('trainee.ningbo')).toEqual([{ unit: 'NINGBO', canBook: false, canManage: false }]);
          // Headquarters is above every district: its expert manages Shanghai's lab and books at none.
          expect(await labsOf('expert.hq')).toEqual([{ unit: 'SHANGHAI', canBook: false, canManage: true }]);
          expect((await labsOf('admin')).sort((a, b) => a.unit.localeCompare(b.unit))).toEqual([
            { unit: 'NINGBO', canBook: false, canManage: true },
            { unit: 'SHANGHAI', canBook: false, canManage: true },
          ]);
        });

        it('keeps the seed idempotent: seeding again adds no lab and no manager twice', async () => {
          const { seedDemoUsers, seedFirstStart } = await import('../../api/seed/demo-organisation.js');
          const count = async () => ({
            labs: (await t.database.db.selectFrom('labs').select('id').execute()).length,
            managers: (await t.database.db.selectFrom('lab_managers').select('user_id').execute()).length,
          });
          const before = await count();
          await seedFirstStart(t.database.db, 'unused', t.app.log);
          await seedDemoUsers(t.database.db, 'unused');
          expect(await count()).toEqual(before);
          expect(before).toEqual({ labs: 2, managers: 2 });
        });
      });

      describe('slots', () => {
        it('lets the lab’s managers and administrators publish slots, audited', async () => {
          const slot = await slotAt(ningboLab, 3);
          expect(slot).toMatchObject({ labId: ningboLab.id, capacity: 3, booked: 0, free: 3, createdBy: { username: 'expert.ningbo' } });
          const byAdmin = await (await as(t, 'admin')).createLabSlot({ params: { id: shanghaiLab.id }, body: { ...hours(), capacity: 1 } });
          expect(byAdmin.statusCode, byAdmin.body).toBe(201);
          const audit = await t.database.db
            .selectFrom('audit_log')
            .select(['action', 'after'])
            .where('entity_type', '=', 'lab_slot')
            .where('entity_id', '=', slot.id)
            .execute();
          expect(audit).toEqual([
            { action: 'lab_slot.created', after: { labId: ningboLab.id, startsAt: slot.startsAt, endsAt: slot.endsAt, capacity: 3 } },
          ]);
        });

        it('refuses people who do not manage the lab, times that make no slot, and overlaps', async () => {
          const manager = await as(t, 'expert.ningbo');
          expectError(
            await (await as(t, 'staff.beilun')).createLabSlot({ params: { id: ningboLab.id }, body: { ...hours(), capacity: 1 } }),
            403,
            'forbidden',
          );
          // Another district's manager does not even see the lab.
          expectError(
            await (await as(t, 'expert.hq')).createLabSlot({ params: { id: ningboLab.id }, body: { ...hours(), capacity: 1 } }),
            404,
            'not_found',
          );
          const { startsAt, endsAt } = hours(2);
          expectError(
            await manager.createLabSlot({ params: { id: ningboLab.id }, body: { startsAt: endsAt, endsAt: startsAt, capacity: 1 } }),
            422,
            'invalid_slot_times',
          );
          expectError(
            await manager.createLabSlot({ params: { id: ningboLab.id }, body: { startsAt, endsAt: startsAt, capacity: 1 } }),
            422,
            'invalid_slot_times',
          );
          const past = { startsAt: new Date(Date.now() - HOUR).toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() };
          expectError(await manager.createLabSlot({ params: { id: ningboLab.id }, body: { ...past, capacity: 1 } }), 422, 'slot_in_past');
          expectError(
            await manager.send(endpoints.createLabSlot, { params: { id: ningboLab.id }, body: { startsAt, endsAt, capacity: 0 } }),
            400,
            'validation_failed',
          );
          const first = await manager.createLabSlot({ params: { id: ningboLab.id }, body: { startsAt, endsAt, capacity: 2 } });
          expect(first.statusCode, first.body).toBe(201);
          const halfway = new Date(new Date(startsAt).getTime() + HOUR / 2).toISOString();
          const overlapping = await manager.createLabSlot({
            params: { id: ningboLab.id },
            body: { startsAt: halfway, endsAt, capacity: 1 },
          });
          expectError(overlapping, 409, 'slot_overlaps');
          expect(overlapping.error().details).toEqual({ slotIds: [first.json().id] });
          // The same hour at another lab is no overlap.
          expect(
            (await (await as(t, 'expert.hq')).createLabSlot({ params: { id: shanghaiLab.id }, body: { startsAt, endsAt, capacity: 1 } }))
              .statusCode,
          ).toBe(201);
        });
      });

      describe('booking', () => {
        it('books a place for the caller’s unit with notes and specimens, audited', async () => {
          const slot = await slotAt(ningboLab, 2);
          const specimenId = await specimenOf('staff.beilun', 'CNNGB-BL', 11);
          const appointment = await book('staff.beilun', { slotId: slot.id, notes: 'two cool boxes', specimenIds: [specimenId] });
          expect(appointment).toMatchObject({
            status: 'booked',
            slot: { id: slot.id, labId: ningboLab.id, startsAt: slot.startsAt, endsAt: slot.endsAt },
            lab: { id: ningboLab.id, nameEn: ningboLab.nameEn },
            unit: { code: 'BEILUN' },
            bookedBy: { username: 'staff.beilun' },
            notes: 'two cool boxes',
            specimenIds: [specimenId],
            cancelledAt: null,
            cancelledBy: null,
          });
          expect(await slotRow(slot.id)).toEqual({ booked: 1, capacity: 2 });
          const audit = await t.database.db
            .selectFrom('audit_log')
            .select(['action', 'after'])
            .where('entity_id', '=', appointment.id)
            .execute();
          expect(audit).toMatchObject([{ action: 'appointment.booked', after: { slotId: slot.id, specimenIds: [specimenId] } }]);
          expect((await (await as(t, 'staff.beilun')).getAppointment({ params: { id: appointment.id } })).json()).toEqual(appointment);
        });

        it('refuses trainees, other districts’ labs, unknown slots, started slots, specimens out of scope and full slots — leaving nothing behind', async () => {
          const slot = await slotAt(ningboLab, 1);
          const shanghaiSlot = await slotAt(shanghaiLab, 1);
          const started = await slotAt(ningboLab, 5);
          await start(started.id);
          const yangshanSpecimen = await specimenOf('staff.yangshan', 'CNSHA-YS', 12);
          const appointmentsBefore = (await t.database.db.selectFrom('appointments').select('id').execute()).length;

          expectError(await (await as(t, 'trainee.ningbo')).createAppointment({ body: { slotId: slot.id } }), 403, 'forbidden');
          expectError(await (await as(t, 'staff.yangshan')).createAppointment({ body: { slotId: slot.id } }), 403, 'lab_out_of_scope');
          expectError(
            await (await as(t, 'staff.beilun')).createAppointment({ body: { slotId: shanghaiSlot.id } }),
            403,
            'lab_out_of_scope',
          );
          expectError(await (await as(t, 'staff.beilun')).createAppointment({ body: { slotId: crypto.randomUUID() } }), 404, 'not_found');
          expectError(await (await as(t, 'staff.beilun')).createAppointment({ body: { slotId: started.id } }), 422, 'slot_in_past');
          const outOfScope = await (
            await as(t, 'staff.beilun')
          ).createAppointment({ body: { slotId: slot.id, specimenIds: [yangshanSpecimen] } });
          expectError(outOfScope, 422, 'unknown_specimen');
          expect(outOfScope.error().details).toEqual({ specimenIds: [yangshanSpecimen] });
          expect(
            (await (await as(t, 'staff.beilun')).send(endpoints.createAppointment, { body: { slotId: slot.id, extra: 1 } })).statusCode,
          ).toBe(400);
          expect(await slotRow(slot.id)).toEqual({ booked: 0, capacity: 1 });

          await book('staff.airport', { slotId: slot.id });
          expectError(await (await as(t, 'staff.beilun')).createAppointment({ body: { slotId: slot.id } }), 409, 'slot_full');
          expect(await slotRow(slot.id)).toEqual({ booked: 1, capacity: 1 });
          expect((await t.database.db.selectFrom('appointments').select('id').execute()).length).toBe(appointmentsBefore + 1);
          await expectCountsConsistent();
        });
      });

      describe('changing and cancelling', () => {
        it('moves an appointment to another slot, taking the new place and freeing the old one at once', async () => {
          const from = await slotAt(ningboLab, 1);
          const to = await slotAt(ningboLab, 1);
          const specimenId = await specimenOf('staff.beilun', 'CNNGB-BL', 13);
          const appointment = await book('staff.beilun', { slotId: from.id, notes: 'first' });
          const moved = await (
            await as(t, 'staff.beilun')
          ).updateAppointment({
            params: { id: appointment.id },
            body: { slotId: to.id, notes: null, specimenIds: [specimenId] },
          });
          expect(moved.statusCode, moved.body).toBe(200);
          expect(moved.json()).toMatchObject({ slot: { id: to.id }, notes: null, specimenIds: [specimenId], status: 'booked' });
          expect(await slotRow(from.id)).toMatchObject({ booked: 0 });
          expect(await slotRow(to.id)).toMatchObject({ booked: 1 });
          // The district's expert acts for its ports too; the old slot is free for someone else.
          const back = await (
            await as(t, 'expert.ningbo')
          ).updateAppointment({ params: { id: appointment.id }, body: { notes: 'by the district' } });
          expect(back.json()).toMatchObject({ slot: { id: to.id }, notes: 'by the district', specimenIds: [specimenId] });
          await book('staff.airport', { slotId: from.id });
          const audit = await t.database.db
            .selectFrom('audit_log')
            .select(['action', 'before', 'after'])
            .where('entity_id', '=', appointment.id)
            .orderBy('at')
            .execute();
          expect(audit.map((entry) => entry.action)).toEqual(['appointment.booked', 'appointment.changed', 'appointment.changed']);
          expect(audit[1]).toMatchObject({
            before: { slotId: from.id, notes: 'first', specimenIds: [] },
            after: { slotId: to.id, notes: null, specimenIds: [specimenId] },
          });
          await expectCountsConsistent();
        });

        it('refuses moves to a full slot, another district’s lab or a started slot, and leaves the appointment where it was', async () => {
          const home = await slotAt(ningboLab, 1);
          const full = await slotAt(ningboLab, 1);
          const started = await slotAt(ningboLab, 1);
          const shanghaiSlot = await slotAt(shanghaiLab, 1);
          await start(started.id);
          const appointment = await book('staff.beilun', { slotId: home.id });
          await book('staff.airport', { slotId: full.id });
          const staff = await as(t, 'staff.beilun');
          const move = (slotId: string) => staff.updateAppointment({ params: { id: appointment.id }, body: { slotId, notes: 'moved' } });
          expectError(await move(full.id), 409, 'slot_full');
          expectError(await move(shanghaiSlot.id), 403, 'lab_out_of_scope');
          expectError(await move(started.id), 422, 'slot_in_past');
          expectError(await move(crypto.randomUUID()), 404, 'not_found');
          expect((await staff.getAppointment({ params: { id: appointment.id } })).json()).toMatchObject({
            slot: { id: home.id },
            notes: null,
          });
          expect(await slotRow(home.id)).toMatchObject({ booked: 1 });
          expect(await slotRow(full.id)).toMatchObject({ booked: 1 });
          await expectCountsConsistent();
        });

        it('lets the booking unit’s people change and cancel, the lab’s managers cancel, and no one else', async () => {
          const slot = await slotAt(ningboLab, 2);
          const appointment = await book('staff.beilun', { slotId: slot.id });
          const params = { id: appointment.id };
          // Another unit's and another district's staff do not see it at all.
          for (const username of ['staff.airport', 'staff.yangshan']) {
            expectError(await (await as(t, username)).getAppointment({ params }), 404, 'not_found');
            expectError(await (await as(t, username)).cancelAppointment({ params }), 404, 'not_found');
          }
          // Trainees of the district see it and may do nothing with it.
          expect((await (await as(t, 'trainee.ningbo')).getAppointment({ params })).statusCode).toBe(200);
          expectError(await (await as(t, 'trainee.ningbo')).updateAppointment({ params, body: { notes: 'no' } }), 403, 'forbidden');
          expectError(await (await as(t, 'trainee.ningbo')).cancelAppointment({ params }), 403, 'forbidden');
          // A manager of the lab from outside the booking unit's scope sees it and may cancel it, but it is not theirs to change.
          const { id: airportId } = await t.database.db
            .selectFrom('users')
            .select('id')
            .where('username', '=', 'staff.airport')
            .executeTakeFirstOrThrow();
          await t.database.db.insertInto('lab_managers').values({ lab_id: ningboLab.id, user_id: airportId }).execute();
          try {
            const manager = await as(t, 'staff.airport');
            expect((await manager.getAppointment({ params })).statusCode).toBe(200);
            expectError(await manager.updateAppointment({ params, body: { notes: 'no' } }), 403, 'forbidden');
            const cancelled = await manager.cancelAppointment({ params });
            expect(cancelled.statusCode, cancelled.body).toBe(200);
            expect(cancelled.json()).toMatchObject({
              status: 'cancelled',
              cancelledBy: { username: 'staff.airport' },
              cancelledAt: expect.any(String),
            });
            expect(await slotRow(slot.id)).toMatchObject({ booked: 0 });
          } finally {
            await t.database.db.deleteFrom('lab_managers').where('user_id', '=', airportId).execute();
          }
        });

        it('cancels once, frees the place, and then refuses changes; appointments whose slot started stay as they are', async () => {
          const slot = await slotAt(ningboLab, 1);
          const appointment = await book('staff.beilun', { slotId: slot.id });
          const staff = await as(t, 'staff.beilun');
          const params = { id: appointment.id };
          const cancelled = await staff.cancelAppointment({ params });
          expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelledBy: { username: 'staff.beilun' } });
          expect(await slotRow(slot.id)).toMatchObject({ booked: 0 });
          expectError(await staff.cancelAppointment({ params }), 409, 'appointment_cancelled');
          expectError(await staff.updateAppointment({ params, body: { notes: 'again' } }), 409, 'appointment_cancelled');
          // Its place went to someone else.
          const next = await book('staff.airport', { slotId: slot.id });
          await start(slot.id);
          expectError(await (await as(t, 'staff.airport')).cancelAppointment({ params: { id: next.id } }), 422, 'appointment_started');
          expectError(
            await (await as(t, 'staff.airport')).updateAppointment({ params: { id: next.id }, body: { notes: 'late' } }),
            422,
            'appointment_started',
          );
          expect(await slotRow(slot.id)).toMatchObject({ booked: 1 });
          await expectCountsConsistent();
        });
      });

      describe('schedules and lists', () => {
        let dayStart: Date;
        let slots: LabSlot[];

        beforeAll(async () => {
          // A day of its own, ten days on: three slots in it and one the next day.
          dayStart = new Date(base.getTime() + 10 * DAY);
          const manager = await as(t, 'expert.ningbo');
          slots = [];
          for (const [offset, capacity] of [
            [9 * HOUR, 3],
            [11 * HOUR, 2],
            [14 * HOUR, 1],
            [DAY + 9 * HOUR, 4],
          ] as const) {
            const startsAt = new Date(dayStart.getTime() + offset);
            const response = await manager.createLabSlot({
              params: { id: ningboLab.id },
              body: { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + HOUR).toISOString(), capacity },
            });
            slots.push(response.json());
          }
          await book('staff.beilun', { slotId: slots[0]!.id, notes: 'beilun' });
          await book('staff.airport', { slotId: slots[0]!.id, notes: 'airport' });
          await book('staff.airport', { slotId: slots[3]!.id });
        });

        const schedule = async (username: string, from: Date, to: Date) => {
          const response = await (
            await as(t, username)
          ).getLabSchedule({
            params: { id: ningboLab.id },
            query: { from: from.toISOString(), to: to.toISOString() },
          });
          expect(response.statusCode, response.body).toBe(200);
          return response.json();
        };

        it('shows the lab’s managers a day and a week with every appointment', async () => {
          const day = await schedule('expert.ningbo', dayStart, new Date(dayStart.getTime() + DAY));
          expect(day.lab).toMatchObject({ id: ningboLab.id, canManage: true });
          expect(day.slots.map((slot) => [slot.id, slot.capacity, slot.booked, slot.free])).toEqual([
            [slots[0]!.id, 3, 2, 1],
            [slots[1]!.id, 2, 0, 2],
            [slots[2]!.id, 1, 0, 1],
          ]);
          expect(day.slots[0]!.appointments.map((appointment) => [appointment.unit.code, appointment.notes])).toEqual([
            ['BEILUN', 'beilun'],
            ['NINGBO-AIRPORT', 'airport'],
          ]);
          const week = await schedule('expert.ningbo', dayStart, new Date(dayStart.getTime() + 7 * DAY));
          expect(week.slots.map((slot) => slot.id)).toEqual(slots.map((slot) => slot.id));
          expect((await schedule('admin', dayStart, new Date(dayStart.getTime() + DAY))).slots[0]!.appointments).toHaveLength(2);
        });

        it('shows bookers the free places and only their own unit’s appointments', async () => {
          const day = await schedule('staff.beilun', dayStart, new Date(dayStart.getTime() + DAY));
          expect(day.lab).toMatchObject({ canBook: true, canManage: false });
          expect(day.slots.map((slot) => slot.free)).toEqual([1, 2, 1]);
          expect(day.slots[0]!.appointments.map((appointment) => appointment.unit.code)).toEqual(['BEILUN']);
          const district = await schedule('expert.ningbo', dayStart, new Date(dayStart.getTime() + DAY));
          expect(district.slots[0]!.appointments).toHaveLength(2);
        });

        it('refuses schedules of labs that are none of the caller’s, and periods that are empty or longer than a month', async () => {
          const query = { from: dayStart.toISOString(), to: new Date(dayStart.getTime() + DAY).toISOString() };
          expectError(await (await as(t, 'staff.yangshan')).getLabSchedule({ params: { id: ningboLab.id }, query }), 404, 'not_found');
          const expert = await as(t, 'expert.ningbo');
          expectError(
            await expert.getLabSchedule({ params: { id: ningboLab.id }, query: { from: query.to, to: query.from } }),
            400,
            'invalid_range',
          );
          const tooLong = { from: query.from, to: new Date(dayStart.getTime() + 32 * DAY).toISOString() };
          expectError(await expert.getLabSchedule({ params: { id: ningboLab.id }, query: tooLong }), 400, 'invalid_range');
          expect(
            (await expert.send(endpoints.getLabSchedule, { params: { id: ningboLab.id }, query: { from: query.from } })).statusCode,
          ).toBe(400);
        });

        it('lists the appointments of the caller’s scope', async () => {
          const range = { from: dayStart.toISOString(), to: new Date(dayStart.getTime() + 2 * DAY).toISOString() };
          const units = async (username: string, client?: Client) =>
            (client ?? (await as(t, username)))
              .listAppointments({ query: range })
              .then((response) => response.json().items.map((item) => item.unit.code));
          expect(await units('staff.beilun')).toEqual(['BEILUN']);
          expect((await units('staff.airport')).sort()).toEqual(['NINGBO-AIRPORT', 'NINGBO-AIRPORT']);
          expect(await units('expert.ningbo')).toHaveLength(3);
          expect(await units('staff.yangshan')).toEqual([]);
          const page = (await (await as(t, 'expert.ningbo')).listAppointments({ query: { ...range, limit: 1 } })).json();
          expect(page).toMatchObject({ total: 3, limit: 1, offset: 0 });
          // The latest slot first.
          expect(page.items[0]!.slot.id).toBe(slots[3]!.id);
          expect((await (await as(t, 'staff.beilun')).listAppointments({ query: { status: 'cancelled', ...range } })).json().total).toBe(0);
        });
      });

      describe('races for the last place', () => {
        const bookers = ['staff.beilun', 'staff.airport', 'expert.ningbo'];
        /** One HTTP request per booker in turn, all sent at once. */
        const concurrently = async (count: number, request: (token: string, index: number) => Promise<globalThis.Response>) => {
          const tokens = await Promise.all(bookers.map((username) => t.tokenFor(username)));
          const responses = await Promise.all(Array.from({ length: count }, (_, index) => request(tokens[index % tokens.length]!, index)));
          return Promise.all(
            responses.map(async (response) => ({ status: response.status, body: (await response.json()) as { error?: string } })),
          );
        };
        const post = (token: string, url: string, body?: unknown) =>
          fetch(`${t.baseUrl}${url}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });

        it('gives one of eight simultaneous bookings the last place and the others 409 slot_full, round after round', async () => {
          for (let round = 0; round < 4; round += 1) {
            const slot = await slotAt(ningboLab, 3);
            await book('staff.beilun', { slotId: slot.id });
            await book('staff.airport', { slotId: slot.id });
            const answers = await concurrently(8, (token) => post(token, '/api/v1/appointments', { slotId: slot.id }));
            expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
            expect(answers.filter((answer) => answer.status === 409 && answer.body.error === 'slot_full')).toHaveLength(7);
            expect(await slotRow(slot.id)).toEqual({ booked: 3, capacity: 3 });
            expect(await bookedIn(slot.id)).toBe(3);
          }
          await expectCountsConsistent();
        });

        it('fills a slot exactly when more people ask than it has places', async () => {
          const slot = await slotAt(ningboLab, 5);
          const answers = await concurrently(12, (token) => post(token, '/api/v1/appointments', { slotId: slot.id }));
          expect(answers.filter((answer) => answer.status === 201)).toHaveLength(5);
          expect(answers.filter((answer) => answer.status === 409)).toHaveLength(7);
          expect(await slotRow(slot.id)).toEqual({ booked: 5, capacity: 5 });
          expect(await bookedIn(slot.id)).toBe(5);
        });

        it('lets one of several simultaneous moves into the last place through, each place counted once', async () => {
          const target = await slotAt(ningboLab, 1);
          const sources: LabSlot[] = [];
          const appointments: Appointment[] = [];
          for (let index = 0; index < 6; index += 1) {
            const source = await slotAt(ningboLab, 1);
            sources.push(source);
            appointments.push(await book(bookers[index % 2]!, { slotId: source.id }));
          }
          const tokens = await Promise.all(['staff.beilun', 'staff.airport'].map((username) => t.tokenFor(username)));
          const responses = await Promise.all(
            appointments.map((appointment, index) =>
              fetch(`${t.baseUrl}/api/v1/appointments/${appointment.id}`, {
                method: 'PATCH',
                headers: { authorization: `Bearer ${tokens[index % 2]!}`, 'content-type': 'application/json' },
                body: JSON.stringify({ slotId: target.id }),
              }),
            ),
          );
          const statuses = responses.map((response) => response.status);
          expect(statuses.filter((status) => status === 200)).toHaveLength(1);
          expect(statuses.filter((status) => status === 409)).toHaveLength(5);
          expect(await slotRow(target.id)).toEqual({ booked: 1, capacity: 1 });
          const stillBooked = await Promise.all(sources.map((source) => bookedIn(source.id)));
          expect(stillBooked.filter((count) => count === 0)).toHaveLength(1);
          await expectCountsConsistent();
        });

        it('cancels once when the same cancellation arrives twice at once, and a freed place goes to exactly one of the waiting', async () => {
          const slot = await slotAt(ningboLab, 1);
          const appointment = await book('staff.beilun', { slotId: slot.id });
          const token = await t.tokenFor('staff.beilun');
          const [first, second, ...bookings] = await Promise.all([
            post(token, `/api/v1/appointments/${appointment.id}/cancel`),
            post(token, `/api/v1/appointments/${appointment.id}/cancel`),
            ...Array.from({ length: 4 }, () => post(token, '/api/v1/appointments', { slotId: slot.id })),
          ]);
          expect([first!.status, second!.status].sort()).toEqual([200, 409]);
          const booked = bookings.filter((response) => response.status === 201).length;
          // Bookings that came before the cancellation found the slot full; at most one of the later ones got the place.
          expect(booked).toBeLessThanOrEqual(1);
          expect(await slotRow(slot.id)).toEqual({ booked, capacity: 1 });
          await expectCountsConsistent();
        });
      });
    },
  );
}
