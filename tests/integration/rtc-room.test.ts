import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionDenied } from '../../rtc/permissions.js';
import { Room } from '../../rtc/room.js';
import { WorkerPool } from '../../rtc/worker-pool.js';
import { mediasoupAvailability } from '../helpers/services.js';

const mediasoup = await mediasoupAvailability();
const transport = { listenInfos: [{ protocol: 'udp' as const, ip: '127.0.0.1' }] };
const vp8: types.RtpParameters = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 11_111 }] };
const opus: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 22_222 }],
};

describe.skipIf(!mediasoup.available)(`rtc Room on real mediasoup workers ${mediasoup.reason}`, () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await WorkerPool.start({
      size: 2,
      logLevel: 'error',
      restartDelayMs: 100,
      workerBin: process.env.MEDIASOUP_WORKER_BIN || undefined,
    });
  });
  afterAll(() => pool?.close());

  async function joinWithTransports(room: Room, peerId: string, role: 'host' | 'participant' | 'trainee') {
    await room.join(peerId, { userId: `user-${peerId}`, displayName: peerId, role });
    const send = await room.createTransport(peerId, 'send');
    const recv = await room.createTransport(peerId, 'recv');
    return { send: send.id, recv: recv.id };
  }

  it('puts peers on a router of another worker once the first is full, and pipes producers to them', async () => {
    const room = await Room.create({ id: 'overflow', kind: 'consultation', pool, transport, maxConsumersPerWorker: 1 });
    try {
      const expert = await joinWithTransports(room, 'expert', 'host');
      const producerId = await room.produce('expert', expert.send, 'video', 'camera', vp8);
      await joinWithTransports(room, 'staff', 'participant');
      const first = await room.consume('staff', producerId, room.rtpCapabilities);
      expect(room.routerCount).toBe(1);
      await joinWithTransports(room, 'late', 'participant');
      expect(room.routerCount).toBe(2);
      expect(pool.sameWorker(room.peers.get('late')!.router, room.peers.get('expert')!.router)).toBe(false);
      const piped = await room.consume('late', producerId, room.rtpCapabilities);
      expect(piped).toMatchObject({ producerId, peerId: 'expert', kind: 'video', source: 'camera' });
      expect(first.id).not.toBe(piped.id);
      // The producer going away reaches consumers on both routers.
      const closed: string[] = [];
      room.on('consumer-closed', (peerId) => closed.push(peerId));
      room.closeProducer('expert', producerId);
      await expect.poll(() => closed.sort()).toEqual(['late', 'staff']);
    } finally {
      room.close();
    }
  });

  it('refuses a trainee media without a grant, and closes the microphone when the grant runs out', async () => {
    const room = await Room.create({ id: 'class', kind: 'class', pool, transport });
    try {
      await joinWithTransports(room, 'presenter', 'host');
      const trainee = await joinWithTransports(room, 'trainee', 'trainee');
      await expect(room.produce('trainee', trainee.send, 'audio', 'microphone', opus)).rejects.toBeInstanceOf(PermissionDenied);
      expect(() => room.grantMicrophone('trainee', 'trainee', 60)).toThrow(PermissionDenied);
      room.raiseHand('trainee', true);
      room.grantMicrophone('presenter', 'trainee', 1);
      expect(room.peers.get('trainee')!.handRaised).toBe(false);
      await expect(room.produce('trainee', trainee.send, 'video', 'camera', vp8)).rejects.toBeInstanceOf(PermissionDenied);
      const microphone = await room.produce('trainee', trainee.send, 'audio', 'microphone', opus);
      const closed: string[] = [];
      room.on('producer-closed', ({ producerId }) => closed.push(producerId));
      await expect.poll(() => closed, { timeout: 3000 }).toEqual([microphone]);
      expect(room.peers.get('trainee')!.microphoneGrantedUntil).toBeUndefined();
    } finally {
      room.close();
    }
  });

  it("lets a consultation's participant raise and lower a hand, which the others are told of; never the host", async () => {
    const room = await Room.create({ id: 'hands', kind: 'consultation', pool, transport });
    try {
      await room.join('expert', { userId: 'user-expert', displayName: 'expert', role: 'host' });
      await room.join('staff', { userId: 'user-staff', displayName: 'staff', role: 'participant' });
      const updates: [string, boolean][] = [];
      room.on('peer-updated', (peer) => updates.push([peer.peerId, peer.handRaised]));
      room.raiseHand('staff', true);
      room.raiseHand('staff', false);
      expect(updates).toEqual([
        ['staff', true],
        ['staff', false],
      ]);
      expect(() => room.raiseHand('expert', true)).toThrow(PermissionDenied);
    } finally {
      room.close();
    }
  });

  it('closes the rooms of a worker that dies (clients rejoin) and replaces the worker', async () => {
    const room = await Room.create({ id: 'doomed', kind: 'consultation', pool, transport });
    await joinWithTransports(room, 'expert', 'host');
    const reasons: string[] = [];
    room.on('closed', (reason) => reasons.push(reason));
    const replaced = new Promise<number>((resolve) => pool.once('worker-replaced', resolve));
    const victim = pool.status().find((slot) => slot.routers > 0)!;
    process.kill(victim.pid, 'SIGKILL');
    await expect.poll(() => reasons, { timeout: 5000 }).toEqual(['worker-died']);
    expect(await replaced).toBe(victim.index);
    expect(pool.alive).toBe(2);
    const reopened = await Room.create({ id: 'doomed', kind: 'consultation', pool, transport });
    reopened.close();
  });
});
