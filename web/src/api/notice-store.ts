// A list of notices shown over every page (alerts raised, classes started) that components follow as it changes.
import { useSyncExternalStore } from 'react';

export interface NoticeStore<T> {
  /** Replaces the notices with what `change` makes of them; listeners hear of it only if that is a new list. */
  update(change: (notices: readonly T[]) => readonly T[]): void;
  clear(): void;
  use(): readonly T[];
}

export function noticeStore<T>(): NoticeStore<T> {
  const none: readonly T[] = [];
  let notices = none;
  const listeners = new Set<() => void>();
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const update = (change: (shown: readonly T[]) => readonly T[]) => {
    const next = change(notices);
    if (next === notices) return;
    notices = next;
    for (const listener of listeners) listener();
  };
  return {
    update,
    clear: () => update(() => none),
    use: () =>
      useSyncExternalStore(
        subscribe,
        () => notices,
        () => none,
      ),
  };
}
