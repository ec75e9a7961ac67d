import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NewRoom, RtcAck, RtcAnswer, RtcRequestPayload } from '../../api/contract/index.js';
import { as } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { mediasoupAvailability } from '../helpers/services.js';
import { connectSignalling, joinRoom, notificationsNamed, type SignallingClient } from '../helpers/signalling-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const mediasoup = await mediasoupAvailability();

describe.skipIf(!mediasoup.available)(`live-room signalling on /rtc with a real mediasoup worker ${mediasoup.reason}`, () => {
  let server: TestServer;
  let specimenId: string;
  const clients: SignallingClient[] = [];

  const roomToken = async (username: string, roomId: string) => {
    const response = await (await as(server, username)).issueRoomToken({ params: { id: roomId } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().token;
  };
  const createRoom = async (username: string, body: NewRoom) => {
    const response = await (await as(server, username)).createRoom({ body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  };

  /** Connects to /rtc with the given handshake `auth`; rejects with the server's refusal. */
  async function open(auth: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<SignallingClient> {
    const client = await connectSignalling(server.baseUrl, auth, extraHeaders);
    clients.push(client);
    return client;
  }

  /** Signed in as `username` with a room token of their own: connected and joined. */
  async function join(username: string, roomId: string): Promise<SignallingClient & { joined: RtcAnswer<'join'> }> {
    const client = await open({ token: await server.tokenFor(username), roomToken: await roomToken(username, roomId) });
    return { ...client, joined: await joinRoom(client) };
  }

  beforeAll(async () => {
    server = await startTestServer('pglite');
    const created = await uploadSpecimen(await as(server, 'staff.beilun'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(7) }]);
    specimenId = created.json().id;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.disconnect();
  });
  afterAll(() => server?.close());

  it('refuses a handshake without a valid room token of the signed-in person', async () => {
    const consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId });
    const session = await server.tokenFor('staff.beilun');
    const staffRoomToken = await roomToken('staff.beilun', consultation);
    const refusals: [string, Record<string, unknown>][] = [
      ['no room token', { token: session }],
      ['a malformed room token', { token: session, roomToken: 'not.a.token' }],
      ['a session token as room token', { token: session, roomToken: session }],
      ["someone else's room token", { token: await server.tokenFor('expert.ningbo'), roomToken: staffRoomToken }],
      ['a room token without a session', { roomToken: staffRoomToken }],
      ['a room token as the session', { token: staffRoomToken, roomToken: staffRoomToken }],
    ];
    for (const [what, auth] of refusals) {
      await expect(open(auth), what).rejects.toThrow(/unauthorized/);
    }
    // The session may also come from the cookie, as the browser sends it.
    const byCookie = await open({ roomToken: staffRoomToken }, { cookie: `vd_token=${session}` });
    expect((await byCookie.request('routerRtpCapabilities')).ok).toBe(true);
  });

  it('keeps a trainee in a class from sending media (forbidden before mediasoup sees the parameters)', async () => {
    const classId = await createRoom('expert.ningbo', {
      kind: 'class',
      title: 'Anopheles',
      trainees: [(await server.repositories.users.findByUsername('trainee.ningbo'))!.id],
    });
    const trainee = await join('trainee.ningbo', classId);
    expect(trainee.joined).toMatchObject({ kind: 'class', you: { role: 'trainee', displayName: '宁波学员 Ningbo trainee' } });
    const transport = await trainee.request('createTransport', { direction: 'send' });
    expect(transport.ok, JSON.stringify(transport)).toBe(true);
    const transportId = (transport as Extract<RtcAck<'createTransport'>, { ok: true }>).data.id;
    const produce = await trainee.request('produce', { transportId, kind: 'video', source: 'camera', rtpParameters: {} });
    expect(produce).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const microphone = await trainee.request('produce', { transportId, kind: 'audio', source: 'microphone', rtpParameters: {} });
    expect(microphone).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await trainee.request('annotate', { shape: 'circle', points: [[0.5, 0.5]], colour: '#ff0000' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await trainee.request('end')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('delivers chat to the others as roomEvent, records it, replays it to late joiners, and ends the room for everyone', async () => {
    const consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId });
    const host = await join('expert.ningbo', consultation);
    const staff = await join('staff.beilun', consultation);
    expect(staff.joined).toMatchObject({ kind: 'consultation', you: { role: 'participant' }, history: [] });
    expect(staff.joined.peers.map((peer) => peer.role)).toEqual(['host']);

    const sent = await staff.request('chat', { text: '北仑 hold 3: 看这里 <b>legs</b>' });
    expect(sent.ok, JSON.stringify(sent)).toBe(true);
    await expect.poll(() => notificationsNamed(host, 'roomEvent')).toHaveLength(1);
    const chat = notificationsNamed(host, 'roomEvent')[0];
    expect(chat).toMatchObject({
      kind: 'chat',
      displayName: '北仑口岸工作人员 Beilun staff',
      payload: { text: '北仑 hold 3: 看这里 <b>legs</b>' },
    });
    expect(chat).toEqual((sent as Extract<RtcAck<'chat'>, { ok: true }>).data);
    const still = await host.request('shareStill', { imageId: 'image-1' });
    const arrow = await host.request('annotate', {
      shape: 'arrow',
      points: [
        [0.1, 0.1],
        [0.4, 0.6],
      ],
      colour: '#00ff00',
    });
    expect([still.ok, arrow.ok]).toEqual([true, true]);
    await expect.poll(() => notificationsNamed(staff, 'roomEvent').map((event) => event.kind)).toEqual(['chat', 'still', 'annotation']);

    // The API's record holds the same events.
    const eventsOf = async (username: string, kinds: string) =>
      (await as(server, username)).listRoomEvents({ params: { id: consultation }, query: { kinds } });
    const listed = await eventsOf('staff.beilun', 'chat,annotation,still');
    expect(listed.json().items).toEqual(notificationsNamed(staff, 'roomEvent'));
    const joins = await eventsOf('admin', 'joined');
    expect(joins.json().items.map((event) => [event.displayName, event.payload.role])).toEqual([
      ['宁波媒介专家 Ningbo expert', 'host'],
      ['北仑口岸工作人员 Beilun staff', 'participant'],
    ]);
    const expert = await as(server, 'expert.ningbo');
    const detail = await expert.getRoom({ params: { id: consultation } });
    expect(detail.json()).toMatchObject({ live: { open: true, peers: 2 } });

    // A late joiner replays chat, the shared still and its annotation.
    const late = await join('expert.hq', consultation);
    expect(late.joined.history.map((event) => [event.kind, event.payload])).toEqual([
      ['chat', { text: '北仑 hold 3: 看这里 <b>legs</b>' }],
      ['still', { imageId: 'image-1' }],
      [
        'annotation',
        {
          shape: 'arrow',
          points: [
            [0.1, 0.1],
            [0.4, 0.6],
          ],
          colour: '#00ff00',
        },
      ],
    ]);
    await expect.poll(() => notificationsNamed(host, 'peerJoined').length).toBe(2);

    // A participant cannot end it; the host can, and everyone is sent home.
    expect(await staff.request('end')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The host hears back before everyone (the host included) is disconnected.
    expect(await host.request('end')).toMatchObject({ ok: true });
    for (const client of [host, staff, late]) {
      await expect.poll(() => notificationsNamed(client, 'roomClosed')).toEqual([{ reason: 'ended', rejoin: false }]);
      await expect.poll(() => client.socket.connected).toBe(false);
    }
    // Everybody's departure from the ended room is in its record.
    await expect.poll(async () => (await eventsOf('expert.ningbo', 'left')).json().items.length).toBe(3);
    await expect.poll(async () => (await expert.getRoom({ params: { id: consultation } })).json().room.endedAt).toEqual(expect.any(String));
    expect((await (await as(server, 'staff.beilun')).issueRoomToken({ params: { id: consultation } })).statusCode).toBe(409);
  });

  it('relays and records a mark over a live video, refused over a producer not in the room or for a trainee', async () => {
    const consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId });
    const host = await join('expert.ningbo', consultation);
    const staff = await join('staff.beilun', consultation);
    const transport = await staff.request('createTransport', { direction: 'send' });
    if (!transport.ok) throw new Error(JSON.stringify(transport));
    const microscope = await staff.request('produce', {
      transportId: transport.data.id,
      kind: 'video',
      source: 'microscope',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] },
    });
    if (!microscope.ok) throw new Error(JSON.stringify(microscope));
    const target = { producerId: microscope.data.producerId };

    const mark: RtcRequestPayload<'annotate'> = { shape: 'circle', points: [[0.25, 0.75]], colour: '#ff8800', target };
    const drawn = await host.request('annotate', mark);
    if (!drawn.ok) throw new Error(JSON.stringify(drawn));
    expect(drawn.data).toMatchObject({ kind: 'annotation', payload: mark, at: expect.any(String) });
    await expect.poll(() => notificationsNamed(staff, 'roomEvent')).toEqual([drawn.data]);
    const cleared = await staff.request('clearAnnotations', { target });
    expect(cleared).toMatchObject({ ok: true, data: { kind: 'annotations-cleared', payload: { target } } });
    const stored = await (
      await as(server, 'expert.ningbo')
    ).listRoomEvents({
      params: { id: consultation },
      query: { kinds: 'annotation,annotations-cleared' },
    });
    expect(stored.json().items).toEqual([drawn.data, (cleared as Extract<RtcAck<'clearAnnotations'>, { ok: true }>).data]);

    // A late joiner replays the kept marks over live video, though a still was shared since; not fading ones, nor cleared ones.
    const kept = await staff.request('annotate', { ...mark, persistent: true });
    await host.request('shareStill', { imageId: 'image-1' });
    await host.request('annotate', { ...mark, points: [[0.5, 0.5]] });
    const late = await join('expert.hq', consultation);
    expect(late.joined.history.filter((event) => event.kind !== 'chat').map((event) => event.id)).toEqual([
      (cleared as Extract<RtcAck<'clearAnnotations'>, { ok: true }>).data.id,
      (kept as Extract<RtcAck<'annotate'>, { ok: true }>).data.id,
      expect.any(String),
    ]);
    expect(late.joined.history.at(-1)).toMatchObject({ kind: 'still' });

    const elsewhere = await host.request('annotate', { ...mark, target: { producerId: 'not-in-this-room' } });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/no video/) } });
    expect(await host.request('clearAnnotations', { target: { producerId: 'not-in-this-room' } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    const classId = await createRoom('expert.ningbo', {
      kind: 'class',
      title: 'Culex',
      trainees: [(await server.repositories.users.findByUsername('trainee.ningbo'))!.id],
    });
    const presenter = await join('expert.ningbo', classId);
    const trainee = await join('trainee.ningbo', classId);
    const presenterTransport = await presenter.request('createTransport', { direction: 'send' });
    if (!presenterTransport.ok) throw new Error(JSON.stringify(presenterTransport));
    const screen = await presenter.request('produce', {
      transportId: presenterTransport.data.id,
      kind: 'video',
      source: 'screen',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 2222 }] },
    });
    if (!screen.ok) throw new Error(JSON.stringify(screen));
    const overScreen = { ...mark, target: { producerId: screen.data.producerId } };
    expect(await trainee.request('annotate', overScreen)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await presenter.request('annotate', overScreen)).toMatchObject({ ok: true });
    await expect.poll(() => notificationsNamed(trainee, 'roomEvent').map((event) => event.kind)).toEqual(['annotation']);
  });

  it('ends a live room through the API too, and refuses a room token of an ended room at the handshake', async () => {
    const consultation = await createRoom('expert.ningbo', { kind: 'consultation', specimenId });
    const staffToken = await roomToken('staff.beilun', consultation);
    const host = await join('expert.ningbo', consultation);
    const ended = await (await as(server, 'expert.ningbo')).endRoom({ params: { id: consultation } });
    expect(ended.statusCode, ended.body).toBe(200);
    await expect.poll(() => notificationsNamed(host, 'roomClosed')).toEqual([{ reason: 'ended', rejoin: false }]);
    await expect(open({ token: await server.tokenFor('staff.beilun'), roomToken: staffToken })).rejects.toThrow(
      /unauthorized: This room has ended/,
    );
  });

  it('reports its mediasoup workers in /ready and /metrics', async () => {
    const ready = await server.app.inject({ url: '/ready' });
    expect(ready.json()).toMatchObject({
      checks: { rtc: { ok: true, detail: expect.stringMatching(/^1\/1 mediasoup worker\(s\) alive/) } },
    });
    const metrics = (await server.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^vectordesk_rtc_workers_alive 1$/m);
    expect(metrics).toMatch(/^vectordesk_rtc_rooms_open \d+$/m);
    expect(metrics).toMatch(/^vectordesk_rtc_peers \d+$/m);
  });
});
