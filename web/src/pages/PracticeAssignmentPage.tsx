import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { practiceSessionsQuery, useStartPractice } from '../api/practice-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { PracticeSetView } from '../components/practice/PracticeSetView';

const route = getRouteApi('/signed-in/practice/assignments/$assignmentId');

/**
 * `#/practice/assignments/$assignmentId` (linked from a course): the assignment's practice set — the unfinished one
 * started before, else a new one drawn as the assignment says.
 */
export function PracticeAssignmentPage() {
  const { t } = useTranslation();
  const { assignmentId } = route.useParams();
  const sets = useQuery(practiceSessionsQuery);
  const start = useStartPractice();
  const startedFor = useRef<string | null>(null);
  const unfinished = sets.data?.find((set) => set.assignmentId === assignmentId && set.finishedAt === null);
  const sessionId = unfinished?.id ?? start.data?.id;

  useEffect(() => {
    // Once per assignment: the list refetched after the start must not start another.
    if (!sets.data || unfinished || startedFor.current === assignmentId) return;
    startedFor.current = assignmentId;
    start.mutate({ assignmentId });
  }, [assignmentId, sets.data, unfinished, start]);

  return (
    <section className="page" data-testid="practice-assignment-page">
      <h1 className="page-title">{t('practice.assignmentTitle')}</h1>
      <ErrorMessage error={sets.error ?? start.error} testId="practice-assignment-error" />
      {sessionId && <PracticeSetView sessionId={sessionId} />}
    </section>
  );
}
