// Half-filled forms kept while the person goes elsewhere in the app: leaving the page and coming back finds the form
// as it was left. Drafts live in memory for as long as the page does (chosen photos are File objects, which no storage
// keeps), so a reload starts afresh; each belongs to the person who wrote it.
import { useCallback, useState, type SetStateAction } from 'react';

const drafts = new Map<string, { owner: string; value: unknown }>();

function apply<T>(action: SetStateAction<T>, previous: T): T {
  return typeof action === 'function' ? (action as (previous: T) => T)(previous) : action;
}

/**
 * Like `useState`, for a part of a form: it starts from `owner`'s draft under `name` when there is one, and every
 * change through the setter is kept as the draft. `startAfresh` sets the value without keeping it, and forgets the
 * draft: after the form was sent, what it shows next is no longer a draft.
 */
export function useDraft<T>(
  name: string,
  owner: string,
  initial: () => T,
): [value: T, setValue: (action: SetStateAction<T>) => void, startAfresh: (action: SetStateAction<T>) => void] {
  const [value, setState] = useState<T>(() => {
    const draft = drafts.get(name);
    return draft?.owner === owner ? (draft.value as T) : initial();
  });
  const setValue = useCallback(
    (action: SetStateAction<T>) =>
      setState((previous) => {
        const next = apply(action, previous);
        drafts.set(name, { owner, value: next });
        return next;
      }),
    [name, owner],
  );
  const startAfresh = useCallback(
    (action: SetStateAction<T>) => {
      drafts.delete(name);
      setState(action);
    },
    [name],
  );
  return [value, setValue, startAfresh];
}
