import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints, urlOf, type AssignmentTotals } from '@contract';
import { courseProgressQuery } from '../../api/course-queries';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { ListBody } from '../ListBody';
import { AssignmentResult, AssignmentStatusBadge } from './AssignmentProgressText';

function Totals({ totals }: { totals: AssignmentTotals }) {
  const { t } = useTranslation();
  return <span className="small">{t('courses.totals', totals)}</span>;
}

/** The group's table: members down, assignments across, with totals each way, and the same table as a CSV download. */
export function ProgressTable({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error, isPending, refetch } = useQuery(courseProgressQuery(courseId));

  return (
    <section className="card" data-testid="course-progress">
      <div className="card-head">
        <h2 className="card-title">{t('courses.progress')}</h2>
        {/* A plain download: the session cookie authorises it. */}
        <a
          className="btn btn-secondary btn-small"
          href={urlOf(endpoints.getCourseProgressCsv, { params: { id: courseId } })}
          download
          data-testid="progress-csv"
        >
          {t('courses.exportCsv')}
        </a>
      </div>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody
        pending={isPending}
        error={error}
        empty={!data || data.trainees.length === 0 || data.assignments.length === 0}
        emptyText={t('courses.noProgress')}
        emptyTestId="progress-empty"
      >
        {data && (
          <table className="data-table" data-testid="progress-table">
            <thead>
              <tr>
                <th>{t('courses.trainee')}</th>
                {data.assignments.map((assignment) => (
                  <th key={assignment.id} data-testid="progress-column" data-assignment-id={assignment.id}>
                    {assignment.title}
                    <div className="muted small">{t('courses.due', { time: formatDateTime(assignment.dueAt, lng) })}</div>
                  </th>
                ))}
                <th>{t('courses.overall')}</th>
              </tr>
            </thead>
            <tbody>
              {data.trainees.map((row) => (
                <tr key={row.trainee.id} data-testid="progress-row" data-username={row.trainee.username}>
                  <td>{row.trainee.displayName}</td>
                  {row.assignments.map((cell) => (
                    <td key={cell.assignmentId} data-testid="progress-cell" data-assignment-id={cell.assignmentId}>
                      <AssignmentStatusBadge status={cell.status} /> <AssignmentResult progress={cell} />
                    </td>
                  ))}
                  <td data-testid="progress-row-total" data-percent={row.totals.percentDone}>
                    <Totals totals={row.totals} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>{t('courses.groupTotals')}</th>
                {data.assignmentTotals.map((totals) => (
                  <td key={totals.assignmentId}>
                    <Totals totals={totals} />
                  </td>
                ))}
                <td data-testid="progress-total" data-percent={data.totals.percentDone}>
                  <Totals totals={data.totals} />
                </td>
              </tr>
            </tfoot>
          </table>
        )}
      </ListBody>
    </section>
  );
}
