import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type PersonMatch, type QueryOf, type Room } from '../../api/contract/index.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import { anonymous, as, type Client, type Response } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.js';

/** Trainees added to the demo organisation: two in the Ningbo district, one in Shanghai, one disabled. */
const TRAINEES = [
  { username: 'trainee.beilun', displayName: 'Li Wei 李伟', unitCode: 'BEILUN' },
  { username: 'trainee.airport', displayName: 'Wang 100% Fang', unitCode: 'NINGBO-AIRPORT' },
  { username: 'trainee.yangshan', displayName: 'Li Na 李娜', unitCode: 'YANGSHAN' },
  { username: 'trainee.gone', displayName: 'Li Gone', unitCode: 'BEILUN' },
] as const;

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `scheduled classes and the user lookup on ${backend.name} ${backend.availability.reason}`,
    () => {
      let t: TestApp;
      const clients = new Map<string, Client>();
      const client = async (username: string) => {
        if (!clients.has(username)) clients.set(username, await as(t, username));
        return clients.get(username)!;
      };
      const expectError = (response: Pick<Response, 'statusCode' | 'headers' | 'error'>, status: number, code: string) => {
        expect(response.statusCode).toBe(status);
        expect(String(response.headers['content-type'])).toContain('application/json');
        expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
      };
      const lookup = async (username: string, query: Partial<QueryOf<typeof endpoints.lookupUsers>>) => {
        const response = await (await client(username)).lookupUsers({ query });
        expect(response.statusCode, response.body).toBe(200);
        return response.json().items;
      };
      const usernames = (items: PersonMatch[]) => items.map((person) => person.username).sort();
      const idOf = async (username: string) => (await t.repositories.users.findByUsername(username))!.id;

      beforeAll(async () => {
        t = await createTestApp(backend.name);
        const passwordHash = await hashPassword(DEMO_PASSWORD);
        for (const { username, displayName, unitCode } of TRAINEES) {
          const unit = await t.repositories.organisation.findUnitByCode(unitCode);
          await t.repositories.users.create({ username, passwordHash, displayName, role: 'trainee', unitId: unit!.id });
        }
        await t.database.db.updateTable('users').set({ disabled: true }).where('username', '=', 'trainee.gone').execute();
      });
      afterAll(() => t?.close());

      describe('GET /api/v1/users', () => {
        it("finds people by part of their username or display name, in any case, only in the caller's unit and below", async () => {
          const beilunTrainee = await t.repositories.users.findByUsername('trainee.beilun');
          expect(await lookup('expert.ningbo', { q: 'li wei' })).toEqual([
            {
              id: beilunTrainee!.id,
              username: 'trainee.beilun',
              displayName: 'Li Wei 李伟',
              role: 'trainee',
              unitId: beilunTrainee!.unit_id,
            },
          ]);
          expect(usernames(await lookup('expert.ningbo', { q: 'BEILUN' }))).toEqual(['staff.beilun', 'trainee.beilun']);
          // The Shanghai trainee matches too, but is in another district; the disabled trainee is not offered.
          expect(usernames(await lookup('expert.ningbo', { q: ' 李 ' }))).toEqual(['trainee.beilun']);
          expect(usernames(await lookup('expert.hq', { q: '李' }))).toEqual(['trainee.beilun', 'trainee.yangshan']);
          expect(usernames(await lookup('expert.hq', { q: 'li gone' }))).toEqual([]);
          // Port staff see their port only; LIKE's wildcards are matched as themselves.
          expect(usernames(await lookup('staff.beilun', { q: 'trainee' }))).toEqual(['trainee.beilun']);
          expect(usernames(await lookup('expert.hq', { q: '%' }))).toEqual(['trainee.airport']);
          expect(usernames(await lookup('expert.hq', { q: '_' }))).toEqual([]);
        });

        it('filters by role, lists everyone in scope without a search, by name, and stops at the limit', async () => {
          expect(usernames(await lookup('expert.ningbo', { role: 'trainee' }))).toEqual([
            'trainee.airport',
            'trainee.beilun',
            'trainee.ningbo',
          ]);
          expect(usernames(await lookup('expert.ningbo', { q: 'ningbo', role: 'expert' }))).toEqual(['expert.ningbo']);
          const everyone = await lookup('admin', { limit: 200 });
          expect(everyone.map((person) => person.displayName)).toEqual(everyone.map((person) => person.displayName).sort());
          expect(usernames(everyone)).toContain('trainee.yangshan');
          expect(usernames(everyone)).not.toContain('trainee.gone');
          expect(await lookup('admin', { limit: 2 })).toHaveLength(2);
          expect(await lookup('admin', {})).toHaveLength(Math.min(20, everyone.length));
        });

        it('refuses trainees (403), people not signed in (401) and bad queries (400)', async () => {
          expectError(await (await client('trainee.ningbo')).lookupUsers({ query: { q: 'li' } }), 403, 'forbidden');
          expectError(await anonymous(t).lookupUsers({ query: { q: 'li' } }), 401, 'unauthorized');
          const expert = await client('expert.ningbo');
          for (const query of [{ q: 'x'.repeat(101) }, { role: 'boss' }, { limit: 0 }, { limit: 201 }, { limit: 'many' }, { name: 'li' }]) {
            expectError(await expert.send(endpoints.lookupUsers, { query }), 400, 'validation_failed');
          }
        });
      });

      describe('scheduled classes', () => {
        let scheduled: Room;
        beforeAll(async () => {
          const response = await (
            await client('expert.ningbo')
          ).createRoom({
            body: {
              kind: 'class',
              title: 'Aedes larvae',
              scheduledAt: '2031-05-04T01:30:00.000Z',
              description: '  Keys to the 4th instar  ',
              trainees: [await idOf('trainee.beilun'), await idOf('trainee.airport')],
            },
          });
          expect(response.statusCode, response.body).toBe(201);
          scheduled = response.json();
        });

        it('keeps when a class starts and what it is about; a class without them has neither', async () => {
          expect(scheduled).toMatchObject({
            kind: 'class',
            scheduledAt: '2031-05-04T01:30:00.000Z',
            description: 'Keys to the 4th instar',
          });
          const detail = (await (await client('trainee.beilun')).getRoom({ params: { id: scheduled.id } })).json();
          expect(detail.room).toEqual(scheduled);
          const now = (await (await client('expert.ningbo')).createRoom({ body: { kind: 'class', title: 'Right now' } })).json();
          expect(now).toMatchObject({ scheduledAt: null, description: null });
          const expert = await client('expert.ningbo');
          for (const body of [
            { kind: 'class', title: 'x', scheduledAt: 'tomorrow' },
            { kind: 'class', title: 'x', description: 'x'.repeat(2001) },
            { kind: 'consultation', specimenId: crypto.randomUUID(), scheduledAt: '2031-05-04T01:30:00.000Z' },
          ]) {
            expectError(await expert.send(endpoints.createRoom, { body }), 400, 'validation_failed');
          }
        });

        it("lists a trainee's classes with kind=class, and only the ones they are enrolled in with enrolled=true", async () => {
          const list = async (username: string, query: Partial<QueryOf<typeof endpoints.listRooms>>) => {
            const response = await (await client(username)).listRooms({ query: { limit: 200, ...query } });
            expect(response.statusCode, response.body).toBe(200);
            return response.json().items.map((room) => room.id);
          };
          // Enrolled from another unit of the district: listed although the class is the Ningbo district's.
          expect(await list('trainee.beilun', { kind: 'class' })).toContain(scheduled.id);
          expect(await list('trainee.beilun', { kind: 'class', active: true, enrolled: true })).toContain(scheduled.id);
          // The district's own trainee sees the district's class, but it is not one of theirs.
          expect(await list('trainee.ningbo', { kind: 'class' })).toContain(scheduled.id);
          expect(await list('trainee.ningbo', { kind: 'class', enrolled: true })).not.toContain(scheduled.id);
          expect(await list('trainee.ningbo', { kind: 'class', enrolled: false })).toContain(scheduled.id);
          expect(await list('trainee.yangshan', { kind: 'class' })).not.toContain(scheduled.id);
          // The presenter is enrolled as its host.
          expect(await list('expert.ningbo', { enrolled: true })).toContain(scheduled.id);
          expect(await list('expert.hq', { enrolled: true })).not.toContain(scheduled.id);
        });
      });
    },
  );
}
