import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { CourseAssignment } from '@contract';
import { myAssignmentsQuery } from '../api/course-queries';
import { AssignmentResult, AssignmentStatusBadge } from '../components/courses/AssignmentProgressText';
import { ErrorMessage } from '../components/ErrorMessage';
import { ListBody } from '../components/ListBody';
import { ProgressBar } from '../components/ProgressBar';
import { useEnumLabel } from '../enums';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

/** Where to do an assignment: its practice set, or its class room. */
function OpenAssignment({ assignment }: { assignment: CourseAssignment }) {
  const { t } = useTranslation();
  if (assignment.kind === 'class')
    return (
      <Link to="/rooms/$id" params={{ id: assignment.room.id }} className="btn btn-secondary btn-small" data-testid="assignment-open">
        {t('learning.openClass')}
      </Link>
    );
  return (
    <Link
      to="/practice/assignments/$assignmentId"
      params={{ assignmentId: assignment.id }}
      className="btn btn-primary btn-small"
      data-testid="assignment-open"
    >
      {t('learning.practise')}
    </Link>
  );
}

/** `#/learning`: a trainee's assignments from all their courses, earliest due first, with where they stand overall. */
export function LearningPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const label = useEnumLabel();
  const { data, error, isPending, refetch } = useQuery(myAssignmentsQuery);
  const items = data?.items ?? [];

  return (
    <section className="page" data-testid="learning-page">
      <h1 className="page-title">{t('learning.title')}</h1>
      {data && data.totals.assignments > 0 && (
        <div className="card" data-testid="learning-totals" data-percent={data.totals.percentDone}>
          <ProgressBar value={data.totals.percentDone} label={t('learning.overall')} />
          <p className="muted small">{t('courses.totals', data.totals)}</p>
        </div>
      )}
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody pending={isPending} error={error} empty={items.length === 0} emptyText={t('learning.none')} emptyTestId="learning-empty">
        <table className="data-table" data-testid="learning-table">
          <thead>
            <tr>
              <th>{t('learning.course')}</th>
              <th>{t('courses.assignmentTitle')}</th>
              <th>{t('courses.kind')}</th>
              <th>{t('courses.dueAt')}</th>
              <th>{t('learning.status')}</th>
              <th>{t('learning.result')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map(({ course, assignment, progress }) => (
              <tr key={assignment.id} data-testid="learning-row" data-assignment-id={assignment.id} data-kind={assignment.kind}>
                <td data-label={t('learning.course')}>{course.title}</td>
                <td data-label={t('courses.assignmentTitle')}>{assignment.title}</td>
                <td data-label={t('courses.kind')}>{label('assignmentKind', assignment.kind)}</td>
                <td data-label={t('courses.dueAt')}>
                  <time dateTime={assignment.dueAt}>{formatDateTime(assignment.dueAt, lng)}</time>
                </td>
                <td data-label={t('learning.status')}>
                  <AssignmentStatusBadge status={progress.status} />
                </td>
                <td data-label={t('learning.result')}>
                  <AssignmentResult progress={progress} />
                </td>
                <td className="num">
                  <OpenAssignment assignment={assignment} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
    </section>
  );
}
