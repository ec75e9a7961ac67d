import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, as, withToken } from '../helpers/client.js';
import { openTestDatabase, testBackends, type TestDatabase } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { mediasoupAvailability } from '../helpers/services.js';
import { connectSignalling } from '../helpers/signalling-client.js';
import { DEMO_PASSWORD } from '../helpers/test-app.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const mediasoup = await mediasoupAvailability();
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

/** A fresh session of `username` (each login is a session of its own). */
async function signIn(server: TestServer, username: string): Promise<string> {
  const response = await anonymous(server).login({ body: { username, password: DEMO_PASSWORD } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().token;
}

/** A live push socket signed in with `token`; rejects with the server's refusal. */
async function livePush(server: TestServer, token: string): Promise<Socket> {
  const socket = connect(server.baseUrl, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const expectSessionRevoked = async (server: TestServer, token: string) => {
  const response = await withToken(server.app, token).getMe();
  expect(response.statusCode).toBe(401);
  expect(response.error()).toMatchObject({ error: 'session_revoked' });
};
const expectSignedIn = async (server: TestServer, token: string) =>
  expect((await withToken(server.app, token).getMe()).statusCode).toBe(200);
const expectClosed = (socket: Socket) => expect.poll(() => socket.connected, { timeout: 10_000 }).toBe(false);

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`revocable sessions on ${backend.name} ${backend.availability.reason}`, () => {
    let server: TestServer;
    const userId = async (username: string) => (await server.repositories.users.findByUsername(username))!.id;
    const updateUser = (username: string, changes: { disabled?: boolean; role?: 'expert'; password_hash?: string }) =>
      // Straight to the database: the triggers of migration 0008 revoke, whichever path wrote the change.
      server.database.db.updateTable('users').set(changes).where('username', '=', username).execute();

    beforeAll(async () => {
      server = await startTestServer(backend.name, { env: { IDENTIFY_JOBS_IN_API: 'false' }, sessionCheckIntervalMs: 200 });
    });
    afterAll(() => server?.close());

    it("logout revokes the token sent (header or cookie) and closes its sockets; the person's other sessions and other people stay", async () => {
      const [first, second, someoneElse] = [
        await signIn(server, 'staff.beilun'),
        await signIn(server, 'staff.beilun'),
        await signIn(server, 'expert.hq'),
      ];
      const [firstSocket, secondSocket, otherSocket] = [
        await livePush(server, first),
        await livePush(server, second),
        await livePush(server, someoneElse),
      ];

      expect((await withToken(server.app, first).logout()).statusCode).toBe(204);
      await expectSessionRevoked(server, first);
      await expectClosed(firstSocket);
      await expect(livePush(server, first)).rejects.toThrow(/unauthorized/);
      await expectSignedIn(server, second);
      await expectSignedIn(server, someoneElse);
      expect([secondSocket.connected, otherSocket.connected]).toEqual([true, true]);

      expect((await anonymous(server).logout(undefined, { cookies: { vd_token: second } })).statusCode).toBe(204);
      await expectSessionRevoked(server, second);
      await expectClosed(secondSocket);
      expect(otherSocket.connected).toBe(true);
      const revoked = await server.database.db
        .selectFrom('sessions')
        .select('revoked_reason')
        .where('user_id', '=', await userId('staff.beilun'))
        .execute();
      expect(revoked.map((row) => row.revoked_reason)).toEqual(['logout', 'logout']);
    });

    it('disabling an account ends all its sessions and closes its sockets; others are unaffected', async () => {
      const [phone, desktop, bystander] = [
        await signIn(server, 'staff.airport'),
        await signIn(server, 'staff.airport'),
        await signIn(server, 'expert.hq'),
      ];
      const [phoneSocket, desktopSocket, bystanderSocket] = [
        await livePush(server, phone),
        await livePush(server, desktop),
        await livePush(server, bystander),
      ];
      await updateUser('staff.airport', { disabled: true });
      await expectSessionRevoked(server, phone);
      await expectSessionRevoked(server, desktop);
      await expectClosed(phoneSocket);
      await expectClosed(desktopSocket);
      await expectSignedIn(server, bystander);
      expect(bystanderSocket.connected).toBe(true);
      // Enabling the account again does not bring old sessions back.
      await updateUser('staff.airport', { disabled: false });
      await expectSessionRevoked(server, phone);
      await expectSignedIn(server, await signIn(server, 'staff.airport'));
    });

    it('a change of role, password or unit grant ends the sessions of that person only', async () => {
      const bystander = await signIn(server, 'expert.hq');
      const bystanderSocket = await livePush(server, bystander);

      const trainee = await signIn(server, 'trainee.ningbo');
      const traineeSocket = await livePush(server, trainee);
      await updateUser('trainee.ningbo', { role: 'expert' });
      await expectSessionRevoked(server, trainee);
      await expectClosed(traineeSocket);
      const promoted = await withToken(server.app, await signIn(server, 'trainee.ningbo')).getMe();
      expect(promoted.json().user.role).toBe('expert');

      const yangshan = await signIn(server, 'staff.yangshan');
      const { password_hash: samePassword } = (await server.repositories.users.findByUsername('staff.yangshan'))!;
      await updateUser('staff.yangshan', { password_hash: samePassword });
      await expectSignedIn(server, yangshan); // Written, but unchanged: nothing to revoke.
      await updateUser('staff.yangshan', { password_hash: `${samePassword}-changed` });
      await expectSessionRevoked(server, yangshan);
      await updateUser('staff.yangshan', { password_hash: samePassword });

      const beilunUnit = (await server.repositories.users.findByUsername('staff.beilun'))!.unit_id;
      await server.repositories.users.grantUnit(await userId('expert.ningbo'), beilunUnit);
      const consultant = await signIn(server, 'expert.ningbo');
      const consultantSocket = await livePush(server, consultant);
      await server.database.db
        .deleteFrom('user_unit_grants')
        .where('user_id', '=', await userId('expert.ningbo'))
        .execute();
      await expectSessionRevoked(server, consultant);
      await expectClosed(consultantSocket);

      await expectSignedIn(server, bystander);
      expect(bystanderSocket.connected).toBe(true);
    });

    it('refuses a validly signed token that names no session (issued before sessions were revocable)', async () => {
      const legacy = server.app.jwt.sign({ sub: await userId('expert.hq') });
      await expectSessionRevoked(server, legacy);
      const forgedSession = server.app.jwt.sign({ sub: await userId('expert.hq'), sid: crypto.randomUUID() });
      await expectSessionRevoked(server, forgedSession);
      await expect(livePush(server, legacy)).rejects.toThrow(/unauthorized/);
    });

    it.skipIf(!mediasoup.available)(`closes a live-room (/rtc) socket when its session is revoked ${mediasoup.reason}`, async () => {
      const specimen = await uploadSpecimen(await as(server, 'expert.hq'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(3) }]);
      const host = await as(server, 'expert.hq');
      const room = await host.createRoom({ body: { kind: 'consultation', specimenId: specimen.json().id } });
      expect(room.statusCode, room.body).toBe(201);
      const session = await signIn(server, 'expert.hq');
      const roomToken = (await withToken(server.app, session).issueRoomToken({ params: { id: room.json().id } })).json().token;
      const signalling = await connectSignalling(server.baseUrl, { token: session, roomToken });
      sockets.push(signalling.socket);
      const pushSocket = await livePush(server, session);
      expect((await withToken(server.app, session).logout()).statusCode).toBe(204);
      await expectClosed(signalling.socket);
      await expectClosed(pushSocket);
    });
  });
}

const postgres = (await testBackends()).find((backend) => backend.name === 'postgresql')!;

describe.skipIf(!postgres.availability.available)(`across api processes sharing PostgreSQL ${postgres.availability.reason}`, () => {
  let database: TestDatabase;
  let signsOut: TestServer;
  let holdsTheSocket: TestServer;
  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    const options = { env: { IDENTIFY_JOBS_IN_API: 'false' }, database, sessionCheckIntervalMs: 200 };
    signsOut = await startTestServer('postgresql', options);
    holdsTheSocket = await startTestServer('postgresql', options);
  });
  afterAll(async () => {
    await signsOut?.close();
    await holdsTheSocket?.close();
    await database?.close();
  });

  it('closes a socket on one process when its session is revoked through another', async () => {
    const token = await signIn(signsOut, 'expert.ningbo');
    const socket = await livePush(holdsTheSocket, token);
    const bystander = await livePush(holdsTheSocket, await signIn(holdsTheSocket, 'expert.hq'));
    expect((await withToken(signsOut.app, token).logout()).statusCode).toBe(204);
    await expectClosed(socket);
    await expectSessionRevoked(holdsTheSocket, token);
    expect(bystander.connected).toBe(true);
  });
});

describe('token expiry', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { env: { IDENTIFY_JOBS_IN_API: 'false', TOKEN_TTL_SECONDS: '3' } });
  });
  afterAll(() => server?.close());

  it('closes the socket when its token expires, and the token stops working', async () => {
    const token = await signIn(server, 'staff.beilun');
    const socket = await livePush(server, token);
    const expiresAt = (server.app.jwt.decode<{ exp: number }>(token)?.exp ?? 0) * 1000;
    await expectClosed(socket);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 50);
    expect((await withToken(server.app, token).getMe()).statusCode).toBe(401);
  });
});
