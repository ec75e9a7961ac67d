import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lab } from '@contract';
import { labsQuery } from '../../api/appointment-queries';
import { unitName } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Field } from '../Field';

interface Props {
  /** The labs the page is for: those the user may book at, or those they manage. */
  which: (lab: Lab) => boolean;
  /** The lab the URL names; the first of them when it names none of them. */
  labId: string | undefined;
  onChoose: (labId: string) => void;
  /** What the page says when the user has no such lab. */
  none: { text: string; testId: string };
  children: (lab: Lab) => ReactNode;
}

/** The lab a page shows, with a picker when the user has several, or why there is none. */
export function ChosenLab({ which, labId, onChoose, none, children }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error, isPending, refetch } = useQuery(labsQuery);
  const labs = data?.filter(which) ?? [];
  const lab = labs.find((candidate) => candidate.id === labId) ?? labs[0];
  return (
    <>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : !lab ? (
        !error && (
          <p className="empty" data-testid={none.testId}>
            {none.text}
          </p>
        )
      ) : (
        <>
          {labs.length > 1 && (
            <Field label={t('schedule.lab')} layout="inline">
              <select value={lab.id} onChange={(event) => onChoose(event.target.value)} data-testid="lab-picker">
                {labs.map((option) => (
                  <option key={option.id} value={option.id}>
                    {unitName(option, lng)} · {unitName(option.unit, lng)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {children(lab)}
        </>
      )}
    </>
  );
}
