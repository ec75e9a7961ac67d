import { Gauge, type Registry } from 'prom-client';
import type { RtcRuntime } from '../realtime/rtc-runtime.js';

/**
 * Live rooms on this process: mediasoup workers alive, rooms open, peers connected, recordings running (all 0 when
 * live rooms are disabled).
 */
export function rtcMetrics(registry: Registry, rtc: RtcRuntime | undefined): void {
  new Gauge({
    name: 'vectordesk_rtc_workers_alive',
    help: 'mediasoup workers running in this process',
    registers: [registry],
    collect() {
      this.set(rtc?.pool.alive ?? 0);
    },
  });
  new Gauge({
    name: 'vectordesk_rtc_rooms_open',
    help: 'Live rooms open in this process',
    registers: [registry],
    async collect() {
      this.set(rtc ? (await rtc.rooms.openRooms()).length : 0);
    },
  });
  new Gauge({
    name: 'vectordesk_rtc_peers',
    help: 'Peers (connections) in the live rooms of this process',
    registers: [registry],
    async collect() {
      const rooms = rtc ? await rtc.rooms.openRooms() : [];
      this.set(rooms.reduce((sum, room) => sum + room.peers.size, 0));
    },
  });
  new Gauge({
    name: 'vectordesk_rtc_recordings_active',
    help: 'Live rooms of this process being recorded now',
    registers: [registry],
    async collect() {
      const rooms = rtc ? await rtc.rooms.openRooms() : [];
      this.set(rooms.filter((room) => room.recording !== null).length);
    },
  });
}
