// The live push (socket.io, `auth: { token }`): the App opens and closes the connection with the session; the query
// cache subscribes to its events (api/live-cache.ts) through a registry that survives reconnects and token changes.
import { useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { LiveEvents, type LiveClientToServerEvents, type LiveEvent, type LiveEventName, type LiveServerToClientEvents } from '@contract';
import { getToken } from './session';

type LiveSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;
type Handler<Name extends LiveEventName> = (payload: LiveEvent<Name>) => void;

const LIVE_EVENT_NAMES = Object.keys(LiveEvents) as LiveEventName[];

let socket: LiveSocket | null = null;
let connected = false;
const statusListeners = new Set<() => void>();
const handlers = new Map<LiveEventName, Set<Handler<LiveEventName>>>();
const reconnectListeners = new Set<() => void>();

function setConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const listener of statusListeners) listener();
}

function dispatch<Name extends LiveEventName>(event: Name, payload: LiveEvent<Name>): void {
  for (const handler of handlers.get(event) ?? []) {
    try {
      (handler as Handler<Name>)(payload);
    } catch (error) {
      console.error(`live handler for ${event} failed`, error);
    }
  }
}

/** Opens the shared connection (idempotent). The token is read on every (re)connect. */
export function connectLive(): void {
  if (socket) return;
  const opened: LiveSocket = io({
    path: '/socket.io',
    auth: (send) => send({ token: getToken() ?? '' }),
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10000,
  });
  let connectedBefore = false;
  opened.on('connect', () => {
    setConnected(true);
    if (connectedBefore) for (const listener of reconnectListeners) listener();
    connectedBefore = true;
  });
  opened.on('disconnect', () => setConnected(false));
  opened.on('connect_error', () => setConnected(false));
  for (const event of LIVE_EVENT_NAMES) opened.on(event, (payload: LiveEvent<typeof event>) => dispatch(event, payload));
  socket = opened;
}

export function disconnectLive(): void {
  if (!socket) return;
  socket.removeAllListeners();
  socket.disconnect();
  socket = null;
  setConnected(false);
}

/** Subscribes to a server event; returns the function that unsubscribes. */
export function onLive<Name extends LiveEventName>(event: Name, handler: Handler<Name>): () => void {
  let set = handlers.get(event);
  if (!set) {
    set = new Set();
    handlers.set(event, set);
  }
  const registered = handler as Handler<LiveEventName>;
  set.add(registered);
  return () => {
    set.delete(registered);
  };
}

/**
 * Calls `listener` whenever the connection comes back after a break (pushes sent meanwhile are lost); returns the
 * function that unsubscribes.
 */
export function onLiveReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => {
    reconnectListeners.delete(listener);
  };
}

function subscribeStatus(listener: () => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    subscribeStatus,
    () => connected,
    () => false,
  );
}
