import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../helpers/client.js';
import { openTestDatabase, testBackends, type TestDatabase } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { freePort } from '../helpers/processes.js';
import { openConsultation } from '../helpers/rooms.js';
import { ffmpegAvailability, mediasoupAvailability } from '../helpers/services.js';
import { connectSignalling, joinRoom, type RefusedHandshake, type SignallingClient } from '../helpers/signalling-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const mediasoup = await mediasoupAvailability();
const ffmpeg = await ffmpegAvailability();
/** Short, so a takeover is seen within a test; renewals run every third of it. */
const LEASE_MS = 1500;

for (const backend of await testBackends()) {
  const skip = !mediasoup.available ? mediasoup.reason : !backend.availability.available ? backend.availability.reason : '';
  describe.skipIf(skip !== '')(`live rooms served by two api processes sharing ${backend.name} ${skip}`, () => {
    let database: TestDatabase;
    let first: TestServer;
    let second: TestServer;
    let specimenId: string;
    const clients: SignallingClient[] = [];

    /** An api process with its own mediasoup worker, telling browsers its own address, on the shared database. */
    const startProcess = async () => {
      const port = await freePort();
      return startTestServer(backend.name, {
        database,
        port,
        env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ROOM_HOST_LEASE_MS: String(LEASE_MS), IDENTIFY_JOBS_IN_API: 'false' },
      });
    };
    const roomToken = async (server: TestServer, username: string, roomId: string) => {
      const response = await (await as(server, username)).issueRoomToken({ params: { id: roomId } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const newConsultation = async () => openConsultation(await as(first, 'expert.ningbo'), specimenId);
    const startRecording = async (server: TestServer, username: string, roomId: string) =>
      (await as(server, username)).startRecording({ params: { id: roomId } });
    /** Connects `username` to `server`'s signalling with a room token `tokenFrom` issued; rejects with the refusal. */
    const connect = async (server: TestServer, username: string, roomId: string, tokenFrom = server) => {
      const client = await connectSignalling(server.baseUrl, {
        token: await server.tokenFor(username),
        roomToken: (await roomToken(tokenFrom, username, roomId)).token,
      });
      clients.push(client);
      return client;
    };
    const holderOf = async (roomId: string) =>
      (await database.db.selectFrom('room_hosts').select(['signalling_url']).where('room_id', '=', roomId).executeTakeFirst())
        ?.signalling_url;

    beforeAll(async () => {
      database = await openTestDatabase(backend.name);
      first = await startProcess();
      second = await startProcess();
      const created = await uploadSpecimen(await as(first, 'staff.beilun'), validMetadata(), [
        { name: 'a.jpg', data: await jpegImage(11) },
      ]);
      specimenId = created.json().id;
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.socket.disconnect();
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
      await database?.close();
    });

    it('sends everyone to the process hosting the room, whichever process they ask', async () => {
      const roomId = await newConsultation();
      // Nobody is in it yet: whichever process the browser reaches opens it.
      expect((await roomToken(second, 'expert.ningbo', roomId)).signallingUrl).toBeNull();
      const expert = await connect(first, 'expert.ningbo', roomId, second);
      const { peerId: expertPeerId } = await joinRoom(expert);
      expect(await holderOf(roomId)).toBe(first.baseUrl);

      // Asking the other process: its token answer names the host, and its signalling refuses, naming it too.
      const staffToken = await roomToken(second, 'staff.beilun', roomId);
      expect(staffToken.signallingUrl).toBe(first.baseUrl);
      const refusal = await connectSignalling(second.baseUrl, {
        token: await second.tokenFor('staff.beilun'),
        roomToken: staffToken.token,
      }).then(
        () => undefined,
        (error: RefusedHandshake) => error,
      );
      expect(refusal?.message).toMatch(/^room_elsewhere: /);
      expect(refusal?.data).toEqual({ code: 'room_elsewhere', signallingUrl: first.baseUrl });
      expect(await second.rtc!.rooms.find(roomId)).toBeUndefined();

      // Where it sends them, they meet: one room, one router.
      const staff = await connectSignalling(first.baseUrl, { token: await second.tokenFor('staff.beilun'), roomToken: staffToken.token });
      clients.push(staff);
      const joined = await joinRoom(staff);
      expect(joined.peers.map((peer) => peer.peerId)).toContain(expertPeerId);
      await expect.poll(() => expert.events.some((event) => event.name === 'peerJoined')).toBe(true);
    });

    it("sends a recording request made to the other process on to the host, with the caller's credentials", async () => {
      const roomId = await newConsultation();
      await joinRoom(await connect(first, 'expert.ningbo', roomId));
      // Checked again by the host: staff are not the room's host.
      const refused = await startRecording(second, 'staff.beilun', roomId);
      expect(refused.statusCode).toBe(403);
      expect(refused.error()).toMatchObject({ error: 'forbidden' });

      const started = await startRecording(second, 'expert.ningbo', roomId);
      if (!ffmpeg.available) {
        // The host answered: it has no FFmpeg either (the test machine's), and said so.
        expect(started.error()).toMatchObject({ error: 'recorder_unavailable' });
        return;
      }
      expect(started.statusCode, started.body).toBe(201);
      const { id: recordingId } = started.json();
      expect((await first.rtc!.rooms.find(roomId))?.recording).toMatchObject({ recordingId });
      const stopped = await (await as(second, 'expert.ningbo')).stopRecording({ params: { id: roomId, recordingId } });
      expect(stopped.statusCode, stopped.body).toBe(202);
      expect((await first.rtc!.rooms.find(roomId))?.recording).toBeNull();
      await first.services.recordings.drain();
    });

    it('answers plainly when the process hosting a room has no address, or does not answer', async () => {
      const roomId = await newConsultation();
      const hostElsewhere = (signallingUrl: string | null) =>
        sql`insert into room_hosts (room_id, process_id, signalling_url, lease_until) values (${roomId}, 'a-process-that-is-gone', ${signallingUrl}, now() + interval '1 minute')
            on conflict (room_id) do update set process_id = excluded.process_id, signalling_url = excluded.signalling_url, lease_until = excluded.lease_until`.execute(
          database.db,
        );
      const startRecordingOnSecond = () => startRecording(second, 'expert.ningbo', roomId);

      await hostElsewhere(null);
      const refusal = await connect(second, 'staff.beilun', roomId).then(
        () => undefined,
        (error: RefusedHandshake) => error,
      );
      expect(refusal?.data).toEqual({ code: 'room_elsewhere', signallingUrl: null });
      expect(refusal?.message).toMatch(/no PUBLIC_URL/);
      const unaddressed = await startRecordingOnSecond();
      expect(unaddressed.statusCode).toBe(409);
      expect(unaddressed.error()).toMatchObject({ error: 'room_live_elsewhere', message: expect.stringMatching(/PUBLIC_URL/) });

      const nobodyListens = `http://127.0.0.1:${await freePort()}`;
      await hostElsewhere(nobodyListens);
      const unreachable = await startRecordingOnSecond();
      expect(unreachable.statusCode).toBe(503);
      expect(unreachable.headers['retry-after']).toBe('5');
      expect(unreachable.error()).toMatchObject({ error: 'room_host_unreachable', message: expect.stringContaining(nobodyListens) });
      expect(await database.db.selectFrom('room_recordings').select('id').where('room_id', '=', roomId).execute()).toEqual([]);
    });

    it("takes a room over from a process that stopped renewing its lease, and sends that process's peers over", async () => {
      const roomId = await newConsultation();
      const expert = await connect(first, 'expert.ningbo', roomId);
      await joinRoom(expert);
      // As if the first process had stalled past its lease and the second had claimed the room meanwhile.
      const secondProcess = second.rtc!.hosting.self.processId;
      await sql`update room_hosts set process_id = ${secondProcess}, signalling_url = ${second.baseUrl}, lease_until = now() + interval '1 minute' where room_id = ${roomId}`.execute(
        database.db,
      );
      expect((await roomToken(first, 'staff.beilun', roomId)).signallingUrl).toBe(second.baseUrl);
      const staff = await connect(second, 'staff.beilun', roomId);
      await joinRoom(staff);
      expect(await holderOf(roomId)).toBe(second.baseUrl);

      // The first process notices at its next renewal: it closes its copy, and its peers are told to rejoin, there.
      await expect
        .poll(() => expert.events.find((event) => event.name === 'roomClosed')?.payload, { timeout: LEASE_MS * 4 })
        .toMatchObject({ reason: 'closed' });
      expect(await first.rtc!.rooms.find(roomId)).toBeUndefined();
      expect((await roomToken(first, 'expert.ningbo', roomId)).signallingUrl).toBe(second.baseUrl);
      const rejoined = await connect(second, 'expert.ningbo', roomId, first);
      expect((await joinRoom(rejoined)).peers).toHaveLength(1);
    });

    it('gives its rooms up when it shuts down, so the next person opens the room on a process still running', async () => {
      const roomId = await newConsultation();
      const third = await startProcess();
      try {
        await joinRoom(await connect(third, 'expert.ningbo', roomId));
        expect(await holderOf(roomId)).toBe(third.baseUrl);
      } finally {
        await third.close();
      }
      expect(await holderOf(roomId)).toBeUndefined();
      expect((await roomToken(first, 'staff.beilun', roomId)).signallingUrl).toBeNull();
      await joinRoom(await connect(first, 'staff.beilun', roomId));
      expect(await holderOf(roomId)).toBe(first.baseUrl);
    });

    it("lets a process restarted at the same address take its rooms back at once, though its crashed run's lease still runs", async () => {
      const roomId = await newConsultation();
      await sql`insert into room_hosts (room_id, process_id, signalling_url, lease_until) values (${roomId}, 'the-run-before-the-crash', ${first.baseUrl}, now() + interval '1 minute')`.execute(
        database.db,
      );
      await joinRoom(await connect(first, 'expert.ningbo', roomId));
      const host = await database.db
        .selectFrom('room_hosts')
        .select(['process_id'])
        .where('room_id', '=', roomId)
        .executeTakeFirstOrThrow();
      expect(host.process_id).toBe(first.rtc!.hosting.self.processId);
    });
  });
}
