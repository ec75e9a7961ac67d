import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { practiceSessionsQuery, useStartPractice } from '../api/practice-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { PracticeSetView } from '../components/practice/PracticeSetView';

const route = getRouteApi('/signed-in/practice/assignments/$assignmentId');

/**
 * `#/practice/assignments/$assignmentId` (linked from a course): the assignment's practice set — the unfinished one
 * started before, else a new one drawn as the assignment says — kept in view until the page is left.
 */
export function PracticeAssignmentPage() {
  const { t } = useTranslation();
  const { assignmentId } = route.useParams();
  const sets = useQuery(practiceSessionsQuery);
  const start = useStartPractice();
  // The unfinished set of the assignment as the list read on arrival shows it (null: none, start one). Judged once per
  // visit: answering refetches the list, where the set may now be finished, and must neither hide it nor start another.
  const [resumed, setResumed] = useState<string | null | undefined>(undefined);
  if (resumed === undefined && sets.isFetchedAfterMount && sets.data)
    setResumed(sets.data.find((set) => set.assignmentId === assignmentId && set.finishedAt === null)?.id ?? null);
  const starting = useRef(false);

  useEffect(() => {
    if (resumed !== null || starting.current) return;
    starting.current = true;
    start.mutate({ assignmentId });
  }, [assignmentId, resumed, start]);
  const sessionId = resumed ?? start.data?.id;

  return (
    <section className="page" data-testid="practice-assignment-page">
      <h1 className="page-title">{t('practice.assignmentTitle')}</h1>
      <ErrorMessage error={sets.error ?? start.error} testId="practice-assignment-error" />
      {sessionId && <PracticeSetView sessionId={sessionId} />}
    </section>
  );
}
