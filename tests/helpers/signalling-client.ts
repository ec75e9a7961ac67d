import { io as connect, type Socket } from 'socket.io-client';
import type {
  RtcAck,
  RtcAnswer,
  RtcNotification,
  RtcNotificationName,
  RtcRequestName,
  RtcRequestPayload,
} from '../../api/contract/index.js';

/** A client of a server's `/rtc` signalling that records every event pushed to it. */
export interface SignallingClient {
  socket: Socket;
  events: { name: string; payload: unknown }[];
  request<Name extends RtcRequestName>(name: Name, payload?: RtcRequestPayload<Name>): Promise<RtcAck<Name>>;
}

/** Why a handshake was refused: socket.io's `connect_error`, with the server's `data` where it gave some. */
export type RefusedHandshake = Error & { data?: Record<string, unknown> };

/** Connects to `${baseUrl}/rtc` with the given handshake `auth`; rejects with the server's refusal. */
export async function connectSignalling(
  baseUrl: string,
  auth: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
): Promise<SignallingClient> {
  const socket = connect(`${baseUrl}/rtc`, { transports: ['websocket'], auth, extraHeaders, reconnection: false, forceNew: true });
  const client: SignallingClient = {
    socket,
    events: [],
    request: <Name extends RtcRequestName>(name: Name, payload: RtcRequestPayload<Name> | Record<string, never> = {}) =>
      socket.timeout(10_000).emitWithAck('request', name, payload) as Promise<RtcAck<Name>>,
  };
  socket.onAny((name: string, payload: unknown) => client.events.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: RefusedHandshake) => {
      socket.disconnect();
      reject(error);
    });
  });
  return client;
}

/** The notifications named `name` the client has received so far, oldest first. */
export function notificationsNamed<Name extends RtcNotificationName>(client: SignallingClient, name: Name): RtcNotification<Name>[] {
  return client.events.filter((event) => event.name === name).map((event) => event.payload as RtcNotification<Name>);
}

/** Loads the router's capabilities and joins; the join answer (peers, producers, history …). */
export async function joinRoom(client: SignallingClient): Promise<RtcAnswer<'join'>> {
  const capabilities = await client.request('routerRtpCapabilities');
  if (!capabilities.ok) throw new Error(`routerRtpCapabilities refused: ${JSON.stringify(capabilities.error)}`);
  const joined = await client.request('join', { rtpCapabilities: capabilities.data as Record<string, unknown> });
  if (!joined.ok) throw new Error(`join refused: ${JSON.stringify(joined.error)}`);
  return joined.data;
}
