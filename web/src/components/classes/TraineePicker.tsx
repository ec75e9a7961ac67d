import { useTranslation } from 'react-i18next';
import type { PersonMatch } from '@contract';
import { PersonSearch } from '../PersonSearch';

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
  return (
    <fieldset className="trainee-picker" data-testid="trainee-picker">
      <legend className="field-label">{t('classes.trainees')}</legend>
      <PersonSearch
        role="trainee"
        exclude={new Set(chosen.map((person) => person.id))}
        onPick={(people) => onChange([...chosen, ...people])}
        texts={{
          search: t('classes.findTrainees'),
          matches: t('classes.matches'),
          noMatches: t('classes.noMatches'),
          addAll: (count) => t('classes.addAll', { count }),
        }}
        testIdPrefix="trainee"
      />
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
