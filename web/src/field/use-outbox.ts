// The outbox for React: the signed-in person's items, current with every change in any tab, and its sender.
import { useEffect, useState } from 'react';
import { onOutboxChange, outboxItemsOf, type OutboxItem } from './outbox-store';
import { startOutboxSender } from './outbox-sender';

export function useOutbox(userId: string): readonly OutboxItem[] {
  const [items, setItems] = useState<readonly OutboxItem[]>([]);
  useEffect(() => {
    let current = true;
    // Reads may finish out of order: only the latest one is shown.
    let latestRead = 0;
    const load = () => {
      const read = ++latestRead;
      outboxItemsOf(userId).then(
        (loaded) => {
          if (current && read === latestRead) setItems(loaded);
        },
        (error: unknown) => console.warn('the outbox could not be read', error),
      );
    };
    load();
    const unsubscribe = onOutboxChange(load);
    return () => {
      current = false;
      unsubscribe();
    };
  }, [userId]);
  return items;
}

/** Sends the person's outbox while they are signed in (see startOutboxSender). */
export function useOutboxSender(userId: string): void {
  useEffect(() => startOutboxSender(userId), [userId]);
}
