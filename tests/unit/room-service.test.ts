import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RoomRole } from '../../api/domain/vocabulary.js';
import type { LiveRooms } from '../../api/services/room.service.js';
import { roomServiceOnFakes } from '../helpers/fakes/services.js';

// Who may open, see, join, enrol in, end and record in live rooms (ADR 0009), decided by RoomService alone: the
// repositories are in memory (tests/helpers/fakes), the organisation is the demo one. The integration tests
// (tests/integration/rooms-api.test.ts) check the same rules through HTTP on real databases.

/** A refusal as the API answers it: its status and error code. */
const refused = (statusCode: number, code: string) => ({ statusCode, code });

describe('RoomService', () => {
  let world: ReturnType<typeof roomServiceOnFakes>;
  /** What the live rooms of this process hold: the rooms closed through the service. */
  let closedLive: string[];
  const actor = (username: string) => world.organisation.actor(username);

  beforeEach(() => {
    closedLive = [];
    const live: LiveRooms = { find: async (roomId) => ({ peers: new Map([['peer', {}]]), close: () => void closedLive.push(roomId) }) };
    world = roomServiceOnFakes(() => live);
    world.organisation.addPerson('trainee.district', 'trainee', 'NINGBO');
    world.organisation.addPerson('trainee.beilun', 'trainee', 'BEILUN');
    world.organisation.addPerson('trainee.yangshan', 'trainee', 'YANGSHAN');
    world.organisation.addPerson('trainee.gone', 'trainee', 'NINGBO', { disabled: true });
  });

  const consultationAs = async (username: string, specimenId = world.specimens.add('staff.beilun', 'CNNGB-BL').id) =>
    world.service.create(actor(username), { kind: 'consultation', specimenId });
  const classAs = (username: string, trainees: string[] = []) =>
    world.service.create(actor(username), { kind: 'class', title: 'Larvae', trainees: trainees.map((trainee) => actor(trainee).id) });

  describe('opening a room', () => {
    it('lets experts and administrators open them, and refuses staff and trainees (403) without writing anything', async () => {
      const specimen = world.specimens.add('staff.beilun', 'CNNGB-BL');
      await expect(consultationAs('staff.beilun', specimen.id)).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(classAs('trainee.ningbo')).rejects.toMatchObject(refused(403, 'forbidden'));
      expect(world.transaction.actions()).toEqual([]);
      await consultationAs('expert.ningbo', specimen.id);
      await classAs('admin');
      expect(world.transaction.actions()).toEqual(['room.create', 'room.create']);
    });

    it("puts a consultation in its specimen's unit, hosted by its creator, titled after the specimen unless given a title", async () => {
      const specimen = world.specimens.add('staff.beilun', 'CNNGB-BL');
      const room = await consultationAs('expert.ningbo', specimen.id);
      expect(room).toMatchObject({
        kind: 'consultation',
        specimenId: specimen.id,
        unitId: specimen.unitId,
        endedAt: null,
        createdBy: { username: 'expert.ningbo' },
      });
      expect(room.title).toBe('Consultation: CNNGB-BL specimen of 2026-11-20');
      expect(
        (await world.service.get(actor('expert.ningbo'), room.id)).participants.map((participant) => [
          participant.user.username,
          participant.role,
        ]),
      ).toEqual([['expert.ningbo', 'host']]);
      const titled = await world.service.create(actor('admin'), { kind: 'consultation', specimenId: specimen.id, title: 'Aedes?' });
      expect(titled.title).toBe('Aedes?');
    });

    it("answers a specimen outside the expert's scope exactly like a missing one (404)", async () => {
      const yangshan = world.specimens.add('staff.yangshan', 'CNSHA-YS');
      const outside = await consultationAs('expert.ningbo', yangshan.id).catch((error: unknown) => error);
      const missing = await consultationAs('expert.ningbo', randomUUID()).catch((error: unknown) => error);
      expect(outside).toMatchObject(refused(404, 'not_found'));
      expect(outside).toEqual(missing);
      await expect(consultationAs('expert.hq', yangshan.id)).resolves.toMatchObject({ specimenId: yangshan.id });
    });

    it("opens a class in its creator's unit with each trainee enrolled once", async () => {
      const room = await classAs('expert.ningbo', ['trainee.ningbo', 'trainee.beilun', 'trainee.ningbo']);
      expect(room).toMatchObject({ kind: 'class', specimenId: null, unitId: world.organisation.unit('NINGBO').id });
      const { participants } = await world.service.get(actor('expert.ningbo'), room.id);
      expect(participants.map((participant) => [participant.user.username, participant.role])).toEqual([
        ['expert.ningbo', 'host'],
        ['trainee.ningbo', 'trainee'],
        ['trainee.beilun', 'trainee'],
      ]);
    });

    it('enrols only active trainees the creator can see (422 naming the others), and opens nothing then', async () => {
      const idsOf = (...usernames: string[]) => usernames.map((username) => actor(username).id);
      await expect(classAs('expert.ningbo', ['trainee.ningbo', 'staff.beilun'])).rejects.toMatchObject({
        ...refused(422, 'not_a_trainee'),
        details: { userIds: idsOf('staff.beilun') },
      });
      await expect(classAs('expert.ningbo', ['trainee.yangshan', 'trainee.gone', 'trainee.ningbo'])).rejects.toMatchObject({
        ...refused(422, 'unknown_user'),
        details: { userIds: idsOf('trainee.yangshan', 'trainee.gone') },
      });
      const missing = randomUUID();
      await expect(world.service.create(actor('expert.ningbo'), { kind: 'class', title: 'x', trainees: [missing] })).rejects.toMatchObject({
        ...refused(422, 'unknown_user'),
        details: { userIds: [missing] },
      });
      expect(world.transaction.actions()).toEqual([]);
      expect((await world.service.list(actor('admin'), {}, { limit: 10, offset: 0 })).total).toBe(0);
    });
  });

  describe('room tokens', () => {
    const roleOf = async (username: string, roomId: string): Promise<RoomRole | { statusCode: number; code: string }> =>
      world.service.token(actor(username), roomId).then(
        (token) => token.role,
        (error: { statusCode: number; code: string }) => refused(error.statusCode, error.code),
      );

    it("gives a consultation's creator and administrators host, other experts and staff in scope participant; refuses trainees; hides it from others", async () => {
      const room = await consultationAs('expert.ningbo');
      const roles = Object.fromEntries(
        await Promise.all(
          ['expert.ningbo', 'admin', 'expert.hq', 'staff.beilun', 'trainee.ningbo', 'staff.airport', 'staff.yangshan'].map(
            async (username) => [username, await roleOf(username, room.id)],
          ),
        ),
      );
      expect(roles).toEqual({
        'expert.ningbo': 'host',
        admin: 'host',
        'expert.hq': 'participant',
        'staff.beilun': 'participant',
        'trainee.ningbo': refused(403, 'forbidden'),
        'staff.airport': refused(404, 'not_found'),
        'staff.yangshan': refused(404, 'not_found'),
      });
    });

    it("gives a class's presenter and administrators host, its enrolled trainees trainee, and refuses the rest", async () => {
      const room = await classAs('expert.ningbo', ['trainee.ningbo']);
      const roles = Object.fromEntries(
        await Promise.all(
          ['expert.ningbo', 'admin', 'trainee.ningbo', 'trainee.district', 'expert.hq', 'trainee.beilun', 'staff.yangshan'].map(
            async (username) => [username, await roleOf(username, room.id)],
          ),
        ),
      );
      expect(roles).toEqual({
        'expert.ningbo': 'host',
        admin: 'host',
        'trainee.ningbo': 'trainee',
        // They see the class (it is in their unit's scope) but are not enrolled in it.
        'trainee.district': refused(403, 'forbidden'),
        'expert.hq': refused(403, 'forbidden'),
        'trainee.beilun': refused(404, 'not_found'),
        'staff.yangshan': refused(404, 'not_found'),
      });
    });

    it('lets a trainee enrolled in a class outside their scope see it and join it', async () => {
      const room = await classAs('expert.hq', ['trainee.yangshan']);
      expect(await roleOf('trainee.yangshan', room.id)).toBe('trainee');
      expect(await roleOf('staff.yangshan', room.id)).toEqual(refused(404, 'not_found'));
    });

    it('signs what the token vouches for: the person, the room, their role and its kind, for ten minutes', async () => {
      const room = await consultationAs('expert.ningbo');
      const before = Date.now();
      const answer = await world.service.token(actor('staff.beilun'), room.id);
      expect(answer).toMatchObject({ roomId: room.id, kind: 'consultation', role: 'participant' });
      expect(world.tokens.verify(answer.token)).toEqual({
        sub: actor('staff.beilun').id,
        room: room.id,
        role: 'participant',
        kind: 'consultation',
      });
      expect(answer.expiresAt.getTime() - before).toBeGreaterThanOrEqual(600_000 - 1000);
      expect(answer.expiresAt.getTime() - before).toBeLessThanOrEqual(600_000 + 1000);
    });

    it('issues none for an ended room (409), while whoever may not join at all still hears 403', async () => {
      const room = await consultationAs('expert.ningbo');
      await world.service.end(actor('expert.ningbo'), room.id);
      expect(await roleOf('expert.ningbo', room.id)).toEqual(refused(409, 'room_ended'));
      expect(await roleOf('staff.beilun', room.id)).toEqual(refused(409, 'room_ended'));
      expect(await roleOf('trainee.ningbo', room.id)).toEqual(refused(403, 'forbidden'));
      expect(await roleOf('staff.yangshan', room.id)).toEqual(refused(404, 'not_found'));
    });

    it('admits to the signalling only the person a token was issued to, and decides their role again', async () => {
      const room = await classAs('expert.ningbo', ['trainee.ningbo']);
      const { token } = await world.service.token(actor('trainee.ningbo'), room.id);
      await expect(world.service.admit(actor('trainee.district'), token)).rejects.toMatchObject(refused(401, 'unauthorized'));
      await expect(world.service.admit(actor('trainee.ningbo'), 'not-a-token')).rejects.toMatchObject(refused(401, 'unauthorized'));
      expect(await world.service.admit(actor('trainee.ningbo'), token)).toMatchObject({
        roomId: room.id,
        kind: 'class',
        role: 'trainee',
        userId: actor('trainee.ningbo').id,
      });
      await world.service.end(actor('admin'), room.id);
      await expect(world.service.admit(actor('trainee.ningbo'), token)).rejects.toMatchObject(refused(409, 'room_ended'));
    });
  });

  describe('enrolling trainees', () => {
    const enrol = (username: string, roomId: string, trainee: string) => world.service.enrol(actor(username), roomId, actor(trainee).id);

    it('lets the presenter or an administrator enrol a trainee of their scope in a class, once', async () => {
      const room = await classAs('expert.ningbo');
      await expect(enrol('expert.hq', room.id, 'trainee.beilun')).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(enrol('staff.beilun', room.id, 'trainee.beilun')).rejects.toMatchObject(refused(404, 'not_found'));
      await expect(enrol('expert.ningbo', room.id, 'staff.beilun')).rejects.toMatchObject(refused(422, 'not_a_trainee'));
      await expect(enrol('expert.ningbo', room.id, 'trainee.yangshan')).rejects.toMatchObject(refused(422, 'unknown_user'));
      expect(world.transaction.actions()).toEqual(['room.create']);

      expect(await enrol('expert.ningbo', room.id, 'trainee.beilun')).toMatchObject({
        created: true,
        participant: { role: 'trainee', user: { username: 'trainee.beilun' } },
      });
      expect(await enrol('admin', room.id, 'trainee.beilun')).toMatchObject({ created: false });
      expect(world.transaction.actions()).toEqual(['room.create', 'room.enrol']);
      expect((await world.service.token(actor('trainee.beilun'), room.id)).role).toBe('trainee');
    });

    it('enrols nobody in a consultation (422) or in a class that has ended (409)', async () => {
      const consultation = await consultationAs('expert.ningbo');
      await expect(enrol('expert.ningbo', consultation.id, 'trainee.ningbo')).rejects.toMatchObject(refused(422, 'not_a_class'));
      const ended = await classAs('admin');
      await world.service.end(actor('admin'), ended.id);
      await expect(enrol('admin', ended.id, 'trainee.ningbo')).rejects.toMatchObject(refused(409, 'room_ended'));
    });
  });

  describe('ending a room', () => {
    it('lets its host or an administrator end it once, sending everyone in the live room home', async () => {
      const room = await consultationAs('expert.ningbo');
      await expect(world.service.end(actor('staff.beilun'), room.id)).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(world.service.end(actor('expert.hq'), room.id)).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(world.service.end(actor('staff.yangshan'), room.id)).rejects.toMatchObject(refused(404, 'not_found'));
      expect(closedLive).toEqual([]);

      const ended = await world.service.end(actor('expert.ningbo'), room.id);
      expect(ended.endedAt).toBeInstanceOf(Date);
      expect(closedLive).toEqual([room.id]);
      await expect(world.service.end(actor('admin'), room.id)).rejects.toMatchObject(refused(409, 'room_ended'));
      expect(world.transaction.actions()).toEqual(['room.create', 'room.end']);
    });
  });

  describe('the identification agreed in a consultation', () => {
    const aedes = { group: 'mosquito', taxon: 'Aedes albopictus', lifeStage: 'adult', confidence: 0.9, notes: null };

    it("is recorded by the consultation's host (or an administrator) into the specimen's history, also after the room ended", async () => {
      const specimen = world.specimens.add('staff.beilun', 'CNNGB-BL');
      const room = await consultationAs('expert.ningbo', specimen.id);
      const updated: string[] = [];
      world.events.on('specimen.updated', (record) => updated.push(record.id));

      await expect(world.service.identify(actor('expert.hq'), room.id, aedes)).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(world.service.identify(actor('staff.beilun'), room.id, aedes)).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(world.service.identify(actor('staff.yangshan'), room.id, aedes)).rejects.toMatchObject(refused(404, 'not_found'));
      expect(updated).toEqual([]);

      const entry = await world.service.identify(actor('expert.ningbo'), room.id, aedes);
      expect(entry).toMatchObject({ source: 'expert', taxon: 'Aedes albopictus', roomId: room.id, author: { username: 'expert.ningbo' } });
      expect(updated).toEqual([specimen.id]);
      await world.service.end(actor('expert.ningbo'), room.id);
      await world.service.identify(actor('admin'), room.id, { ...aedes, taxon: 'Aedes aegypti' });
      const { identifications } = (await world.specimens.findInScope(specimen.id, { all: true }))!;
      expect(identifications.map((item) => [item.taxon, item.author?.username])).toEqual([
        ['Aedes aegypti', 'admin'],
        ['Aedes albopictus', 'expert.ningbo'],
      ]);
    });

    it('is refused in a class (422) and for a taxon outside the taxonomy or its group (422)', async () => {
      const aClass = await classAs('expert.ningbo');
      await expect(world.service.identify(actor('expert.ningbo'), aClass.id, aedes)).rejects.toMatchObject(
        refused(422, 'not_a_consultation'),
      );
      const room = await consultationAs('expert.ningbo');
      await expect(world.service.identify(actor('expert.ningbo'), room.id, { ...aedes, taxon: 'Aedes imaginarius' })).rejects.toMatchObject(
        refused(422, 'unknown_taxon'),
      );
      await expect(world.service.identify(actor('expert.ningbo'), room.id, { ...aedes, group: 'tick' })).rejects.toMatchObject(
        refused(422, 'taxon_group_mismatch'),
      );
      expect(world.transaction.actions()).toEqual(['room.create', 'room.create']);
    });
  });
});
