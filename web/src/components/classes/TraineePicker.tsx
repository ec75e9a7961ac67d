import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { USER_LOOKUP_MAX, type PersonMatch } from '@contract';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { useDebounced } from '../../use-debounced';
import { ErrorMessage } from '../ErrorMessage';

/** How many matches are offered one by one; "add all" takes every match (the lookup's most). */
const SHOWN_MATCHES = 8;

interface Props {
  chosen: readonly PersonMatch[];
  onChange: (chosen: PersonMatch[]) => void;
}

/**
 * Finds trainees of the user's unit and below by name or username, to enrol one by one or as a group: "add all" takes
 * every trainee the search finds (with nothing typed, all of them).
 */
export function TraineePicker({ chosen, onChange }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const query = { q, role: 'trainee' as const, limit: USER_LOOKUP_MAX };
  const { data, error } = useQuery({
    queryKey: queryKeys.peopleLookup(query),
    queryFn: ({ signal }) => api.lookupUsers({ query }, { signal }),
  });
  const chosenIds = new Set(chosen.map((person) => person.id));
  const matches = (data?.items ?? []).filter((person) => !chosenIds.has(person.id));
  const add = (people: readonly PersonMatch[]) => onChange([...chosen, ...people]);

  return (
    <fieldset className="trainee-picker" data-testid="trainee-picker">
      <legend className="field-label">{t('classes.trainees')}</legend>
      <input
        type="search"
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder={t('classes.findTrainees')}
        aria-label={t('classes.findTrainees')}
        data-testid="trainee-search"
      />
      <ErrorMessage error={error} />
      {matches.length > 0 && (
        <ul className="trainee-matches" aria-label={t('classes.matches')}>
          {matches.slice(0, SHOWN_MATCHES).map((person) => (
            <li key={person.id}>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => add([person])}
                data-testid="trainee-match"
                data-username={person.username}
              >
                + {person.displayName} ({person.username})
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => add(matches)} data-testid="trainee-add-all">
              {t('classes.addAll', { count: matches.length })}
            </button>
          </li>
        </ul>
      )}
      {data && matches.length === 0 && <p className="muted">{t('classes.noMatches')}</p>}
      {chosen.length > 0 && (
        <ul className="trainee-chosen" aria-label={t('classes.enrolled')}>
          {chosen.map((person) => (
            <li key={person.id} className="badge" data-testid="trainee-chosen" data-username={person.username}>
              {person.displayName}{' '}
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={t('classes.remove', { name: person.displayName })}
                onClick={() => onChange(chosen.filter((other) => other.id !== person.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
