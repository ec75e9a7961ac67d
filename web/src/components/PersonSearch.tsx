import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { USER_LOOKUP_MAX, type PersonMatch, type Role } from '@contract';
import { api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { useDebounced } from '../use-debounced';
import { ErrorMessage } from './ErrorMessage';

/** How many matches are offered one by one. */
const SHOWN_MATCHES = 8;

interface Props {
  /** Whom to look for: people of this role in the user's unit and below. */
  role: Role;
  /** People not to offer (those chosen already). */
  exclude: ReadonlySet<string>;
  onPick: (people: PersonMatch[]) => void;
  texts: {
    /** The search box's placeholder and name. */
    search: string;
    /** Names the list of matches. */
    matches: string;
    noMatches: string;
    /** Offers every match at once ("add all"), labelled for their number; left out where people are picked one by one. */
    addAll?: (count: number) => string;
  };
  /** Prefix of the test ids: `<prefix>-search`, `<prefix>-match`, `<prefix>-add-all`. */
  testIdPrefix: string;
}

/** Finds people by name or username (`GET /api/v1/users`) and offers the matches to pick, one by one or all at once. */
export function PersonSearch({ role, exclude, onPick, texts, testIdPrefix }: Props) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const query = { q, role, limit: USER_LOOKUP_MAX };
  const { data, error } = useQuery({
    queryKey: queryKeys.peopleLookup(query),
    queryFn: ({ signal }) => api.lookupUsers({ query }, { signal }),
  });
  const matches = (data?.items ?? []).filter((person) => !exclude.has(person.id));

  return (
    <>
      <input
        type="search"
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder={texts.search}
        aria-label={texts.search}
        data-testid={`${testIdPrefix}-search`}
      />
      <ErrorMessage error={error} />
      {matches.length > 0 && (
        <ul className="person-matches" aria-label={texts.matches}>
          {matches.slice(0, SHOWN_MATCHES).map((person) => (
            <li key={person.id}>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => onPick([person])}
                data-testid={`${testIdPrefix}-match`}
                data-username={person.username}
              >
                + {person.displayName} ({person.username})
              </button>
            </li>
          ))}
          {texts.addAll && (
            <li>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => onPick(matches)}
                data-testid={`${testIdPrefix}-add-all`}
              >
                {texts.addAll(matches.length)}
              </button>
            </li>
          )}
        </ul>
      )}
      {data && matches.length === 0 && <p className="muted">{texts.noMatches}</p>}
    </>
  );
}
