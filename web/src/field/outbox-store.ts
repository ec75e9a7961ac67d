// The outbox: submissions kept on this device (IndexedDB) until the server has them (ADR 0023). Every change is told
// to this tab's listeners and, through a BroadcastChannel, to the app's other tabs.
import type { SpecimenMetadata } from '@contract';

/**
 * `waiting`: for the network; `sending`: one tab is sending it (or was, when it closed mid-way); `sent`: the server
 * has it (`specimenId`); `refused`: the server refused it (`refusal`) and would again.
 */
export type OutboxState = 'waiting' | 'sending' | 'sent' | 'refused';

export interface OutboxPhoto {
  name: string;
  data: Blob;
}

export interface OutboxItem {
  /** The submission's `clientSubmissionId`: sent again, it answers the specimen it made, never a second one. */
  id: string;
  /** Who submitted it: only they send it, with their own session. */
  userId: string;
  metadata: SpecimenMetadata & { clientSubmissionId: string };
  photos: OutboxPhoto[];
  queuedAt: string;
  state: OutboxState;
  specimenId?: string;
  sentAt?: string;
  refusal?: { code: string; message: string };
}

const DATABASE = 'vectordesk-field';
const STORE = 'outbox';
const CHANNEL = 'vectordesk-outbox';

let opening: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' }).createIndex('userId', 'userId');
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of the app opening the database asks this one to let go.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error(`IndexedDB ${DATABASE} could not be opened`));
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

/** Runs `work` in one transaction on the outbox; resolves with what `work` settled on once the transaction is committed. */
async function inTransaction<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore, settle: (result: T) => void) => void): Promise<T> {
  const db = await database();
  return new Promise<T>((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    let result: T;
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    work(transaction.objectStore(STORE), (value) => {
      result = value;
    });
  });
}

/** The person's items, oldest first. */
export function outboxItemsOf(userId: string): Promise<OutboxItem[]> {
  return inTransaction<OutboxItem[]>('readonly', (store, settle) => {
    const request = store.index('userId').getAll(userId);
    request.onsuccess = () => settle((request.result as OutboxItem[]).toSorted((a, b) => a.queuedAt.localeCompare(b.queuedAt)));
  });
}

export async function addToOutbox(item: OutboxItem): Promise<void> {
  await inTransaction<void>('readwrite', (store) => store.add(item));
  changed();
}

/**
 * Reads an item and writes what `change` makes of it, in one transaction, so two tabs cannot both move it on from
 * the same state; undefined when there is no such item.
 */
export async function updateOutboxItem(id: string, change: (item: OutboxItem) => OutboxItem): Promise<OutboxItem | undefined> {
  const updated = await inTransaction<OutboxItem | undefined>('readwrite', (store, settle) => {
    const request = store.get(id);
    request.onsuccess = () => {
      const item = request.result as OutboxItem | undefined;
      const next = item && change(item);
      settle(next);
      if (next) store.put(next);
    };
  });
  changed();
  return updated;
}

export async function removeFromOutbox(id: string): Promise<void> {
  await inTransaction<void>('readwrite', (store) => store.delete(id));
  changed();
}

const listeners = new Set<() => void>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
channel?.addEventListener('message', () => notify());

function notify(): void {
  for (const listener of listeners) listener();
}

function changed(): void {
  notify();
  channel?.postMessage('changed');
}

/** Calls `listener` after every change of the outbox, in this tab or another; returns the unsubscribe. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
