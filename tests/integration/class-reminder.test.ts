import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../api/contract/index.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import { as } from '../helpers/client.js';
import { mediasoupAvailability } from '../helpers/services.js';
import { connectSignalling, joinRoom, type SignallingClient } from '../helpers/signalling-client.js';
import { DEMO_PASSWORD } from '../helpers/test-app.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const mediasoup = await mediasoupAvailability();

describe.skipIf(!mediasoup.available)(`the class.started reminder ${mediasoup.reason}`, () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  const peers: SignallingClient[] = [];

  /** The `class.started` pushes a signed-in person's live connection receives. */
  async function remindersOf(username: string): Promise<LiveEvent<'class.started'>[]> {
    const received: LiveEvent<'class.started'>[] = [];
    const socket = connect(server.baseUrl, {
      transports: ['websocket'],
      auth: { token: await server.tokenFor(username) },
      reconnection: false,
    });
    sockets.push(socket);
    socket.on('class.started', (payload: LiveEvent<'class.started'>) => received.push(payload));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return received;
  }

  async function joinLive(username: string, roomId: string): Promise<void> {
    const token = (await (await as(server, username)).issueRoomToken({ params: { id: roomId } })).json().token;
    const peer = await connectSignalling(server.baseUrl, { token: await server.tokenFor(username), roomToken: token });
    peers.push(peer);
    await joinRoom(peer);
  }

  beforeAll(async () => {
    server = await startTestServer('pglite', { env: { IDENTIFY_JOBS_IN_API: 'false' } });
    const unit = await server.repositories.organisation.findUnitByCode('BEILUN');
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await server.repositories.users.create({
      username: 'trainee.beilun',
      passwordHash,
      displayName: 'Beilun trainee',
      role: 'trainee',
      unitId: unit!.id,
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    for (const peer of peers.splice(0)) peer.socket.disconnect();
  });
  afterAll(() => server?.close());

  it("reminds the enrolled trainees, once, when the class's presenter joins it; nobody else", async () => {
    const enrolledId = (await server.repositories.users.findByUsername('trainee.ningbo'))!.id;
    const created = await (
      await as(server, 'expert.ningbo')
    ).createRoom({ body: { kind: 'class', title: 'Ticks', scheduledAt: new Date().toISOString(), trainees: [enrolledId] } });
    const lesson = created.json();
    const enrolled = await remindersOf('trainee.ningbo');
    const notEnrolled = await remindersOf('trainee.beilun');
    const presenter = await remindersOf('expert.ningbo');
    const admin = await remindersOf('admin');

    // A trainee who comes early opens the room but does not start the class.
    await joinLive('trainee.ningbo', lesson.id);
    await joinLive('expert.ningbo', lesson.id);
    await expect
      .poll(() => enrolled.map(({ room }) => [room.id, room.title, room.scheduledAt]), { timeout: 10_000 })
      .toEqual([[lesson.id, 'Ticks', lesson.scheduledAt]]);
    // Another host joining (an administrator) is the same live class: no second reminder. A reminder it caused would
    // come before that of a class started after it, on the same socket.
    await joinLive('admin', lesson.id);
    const other = (
      await (await as(server, 'expert.ningbo')).createRoom({ body: { kind: 'class', title: 'Fleas', trainees: [enrolledId] } })
    ).json();
    await joinLive('expert.ningbo', other.id);
    await expect.poll(() => enrolled.map(({ room }) => room.id), { timeout: 10_000 }).toEqual([lesson.id, other.id]);
    expect(notEnrolled).toEqual([]);
    expect(presenter).toEqual([]);
    expect(admin).toEqual([]);
  });
});
