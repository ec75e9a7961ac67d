import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type NewRoom, type QueryOf, type Room, type RoomToken, type Specimen } from '../../api/contract/index.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import { DatabaseRoomRecorder } from '../../api/realtime/room-recorder.js';
import { anonymous, as, withToken, type Client, type Response } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { waitForIdentification } from '../helpers/identification.js';
import { jpegImage } from '../helpers/images.js';
import { ffmpegAvailability, mediasoupAvailability } from '../helpers/services.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const [mediasoup, ffmpeg] = await Promise.all([mediasoupAvailability(), ffmpegAvailability()]);
const recordingSkip = !mediasoup.available ? mediasoup.reason : !ffmpeg.available ? ffmpeg.reason : '';

const USERNAMES = [
  'admin',
  'expert.ningbo',
  'expert.hq',
  'staff.beilun',
  'staff.airport',
  'staff.yangshan',
  'trainee.ningbo',
  'trainee.district',
  'trainee.beilun',
  'trainee.yangshan',
] as const;
type Username = (typeof USERNAMES)[number];

const decodeClaims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`rooms API on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    const users = {} as Record<Username, string>;
    /** Each demo user's client, signed in. */
    const people = {} as Record<Username, Client>;
    let beilunSpecimen: Specimen;
    let yangshanSpecimen: Specimen;

    const expectError = (response: Pick<Response, 'statusCode' | 'headers' | 'error'>, status: number, code: string) => {
      expect(response.statusCode).toBe(status);
      expect(String(response.headers['content-type'])).toContain('application/json');
      expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
    };
    const createRoom = async (username: Username, body: NewRoom) => {
      const response = await people[username].createRoom({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const tokenOf = (username: Username, roomId: string) => people[username].issueRoomToken({ params: { id: roomId } });

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      // More trainees: two in the Ningbo district (one at its port of Beilun), one in Shanghai (outside the Ningbo expert's scope).
      const passwordHash = await hashPassword(DEMO_PASSWORD);
      for (const [username, unitCode] of [
        ['trainee.district', 'NINGBO'],
        ['trainee.beilun', 'BEILUN'],
        ['trainee.yangshan', 'YANGSHAN'],
      ] as const) {
        const unit = await t.repositories.organisation.findUnitByCode(unitCode);
        await t.repositories.users.create({ username, passwordHash, displayName: `${username} 学员`, role: 'trainee', unitId: unit!.id });
      }
      for (const username of USERNAMES) {
        users[username] = (await t.repositories.users.findByUsername(username))!.id;
        people[username] = await as(t, username);
      }
      const upload = async (username: Username, portCode: string, seed: number) => {
        const response = await uploadSpecimen(people[username], validMetadata({ portCode }), [
          { name: 'a.jpg', data: await jpegImage(seed) },
        ]);
        expect(response.statusCode, response.body).toBe(201);
        return response.json();
      };
      beilunSpecimen = await upload('staff.beilun', 'CNNGB-BL', 41);
      yangshanSpecimen = await upload('staff.yangshan', 'CNSHA-YS', 42);
    });
    afterAll(() => t?.close());

    describe('opening rooms', () => {
      it("lets an expert open a consultation on a specimen in scope: the room is in the specimen's unit and they host it", async () => {
        const room = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id, title: 'Aedes? 伊蚊？' });
        expect(room).toMatchObject({
          kind: 'consultation',
          title: 'Aedes? 伊蚊？',
          specimenId: beilunSpecimen.id,
          unitId: beilunSpecimen.unitId,
          createdBy: { username: 'expert.ningbo' },
          endedAt: null,
          active: true,
        });
        const detail = (await people['expert.ningbo'].getRoom({ params: { id: room.id } })).json();
        expect(detail.participants.map((participant) => [participant.user.username, participant.role])).toEqual([
          ['expert.ningbo', 'host'],
        ]);
        expect(detail.counts).toEqual({
          participants: 1,
          events: { joined: 0, left: 0, chat: 0, annotation: 0, 'annotations-cleared': 0, still: 0 },
        });
        expect(detail.live).toEqual({ open: false, peers: 0 });
        // Without a title, one is made from the specimen.
        const untitled = await createRoom('admin', { kind: 'consultation', specimenId: beilunSpecimen.id });
        expect(untitled.title).toContain('CNNGB-BL');
      });

      it("refuses staff and trainees (403), and answers 404 for a specimen outside the expert's scope or missing", async () => {
        expectError(
          await people['staff.beilun'].createRoom({ body: { kind: 'consultation', specimenId: beilunSpecimen.id } }),
          403,
          'forbidden',
        );
        expectError(await people['trainee.ningbo'].createRoom({ body: { kind: 'class', title: 'Self-study' } }), 403, 'forbidden');
        const outOfScope = await people['expert.ningbo'].createRoom({ body: { kind: 'consultation', specimenId: yangshanSpecimen.id } });
        const missing = await people['expert.ningbo'].createRoom({ body: { kind: 'consultation', specimenId: crypto.randomUUID() } });
        expectError(outOfScope, 404, 'not_found');
        expect(outOfScope.error()).toEqual(missing.error());
        // The HQ expert sees Shanghai too.
        await createRoom('expert.hq', { kind: 'consultation', specimenId: yangshanSpecimen.id });
      });

      it("opens a class in the creator's unit with trainees of their scope enrolled", async () => {
        const room = await createRoom('expert.ningbo', {
          kind: 'class',
          title: 'Mosquito genera 101',
          trainees: [users['trainee.ningbo'], users['trainee.ningbo']],
        });
        const expert = await t.repositories.users.findByUsername('expert.ningbo');
        expect(room).toMatchObject({ kind: 'class', specimenId: null, unitId: expert!.unit_id });
        const detail = (await people['expert.ningbo'].getRoom({ params: { id: room.id } })).json();
        expect(detail.participants.map((participant) => [participant.user.username, participant.role])).toEqual([
          ['expert.ningbo', 'host'],
          ['trainee.ningbo', 'trainee'],
        ]);
      });

      it('enrols only trainees, and only people the creator can see (422 with the ids)', async () => {
        const notTrainee = await people['expert.ningbo'].createRoom({
          body: { kind: 'class', title: 'x', trainees: [users['staff.beilun']] },
        });
        expectError(notTrainee, 422, 'not_a_trainee');
        expect(notTrainee.error()).toMatchObject({ details: { userIds: [users['staff.beilun']] } });
        const outOfScope = await people['expert.ningbo'].createRoom({
          body: { kind: 'class', title: 'x', trainees: [users['trainee.yangshan']] },
        });
        const missing = await people['expert.ningbo'].createRoom({ body: { kind: 'class', title: 'x', trainees: [crypto.randomUUID()] } });
        expectError(outOfScope, 422, 'unknown_user');
        expectError(missing, 422, 'unknown_user');
      });

      it('answers bad input with 400 and the JSON error shape', async () => {
        const cases: unknown[] = [
          {},
          { kind: 'seminar', title: 'x' },
          { kind: 'consultation' },
          { kind: 'consultation', specimenId: 'not-a-uuid' },
          { kind: 'class' },
          { kind: 'class', title: '' },
          { kind: 'class', title: 'x'.repeat(201) },
          { kind: 'class', title: 'x', trainees: ['nope'] },
          { kind: 'class', title: 'x', extra: true },
          { kind: 'consultation', specimenId: beilunSpecimen.id, trainees: [] },
        ];
        for (const body of cases) {
          const response = await people['expert.ningbo'].send(endpoints.createRoom, { body });
          expect(response.statusCode, JSON.stringify(body)).toBe(400);
          expect(response.error()).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
        }
        const invalidJson = await people['expert.ningbo'].inject({
          method: 'POST',
          url: endpoints.createRoom.url,
          headers: { 'content-type': 'application/json' },
          payload: '{"kind": "class", ',
        });
        expectError(invalidJson, 400, 'invalid_json');
        expectError(await anonymous(t).createRoom({ body: { kind: 'class', title: 'x' } }), 401, 'unauthorized');
        expectError(await people['expert.ningbo'].getRoom({ params: { id: 'not-a-uuid' } }), 400, 'validation_failed');
        expectError(await people['expert.ningbo'].send(endpoints.listRooms, { query: { active: 'perhaps' } }), 400, 'validation_failed');
        expectError(await people['expert.ningbo'].send(endpoints.listRooms, { query: { kind: 'party' } }), 400, 'validation_failed');
        expectError(await people['expert.ningbo'].getRoom({ params: { id: crypto.randomUUID() } }), 404, 'not_found');
      });
    });

    describe('listing', () => {
      it('lists rooms in scope plus classes one is enrolled in, with filters', async () => {
        const consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
        const hqClass = await createRoom('expert.hq', {
          kind: 'class',
          title: 'Ticks of the world',
          trainees: [users['trainee.yangshan']],
        });
        const list = async (username: Username, query: Partial<QueryOf<typeof endpoints.listRooms>> = {}) => {
          const response = await people[username].listRooms({ query: { limit: 200, ...query } });
          expect(response.statusCode, response.body).toBe(200);
          return response.json();
        };
        const ids = (result: { items: Room[] }) => result.items.map((room) => room.id);

        expect(ids(await list('staff.beilun'))).toContain(consultation.id);
        expect(ids(await list('staff.yangshan'))).not.toContain(consultation.id);
        expect(ids(await list('staff.airport'))).not.toContain(consultation.id);
        // The HQ class is outside the Yangshan trainee's unit, but they are enrolled in it.
        expect(ids(await list('trainee.yangshan'))).toContain(hqClass.id);
        expect(ids(await list('staff.yangshan'))).not.toContain(hqClass.id);
        expect((await people['trainee.yangshan'].getRoom({ params: { id: hqClass.id } })).statusCode).toBe(200);
        expectError(await people['staff.yangshan'].getRoom({ params: { id: hqClass.id } }), 404, 'not_found');

        const forSpecimen = await list('expert.ningbo', { specimenId: beilunSpecimen.id });
        expect(forSpecimen.items.length).toBeGreaterThanOrEqual(1);
        expect(forSpecimen.items.every((room) => room.specimenId === beilunSpecimen.id)).toBe(true);
        expect((await list('expert.ningbo', { kind: 'class' })).items.every((room) => room.kind === 'class')).toBe(true);
        const all = await list('admin');
        expect(all.total).toBe(all.items.length);
        const createdAts = all.items.map((room) => room.createdAt);
        expect([...createdAts].sort().reverse()).toEqual(createdAts);

        await people['expert.ningbo'].endRoom({ params: { id: consultation.id } });
        expect(ids(await list('expert.ningbo', { active: true }))).not.toContain(consultation.id);
        expect(ids(await list('expert.ningbo', { active: false }))).toContain(consultation.id);
      });
    });

    describe('room tokens', () => {
      let consultation: Room;
      let ningboClass: Room;
      const accessOf = async (username: Username, roomId: string) =>
        (await people[username].getRoom({ params: { id: roomId } })).json().access;
      /** The room's detail tells each person who sees it what a token gives them: the role, or a refusal where the token is refused. */
      const expectAccessAsTokens = async (roomId: string, roles: [Username, number, RoomToken['role'] | null][]) => {
        for (const [username, status, role] of roles.filter(([, status]) => status !== 404)) {
          const access = await accessOf(username, roomId);
          expect(access.role, username).toBe(role);
          expect(access.refusal === null, username).toBe(status === 200);
        }
      };
      beforeAll(async () => {
        consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
        ningboClass = await createRoom('expert.ningbo', { kind: 'class', title: 'Larvae', trainees: [users['trainee.ningbo']] });
      });

      it("gives a consultation's host, administrators, other experts and staff in scope their roles; refuses trainees; hides it from others", async () => {
        const roles: [Username, number, RoomToken['role'] | null][] = [
          ['expert.ningbo', 200, 'host'],
          ['admin', 200, 'host'],
          ['expert.hq', 200, 'participant'],
          ['staff.beilun', 200, 'participant'],
          ['trainee.ningbo', 403, null],
          ['staff.airport', 404, null],
          ['staff.yangshan', 404, null],
        ];
        for (const [username, status, role] of roles) {
          const response = await tokenOf(username, consultation.id);
          expect(response.statusCode, `${username}: ${response.body}`).toBe(status);
          if (role) expect(response.json()).toMatchObject({ roomId: consultation.id, kind: 'consultation', role });
          else expectError(response, status, status === 403 ? 'forbidden' : 'not_found');
        }
        await expectAccessAsTokens(consultation.id, roles);
        expect(await accessOf('trainee.ningbo', consultation.id)).toEqual({ role: null, refusal: 'trainee_in_consultation' });
      });

      it("gives a class's presenter and administrators host, enrolled trainees trainee, and refuses everyone else", async () => {
        const roles: [Username, number, RoomToken['role'] | null][] = [
          ['expert.ningbo', 200, 'host'],
          ['admin', 200, 'host'],
          ['trainee.ningbo', 200, 'trainee'],
          // In scope of the class (the Ningbo district) but not enrolled; the Beilun trainee does not even see it.
          ['trainee.district', 403, null],
          ['trainee.beilun', 404, null],
          ['expert.hq', 403, null],
          ['staff.yangshan', 404, null],
          ['trainee.yangshan', 404, null],
        ];
        for (const [username, status, role] of roles) {
          const response = await tokenOf(username, ningboClass.id);
          expect(response.statusCode, `${username}: ${response.body}`).toBe(status);
          if (role) expect(response.json()).toMatchObject({ roomId: ningboClass.id, kind: 'class', role });
          else expectError(response, status, status === 403 ? 'forbidden' : 'not_found');
        }
        await expectAccessAsTokens(ningboClass.id, roles);
        expect(await accessOf('expert.hq', ningboClass.id)).toEqual({ role: null, refusal: 'not_enrolled' });
      });

      it('signs a 10-minute JWT for the room audience that is no session token', async () => {
        const before = Math.floor(Date.now() / 1000);
        const answer = (await tokenOf('staff.beilun', consultation.id)).json();
        const claims = decodeClaims(answer.token);
        expect(claims).toMatchObject({
          sub: users['staff.beilun'],
          room: consultation.id,
          role: 'participant',
          kind: 'consultation',
          aud: 'vectordesk-room',
        });
        expect((claims.exp as number) - (claims.iat as number)).toBe(600);
        expect(claims.iat as number).toBeGreaterThanOrEqual(before - 1);
        expect(new Date(answer.expiresAt).getTime()).toBe((claims.exp as number) * 1000);
        expect(t.app.verifyRoomToken(answer.token)).toEqual({
          sub: users['staff.beilun'],
          room: consultation.id,
          role: 'participant',
          kind: 'consultation',
        });
        // Not usable as a session, and a session token is not a room token.
        const asSession = await withToken(t.app, answer.token).getMe();
        expectError(asSession, 401, 'unauthorized');
        const sessionToken = await t.tokenFor('staff.beilun');
        expect(() => t.app.verifyRoomToken(sessionToken)).toThrow();
      });

      it('enrols a trainee (presenter or administrator only), after which they get a trainee token', async () => {
        const enrol = (username: Username, body: unknown) =>
          people[username].send(endpoints.enrolTrainee, { params: { id: ningboClass.id }, body });
        expectError(await enrol('expert.hq', { userId: users['trainee.beilun'], role: 'trainee' }), 403, 'forbidden');
        expectError(await enrol('staff.beilun', { userId: users['trainee.beilun'], role: 'trainee' }), 404, 'not_found');
        expectError(await enrol('expert.ningbo', { userId: users['staff.beilun'], role: 'trainee' }), 422, 'not_a_trainee');
        expectError(await enrol('expert.ningbo', { userId: users['trainee.yangshan'], role: 'trainee' }), 422, 'unknown_user');
        expectError(await enrol('expert.ningbo', { userId: users['trainee.beilun'], role: 'host' }), 400, 'validation_failed');
        expectError(await enrol('expert.ningbo', { userId: 'x', role: 'trainee' }), 400, 'validation_failed');
        expectError(await enrol('expert.ningbo', {}), 400, 'validation_failed');
        expectError(
          await people['expert.ningbo'].enrolTrainee({
            params: { id: consultation.id },
            body: { userId: users['trainee.beilun'], role: 'trainee' },
          }),
          422,
          'not_a_class',
        );

        const first = await enrol('expert.ningbo', { userId: users['trainee.beilun'], role: 'trainee' });
        expect(first.statusCode, first.body).toBe(201);
        expect(first.json()).toMatchObject({ user: { username: 'trainee.beilun' }, role: 'trainee' });
        expect((await enrol('admin', { userId: users['trainee.beilun'], role: 'trainee' })).statusCode).toBe(200);
        expect((await tokenOf('trainee.beilun', ningboClass.id)).json().role).toBe('trainee');
        expect((await people['expert.ningbo'].getRoom({ params: { id: ningboClass.id } })).json().counts.participants).toBe(3);
      });

      it('ends a room (host or administrator only) and then issues no more tokens (409)', async () => {
        const room = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
        expectError(await people['staff.beilun'].endRoom({ params: { id: room.id } }), 403, 'forbidden');
        expectError(await people['expert.hq'].endRoom({ params: { id: room.id } }), 403, 'forbidden');
        expectError(await people['staff.yangshan'].endRoom({ params: { id: room.id } }), 404, 'not_found');
        const ended = await people['expert.ningbo'].endRoom({ params: { id: room.id } });
        expect(ended.statusCode, ended.body).toBe(200);
        expect(ended.json()).toMatchObject({ active: false, endedAt: expect.any(String) });
        expectError(await people['admin'].endRoom({ params: { id: room.id } }), 409, 'room_ended');
        expectError(await tokenOf('expert.ningbo', room.id), 409, 'room_ended');
        expectError(await tokenOf('staff.beilun', room.id), 409, 'room_ended');
        // Whoever may not join at all still hears 403, not that the room ended.
        expectError(await tokenOf('trainee.ningbo', room.id), 403, 'forbidden');

        const endedClass = await createRoom('admin', { kind: 'class', title: 'Over', trainees: [] });
        await people['admin'].endRoom({ params: { id: endedClass.id } });
        expectError(
          await people.admin.enrolTrainee({ params: { id: endedClass.id }, body: { userId: users['trainee.ningbo'], role: 'trainee' } }),
          409,
          'room_ended',
        );
      });
    });

    describe('expert identification in a consultation', () => {
      let consultation: Room;
      beforeAll(async () => {
        consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
      });
      const identify = (username: Username, roomId: string, body: unknown) =>
        people[username].send(endpoints.recordRoomIdentification, { params: { id: roomId }, body });

      it("records the host's identification with the room in the specimen's history, next to the AI answers, newest first", async () => {
        // Let the automatic identification finish first, so the history holds both sources.
        await waitForIdentification(people['staff.beilun'], beilunSpecimen.id);
        const response = await identify('expert.ningbo', consultation.id, {
          group: 'mosquito',
          taxon: 'Aedes albopictus',
          lifeStage: 'adult',
          confidence: 0.95,
          notes: 'White dorsal stripe on the scutum 白纹',
        });
        expect(response.statusCode, response.body).toBe(201);
        const entry = response.json();
        expect(entry).toMatchObject({
          source: 'expert',
          group: 'mosquito',
          taxon: 'Aedes albopictus',
          lifeStage: 'adult',
          confidence: 0.95,
          rejected: false,
          model: null,
          author: { id: users['expert.ningbo'], username: 'expert.ningbo' },
          roomId: consultation.id,
          notes: 'White dorsal stripe on the scutum 白纹',
        });

        const row = await t.database.db.selectFrom('identifications').selectAll().where('id', '=', entry.id).executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          specimen_id: beilunSpecimen.id,
          source: 'expert',
          author_id: users['expert.ningbo'],
          room_id: consultation.id,
          role: 'primary',
        });

        // Everyone who sees the specimen sees it in its history; the AI's own answer stays what `identification` shows.
        const specimen = (await people['staff.beilun'].getSpecimen({ params: { id: beilunSpecimen.id } })).json();
        expect(specimen.identifications[0]).toEqual(entry);
        const sources = specimen.identifications.map((item) => item.source);
        if (specimen.identification?.status === 'done') expect(sources).toContain('ai');
        const times = specimen.identifications.map((item) => item.createdAt);
        expect([...times].sort().reverse()).toEqual(times);
        const listed = (await people['expert.ningbo'].listSpecimens({ query: { limit: 200 } })).json();
        expect(listed.items.find((item) => item.id === beilunSpecimen.id)?.identifications[0]?.id).toBe(entry.id);
      });

      it("lets only the consultation's host (or an administrator) record it, in consultations only, and still after it ended", async () => {
        const body = { group: 'mosquito', taxon: 'Culex' };
        expectError(await identify('expert.hq', consultation.id, body), 403, 'forbidden');
        expectError(await identify('staff.beilun', consultation.id, body), 403, 'forbidden');
        expectError(await identify('staff.yangshan', consultation.id, body), 404, 'not_found');
        const aClass = await createRoom('expert.ningbo', { kind: 'class', title: 'No specimen here' });
        expectError(await identify('expert.ningbo', aClass.id, body), 422, 'not_a_consultation');
        expect((await identify('admin', consultation.id, body)).statusCode).toBe(201);
        await people['expert.ningbo'].endRoom({ params: { id: consultation.id } });
        expect((await identify('expert.ningbo', consultation.id, { group: 'mosquito', taxon: 'Culex pipiens' })).statusCode).toBe(201);
      });

      it('checks the taxon against the taxonomy (422) and the body against its schema (400)', async () => {
        expectError(
          await identify('expert.ningbo', consultation.id, { group: 'mosquito', taxon: 'Aedes imaginarius' }),
          422,
          'unknown_taxon',
        );
        expectError(
          await identify('expert.ningbo', consultation.id, { group: 'tick', taxon: 'Aedes albopictus' }),
          422,
          'taxon_group_mismatch',
        );
        for (const body of [
          {},
          { group: 'mosquito' },
          { taxon: 'Culex' },
          { group: 'dragon', taxon: 'Culex' },
          { group: 'mosquito', taxon: 'Culex', confidence: 1.5 },
          { group: 'mosquito', taxon: 'Culex', confidence: '0.5' },
          { group: 'mosquito', taxon: 'Culex', lifeStage: 'teenager' },
          { group: 'mosquito', taxon: 'Culex', author: 'someone else' },
        ]) {
          const response = await identify('expert.ningbo', consultation.id, body);
          expect(response.statusCode, JSON.stringify(body)).toBe(400);
          expect(response.error()).toMatchObject({ error: 'validation_failed' });
        }
      });
    });

    describe('the room record', () => {
      it('lists events oldest first, filtered by kind, and replays chat, the latest still and what was drawn since', async () => {
        const room = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
        const recorder = new DatabaseRoomRecorder(t.repositories.rooms);
        const say = (
          kind: 'joined' | 'chat' | 'annotation' | 'annotations-cleared' | 'still',
          payload: Record<string, unknown>,
          username: Username = 'expert.ningbo',
        ) => recorder.record(room.id, { kind, userId: users[username], displayName: username, payload });
        const arrow = {
          shape: 'arrow',
          points: [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
          colour: '#ff0000',
        };
        await say('joined', { role: 'host' });
        const chat1 = await say('chat', { text: 'Look at the legs' });
        await say('annotation', arrow);
        await say('still', { imageId: 'first' });
        await say('annotation', arrow);
        await say('annotations-cleared', {});
        const drawnAfterClear = await say('annotation', { ...arrow, colour: '#00ff00' });
        const chat2 = await say('chat', { text: '白色条纹' }, 'staff.beilun');
        const still2 = await say('still', { imageId: 'second' });
        const drawnOnStill2 = await say('annotation', { shape: 'circle', points: [[0.5, 0.5]], colour: '#0000ff' });
        void drawnAfterClear;

        const history = await recorder.history(room.id);
        expect(history.map((event) => event.id)).toEqual([chat1.id, chat2.id, still2.id, drawnOnStill2.id]);
        expect(history[1]).toMatchObject({
          kind: 'chat',
          userId: users['staff.beilun'],
          displayName: 'staff.beilun',
          payload: { text: '白色条纹' },
        });

        const events = (query: Partial<QueryOf<typeof endpoints.listRoomEvents>> = {}, username: Username = 'staff.beilun') =>
          people[username].listRoomEvents({ params: { id: room.id }, query });
        const all = (await events()).json();
        expect(all.total).toBe(10);
        expect(all.items.map((event) => event.kind)).toEqual([
          'joined',
          'chat',
          'annotation',
          'still',
          'annotation',
          'annotations-cleared',
          'annotation',
          'chat',
          'still',
          'annotation',
        ]);
        const chats = (await events({ kinds: 'chat' })).json();
        expect(chats.items.map((event) => event.id)).toEqual([chat1.id, chat2.id]);
        const page = (await events({ kinds: 'chat,still', limit: 2, offset: 1 })).json();
        expect(page.total).toBe(4);
        expect(page.items).toHaveLength(2);
        const detail = (await people['staff.beilun'].getRoom({ params: { id: room.id } })).json();
        expect(detail.counts.events).toEqual({ joined: 1, left: 0, chat: 2, annotation: 4, 'annotations-cleared': 1, still: 2 });

        expectError(await events({ kinds: 'chat,gossip' }), 400, 'invalid_kinds');
        expectError(await events({ kinds: ',' }), 400, 'invalid_kinds');
        expectError(await events({ limit: 0 }), 400, 'validation_failed');
        expectError(await events({}, 'staff.yangshan'), 404, 'not_found');
      });
    });

    describe(`recordings${recordingSkip ? ` — skipped: ${recordingSkip}` : ''}`, () => {
      const startRecording = (username: Username, roomId: string) => people[username].startRecording({ params: { id: roomId } });
      const stopRecording = (username: Username, roomId: string, recordingId: string) =>
        people[username].stopRecording({ params: { id: roomId, recordingId } });
      const listRecordings = async (roomId: string) =>
        (await people['staff.beilun'].listRecordings({ params: { id: roomId } })).json().items;
      const openLive = async (roomId: string) => {
        const live = await t.rtc!.rooms.open(roomId, 'consultation');
        await live.join(`host-of-${roomId}`, { userId: users['expert.ningbo'], displayName: 'expert.ningbo', role: 'host' });
        return live;
      };

      it.skipIf(Boolean(recordingSkip))(
        'lets the host record a live room, tells the room, and lists the outcome to everyone in scope',
        async () => {
          const room = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
          expectError(await startRecording('expert.ningbo', room.id), 409, 'room_not_live');
          const live = await openLive(room.id);

          expectError(await startRecording('staff.beilun', room.id), 403, 'forbidden');
          expectError(await startRecording('staff.yangshan', room.id), 404, 'not_found');
          expectError(await startRecording('expert.ningbo', 'not-a-room'), 400, 'validation_failed');
          const started = await startRecording('expert.ningbo', room.id);
          expect(started.statusCode, started.body).toBe(201);
          const recording = started.json();
          expect(recording).toMatchObject({
            roomId: room.id,
            status: 'recording',
            startedBy: { username: 'expert.ningbo' },
            stoppedBy: null,
            tracks: [],
            problems: [],
          });
          expect(live.recording).toMatchObject({ recordingId: recording.id, startedBy: recording.startedBy.displayName });
          expectError(await startRecording('expert.ningbo', room.id), 409, 'already_recording');
          expect((await t.app.inject({ url: '/metrics' })).body).toMatch(/^vectordesk_rtc_recordings_active 1$/m);
          expect((await listRecordings(room.id)).map((item) => [item.id, item.status])).toEqual([[recording.id, 'recording']]);
          expectError(
            await people['staff.beilun'].getRecordingFile({ params: { id: room.id, recordingId: recording.id } }),
            409,
            'recording_not_ready',
          );
          expectError(
            await people['staff.beilun'].getRecordingTrack({ params: { id: room.id, recordingId: recording.id, number: 1 } }),
            404,
            'not_found',
          );
          expectError(await people['staff.yangshan'].listRecordings({ params: { id: room.id } }), 404, 'not_found');

          expectError(await stopRecording('staff.beilun', room.id, recording.id), 403, 'forbidden');
          const stopped = await stopRecording('expert.ningbo', room.id, recording.id);
          expect(stopped.statusCode, stopped.body).toBe(202);
          expect(stopped.json()).toMatchObject({ stoppedBy: { username: 'expert.ningbo' }, stoppedAt: expect.any(String) });
          expect(live.recording).toBeNull();
          expect((await t.app.inject({ url: '/metrics' })).body).toMatch(/^vectordesk_rtc_recordings_active 0$/m);
          await t.services.recordings.drain();
          // Nobody sent anything: the recording says so rather than offering an empty file.
          const [finished] = await listRecordings(room.id);
          expect(finished).toMatchObject({
            id: recording.id,
            status: 'failed',
            fileName: null,
            problems: ['Nothing was sent while the room was being recorded'],
          });
          expectError(await stopRecording('expert.ningbo', room.id, recording.id), 409, 'not_recording');
          expectError(await stopRecording('expert.ningbo', room.id, crypto.randomUUID()), 404, 'not_found');
          live.close();
        },
      );

      it.skipIf(!mediasoup.available)(
        'answers 503 recorder_unavailable, and lists the recording as failed, where FFmpeg does not run',
        async () => {
          const withoutFfmpeg = await createTestApp(backend.name, { FFMPEG_PATH: '/nonexistent/ffmpeg' });
          try {
            const expert = await as(withoutFfmpeg, 'expert.ningbo');
            const room = (await expert.createRoom({ body: { kind: 'class', title: 'Fleas of rodents' } })).json();
            const live = await withoutFfmpeg.rtc!.rooms.open(room.id, 'class');
            await live.join('presenter', { userId: room.createdBy.id, displayName: 'expert.ningbo', role: 'host' });
            const refused = await expert.startRecording({ params: { id: room.id } });
            expectError(refused, 503, 'recorder_unavailable');
            expect(refused.error().message).toContain('FFMPEG_PATH');
            expect(live.recording).toBeNull();
            const { items } = (await expert.listRecordings({ params: { id: room.id } })).json();
            expect(items).toEqual([
              expect.objectContaining({ status: 'failed', problems: [expect.stringContaining('/nonexistent/ffmpeg')] }),
            ]);
          } finally {
            await withoutFfmpeg.close();
          }
        },
      );

      it.skipIf(Boolean(recordingSkip))('fails a recording its process left running, and stops one when its room ends', async () => {
        const room = await createRoom('expert.ningbo', { kind: 'consultation', specimenId: beilunSpecimen.id });
        await openLive(room.id);
        // A row left running by a process that died: it blocks nothing, and is marked failed.
        const stale = await t.repositories.recordings.start(room.id, users['expert.ningbo']);
        const started = await startRecording('expert.ningbo', room.id);
        expect(started.statusCode, started.body).toBe(201);
        const recording = started.json();
        expect((await listRecordings(room.id)).find((item) => item.id === stale)).toMatchObject({
          status: 'failed',
          problems: [expect.stringContaining('stopped before the recording was')],
        });

        expect((await people['expert.ningbo'].endRoom({ params: { id: room.id } })).statusCode).toBe(200);
        await t.services.recordings.drain();
        expect((await listRecordings(room.id)).find((item) => item.id === recording.id)).toMatchObject({
          status: 'failed',
          stoppedBy: null,
          stoppedAt: expect.any(String),
        });
        expectError(await startRecording('expert.ningbo', room.id), 409, 'room_ended');
      });
    });
  });
}
