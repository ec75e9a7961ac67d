// The browser's end of the `/rtc` signalling (ADR 0009), typed by the protocol the server declares (rtc/protocol.ts
// through @contract): a socket.io connection of its own per join (`forceNew`, no automatic reconnection: the room
// client rejoins instead), requests answered through socket.io acks, and the server's pushes as typed events.
import { io, type Socket } from 'socket.io-client';
import type {
  RoomElsewhere,
  RtcAnswer,
  RtcClientToServerEvents,
  RtcErrorCode,
  RtcHandshake,
  RtcRequestName,
  RtcRequestPayload,
  RtcServerToClientEvents,
} from '@contract';
import { getToken } from '../api/session';

export type RtcSocket = Socket<RtcServerToClientEvents, RtcClientToServerEvents>;

/** The server's refusals, and what goes wrong on the way: no answer in time, no connection. */
export type RoomErrorCode = RtcErrorCode | 'timeout' | 'disconnected';

/** A signalling request the server refused (or that got no answer). */
export class RoomRequestError extends Error {
  constructor(
    readonly code: RoomErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoomRequestError';
  }
}

const REQUEST_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 15_000;

/** Sends request `name` and resolves with the server's answer; rejects with a RoomRequestError. */
export function request<Name extends RtcRequestName>(
  socket: RtcSocket,
  name: Name,
  payload: RtcRequestPayload<Name>,
): Promise<RtcAnswer<Name>> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) {
      reject(new RoomRequestError('disconnected', `not connected (${name})`));
      return;
    }
    socket.timeout(REQUEST_TIMEOUT_MS).emit('request', name, payload, (error, answer) => {
      if (error) reject(new RoomRequestError('timeout', `no answer to ${name}`));
      // socket.io's typings widen the event map's generic request to every name; this ack answers `name`.
      else if (answer.ok) resolve(answer.data as RtcAnswer<Name>);
      else reject(new RoomRequestError(answer.error.code, answer.error.message));
    });
  });
}

/**
 * A connected `/rtc` socket of the server the room is live on: where the token answer says (null: this page's own
 * server), or where that server sends us when the room went live elsewhere meanwhile (ADR 0011). Events are only
 * pushed after `join`, so nothing is missed by listening once connected.
 */
export async function openSignalling(signallingUrl: string | null, roomToken: string): Promise<RtcSocket> {
  let base = signallingUrl ?? '';
  for (let redirects = 0; ; redirects += 1) {
    const socket: RtcSocket = io(`${base}/rtc`, {
      path: '/socket.io',
      auth: { token: getToken() ?? '', roomToken } satisfies RtcHandshake,
      forceNew: true,
      reconnection: false,
      transports: ['websocket', 'polling'],
      timeout: CONNECT_TIMEOUT_MS,
    });
    try {
      await connected(socket);
      return socket;
    } catch (error) {
      socket.disconnect();
      const elsewhere = error instanceof Error ? roomElsewhereOf(error) : null;
      if (elsewhere?.signallingUrl && redirects === 0) {
        base = elsewhere.signallingUrl;
        continue;
      }
      if (error instanceof Error && /unauthori[sz]ed/i.test(error.message)) throw new RoomRequestError('forbidden', error.message);
      throw error;
    }
  }
}

function connected(socket: RtcSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RoomRequestError('timeout', 'no answer from the signalling server')), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The refusal data of a server the room is not live on (socket.io hands a middleware error's `data` along, untyped). */
function roomElsewhereOf(error: Error): RoomElsewhere | null {
  const { data } = error as Error & { data?: Partial<RoomElsewhere> };
  return data?.code === 'room_elsewhere' ? { code: data.code, signallingUrl: data.signallingUrl ?? null } : null;
}
