import { useTranslation } from 'react-i18next';
import type { AssignmentProgress, AssignmentScore } from '@contract';
import { useEnumLabel } from '../../enums';

const BADGES: Record<AssignmentProgress['status'], string> = {
  done: 'badge badge-confirmed',
  pending: 'badge',
  overdue: 'badge badge-rejected',
};

export function AssignmentStatusBadge({ status }: { status: AssignmentProgress['status'] }) {
  const label = useEnumLabel();
  return (
    <span className={BADGES[status]} data-testid="assignment-status" data-status={status}>
      {label('assignmentStatus', status)}
    </span>
  );
}

const score = (value: AssignmentScore) => `${value.correct}/${value.answered}`;

/** What a trainee did for one assignment, in a line: the practice sets and their scores, or attendance and quiz answers. */
export function AssignmentResult({ progress }: { progress: AssignmentProgress }) {
  const { t } = useTranslation();
  if (progress.kind === 'practice') {
    if (progress.setsStarted === 0) return <span className="muted">{t('courses.notStarted')}</span>;
    return (
      <span data-testid="assignment-result">
        {t('courses.practiceResult', { sets: progress.setsStarted, best: score(progress.best!), last: score(progress.last!) })}
      </span>
    );
  }
  return (
    <span data-testid="assignment-result" data-attended={progress.attended ? 'true' : 'false'}>
      {t(progress.attended ? 'courses.attended' : 'courses.absent')}
      {progress.quiz.questions > 0 && ` · ${t('courses.quizResult', { score: score(progress.quiz), questions: progress.quiz.questions })}`}
    </span>
  );
}
