// socket.io connection for live specimen updates, authenticated with `auth: { token }`.
// The App opens/closes the connection with the session; components subscribe to events
// through a registry that survives reconnects and token changes.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { getToken } from './api/session';
import type { LiveClientToServerEvents, LiveServerToClientEvents, Specimen } from '@contract';

type LiveSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;
export type LiveEvent = keyof LiveServerToClientEvents;
export type LivePayload = { specimen: Specimen };
type Handler = (payload: LivePayload) => void;

const LIVE_EVENTS: readonly LiveEvent[] = ['specimen.created', 'specimen.updated', 'identification.completed'];

let socket: LiveSocket | null = null;
let connected = false;
const statusListeners = new Set<() => void>();
const handlers = new Map<LiveEvent, Set<Handler>>();
const reconnectListeners = new Set<() => void>();

function setConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const l of statusListeners) l();
}

function dispatch(event: LiveEvent, payload: LivePayload): void {
  if (!payload || typeof payload !== 'object' || !payload.specimen) return;
  for (const h of handlers.get(event) ?? []) {
    try {
      h(payload);
    } catch (err) {
      console.error(`live handler for ${event} failed`, err);
    }
  }
}

/** Opens the shared connection (idempotent). The token is read on every (re)connect. */
export function connectLive(): void {
  if (socket) return;
  const s: LiveSocket = io({
    path: '/socket.io',
    auth: (cb) => cb({ token: getToken() ?? '' }),
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10000,
  });
  let connectedBefore = false;
  s.on('connect', () => {
    setConnected(true);
    if (connectedBefore) for (const listener of reconnectListeners) listener();
    connectedBefore = true;
  });
  s.on('disconnect', () => setConnected(false));
  s.on('connect_error', () => setConnected(false));
  s.on('specimen.created', (p) => dispatch('specimen.created', p));
  s.on('specimen.updated', (p) => dispatch('specimen.updated', p));
  s.on('identification.completed', (p) => dispatch('identification.completed', p));
  socket = s;
}

export function disconnectLive(): void {
  if (!socket) return;
  socket.removeAllListeners();
  socket.disconnect();
  socket = null;
  setConnected(false);
}

/** Subscribe to a server event; returns an unsubscribe function. */
export function onLive(event: LiveEvent, handler: Handler): () => void {
  if (!LIVE_EVENTS.includes(event)) throw new Error(`unknown live event ${event}`);
  let set = handlers.get(event);
  if (!set) {
    set = new Set();
    handlers.set(event, set);
  }
  set.add(handler);
  return () => {
    set.delete(handler);
  };
}

/** Calls `listener` whenever the connection comes back after a break (pushes sent meanwhile are lost); returns an unsubscribe function. */
export function onLiveReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => {
    reconnectListeners.delete(listener);
  };
}

/** React hook: calls the latest `handler` for every `event` while mounted. */
export function useLiveEvent(event: LiveEvent, handler: Handler): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => onLive(event, (payload) => ref.current(payload)), [event]);
}

function subscribeStatus(cb: () => void): () => void {
  statusListeners.add(cb);
  return () => statusListeners.delete(cb);
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(subscribeStatus, () => connected, () => false);
}
