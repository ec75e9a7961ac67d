import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { PracticeSessionSummary } from '@contract';
import { practiceSessionsQuery } from '../api/practice-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { Icon } from '../components/Icon';
import { PracticeSetView } from '../components/practice/PracticeSetView';
import { StartPracticeForm } from '../components/practice/StartPracticeForm';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

const route = getRouteApi('/signed-in/practice');

/** The trainee's sets, newest first, each with its score and the way back into it. */
function PracticeSets({ sets }: { sets: readonly PracticeSessionSummary[] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  if (sets.length === 0) return null;
  return (
    <section className="card" data-testid="practice-sets">
      <h2 className="card-title">{t('practice.sets')}</h2>
      <table className="data-table">
        <thead>
          <tr>
            <th>{t('practice.started')}</th>
            <th>{t('practice.difficulty')}</th>
            <th className="num">{t('practice.scoreColumn')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sets.map((set) => (
            <tr key={set.id} data-testid="practice-set-row" data-session-id={set.id}>
              <td>
                <time dateTime={set.createdAt}>{formatDateTime(set.createdAt, lng)}</time>
              </td>
              <td>{t(`practice.difficulties.${set.difficulty}`)}</td>
              <td className="num">{t('practice.scoreShort', { correct: set.correct, answered: set.answered, count: set.size })}</td>
              <td className="num">
                <Link to="/practice" search={{ set: set.id }} className="btn btn-secondary btn-small">
                  {set.finishedAt ? t('practice.review') : t('practice.continue')}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `#/practice`: a new set, the sets so far; with `?set=` the set being worked through. */
export function PracticePage() {
  const { t } = useTranslation();
  const { set } = route.useSearch();
  const navigate = route.useNavigate();
  const sets = useQuery(practiceSessionsQuery);
  return (
    <section className="page" data-testid="practice-page">
      <h1 className="page-title">{t('practice.title')}</h1>
      {set ? (
        <>
          <p>
            <Link to="/practice" className="btn btn-ghost btn-small">
              <Icon name="arrowLeft" />
              {t('practice.allSets')}
            </Link>
          </p>
          <PracticeSetView sessionId={set} />
        </>
      ) : (
        <>
          <p className="muted">{t('practice.intro')}</p>
          <p>
            <Link to="/practice/progress" data-testid="practice-progress-link">
              {t('practice.progressLink')}
            </Link>
          </p>
          <StartPracticeForm onStarted={(id) => void navigate({ search: { set: id } })} />
          <ErrorMessage error={sets.error} />
          <PracticeSets sets={sets.data ?? []} />
        </>
      )}
    </section>
  );
}
