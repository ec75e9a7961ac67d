// Sends what waits in the outbox: when the browser says it is back online, when the app starts, and every little
// while. Each item is sent under a Web Lock named after it, so two tabs do not send it at the same time; where the
// browser has no Web Locks, a second send is still harmless: the server answers a repeated client submission id with
// the specimen the first one made (ADR 0023).
import { endpoints } from '@contract';
import { ApiError, formOf, upload } from '../api/client';
import { outboxItemsOf, removeFromOutbox, updateOutboxItem, type OutboxItem } from './outbox-store';

/** How often the outbox is looked at while the app is open. */
export const OUTBOX_RETRY_MS = 15_000;
/** How long a sent item stays in the list, saying so, before it is removed. */
export const SENT_SHOWN_MS = 60_000;

const SENDABLE: readonly OutboxItem['state'][] = ['waiting', 'sending'];

/** Answers that say "not now" rather than "not this": signed out, timed out, too many requests. */
const TRY_AGAIN_STATUSES: readonly number[] = [401, 408, 429];

let running: Promise<void> | null = null;

/** Sends the person's waiting items one after the other and clears sent ones shown long enough; one run per tab at a time. */
export function sendOutbox(userId: string): Promise<void> {
  running ??= sendEach(userId).finally(() => {
    running = null;
  });
  return running;
}

async function sendEach(userId: string): Promise<void> {
  for (const item of await outboxItemsOf(userId)) {
    if (item.state === 'sent' && Date.now() - Date.parse(item.sentAt ?? item.queuedAt) > SENT_SHOWN_MS) {
      await removeFromOutbox(item.id);
    } else if (SENDABLE.includes(item.state) && navigator.onLine) {
      await exclusively(`vectordesk-outbox/${item.id}`, () => sendItem(item.id));
    }
  }
}

/** Runs `work` unless another tab holds the lock `name` (it is doing the work); without Web Locks, runs it. */
async function exclusively(name: string, work: () => Promise<void>): Promise<void> {
  if (!('locks' in navigator)) return work();
  await navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) await work();
  });
}

async function sendItem(id: string): Promise<void> {
  // Read again under the lock: another tab may have sent it since the list was read.
  const item = await updateOutboxItem(id, (stored) => (SENDABLE.includes(stored.state) ? { ...stored, state: 'sending' } : stored));
  if (item?.state !== 'sending') return;
  try {
    const photos = item.photos.map(({ name, data }) => new File([data], name, { type: data.type }));
    const specimen = await upload(endpoints.createSpecimen, {}, formOf(endpoints.createSpecimen, { metadata: item.metadata }, photos));
    await updateOutboxItem(id, (stored) => ({ ...stored, state: 'sent', specimenId: specimen.id, sentAt: new Date().toISOString() }));
  } catch (error) {
    const refusal = refusalOf(error);
    await updateOutboxItem(id, (stored) => (refusal ? { ...stored, state: 'refused', refusal } : { ...stored, state: 'waiting' }));
  }
}

/** The server's refusal of the submission itself (a 4xx that a later try would get again); undefined for "try again later". */
function refusalOf(error: unknown): OutboxItem['refusal'] {
  if (!(error instanceof ApiError) || error.status < 400 || error.status >= 500 || TRY_AGAIN_STATUSES.includes(error.status)) {
    return undefined;
  }
  return { code: error.code, message: error.message };
}

/** Sends the person's outbox now, whenever the browser comes back online, and every {@link OUTBOX_RETRY_MS}; returns the stop. */
export function startOutboxSender(userId: string): () => void {
  const send = () => {
    sendOutbox(userId).catch((error: unknown) => console.warn('the outbox could not be sent', error));
  };
  send();
  window.addEventListener('online', send);
  const timer = window.setInterval(send, OUTBOX_RETRY_MS);
  return () => {
    window.removeEventListener('online', send);
    window.clearInterval(timer);
  };
}
