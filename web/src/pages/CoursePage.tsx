import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { CourseAssignment, CourseDetail } from '@contract';
import { courseQuery, useDeleteCourseAssignment, useUpdateCourse } from '../api/course-queries';
import { CourseMembers } from '../components/courses/CourseMembers';
import { NewAssignmentForm } from '../components/courses/NewAssignmentForm';
import { ProgressTable } from '../components/courses/ProgressTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { Icon } from '../components/Icon';
import { useEnumLabel } from '../enums';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

const route = getRouteApi('/signed-in/courses/$courseId');

/** What an assignment asks for: the practice set's size and groups, or the class to attend. */
function AssignmentWhat({ assignment }: { assignment: CourseAssignment }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  if (assignment.kind === 'class')
    return (
      <Link to="/rooms/$id" params={{ id: assignment.room.id }} data-testid="assignment-room-link">
        {assignment.room.title}
      </Link>
    );
  const groups = assignment.groups.map((group) => label('group', group)).join(', ');
  return <span>{t('courses.practiceWhat', { size: assignment.size, groups: groups || t('common.any') })}</span>;
}

function Assignments({ detail }: { detail: CourseDetail }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const label = useEnumLabel();
  const remove = useDeleteCourseAssignment(detail.course.id);
  return (
    <section className="card" data-testid="course-assignments">
      <h2 className="card-title">{t('courses.assignments')}</h2>
      {detail.assignments.length === 0 ? (
        <p className="empty">{t('courses.noAssignments')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('courses.assignmentTitle')}</th>
              <th>{t('courses.kind')}</th>
              <th>{t('courses.what')}</th>
              <th>{t('courses.dueAt')}</th>
              {detail.canManage && <th />}
            </tr>
          </thead>
          <tbody>
            {detail.assignments.map((assignment) => (
              <tr key={assignment.id} data-testid="assignment-row" data-kind={assignment.kind} data-assignment-id={assignment.id}>
                <td data-label={t('courses.assignmentTitle')}>{assignment.title}</td>
                <td data-label={t('courses.kind')}>{label('assignmentKind', assignment.kind)}</td>
                <td data-label={t('courses.what')}>
                  <AssignmentWhat assignment={assignment} />
                </td>
                <td data-label={t('courses.dueAt')}>
                  <time dateTime={assignment.dueAt}>{formatDateTime(assignment.dueAt, lng)}</time>
                </td>
                {detail.canManage && (
                  <td className="num">
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      onClick={() => remove.mutate(assignment.id)}
                      disabled={remove.isPending}
                      data-testid="assignment-remove"
                    >
                      {t('courses.withdraw')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={remove.error} />
    </section>
  );
}

function ArchiveButton({ detail }: { detail: CourseDetail }) {
  const { t } = useTranslation();
  const update = useUpdateCourse(detail.course.id);
  const archived = detail.course.archived;
  return (
    <>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => update.mutate({ archived: !archived })}
        disabled={update.isPending}
        data-testid="course-archive"
      >
        {t(archived ? 'courses.restore' : 'courses.archive')}
      </button>
      <ErrorMessage error={update.error} />
    </>
  );
}

/** `#/courses/:courseId`: a course's members, assignments and, for its instructors, the group's progress. */
export function CoursePage() {
  const { t } = useTranslation();
  const { courseId } = route.useParams();
  const { data, error, isPending, refetch } = useQuery(courseQuery(courseId));

  if (isPending) return <p className="muted">{t('common.loading')}</p>;
  if (!data) return <ErrorMessage error={error} onRetry={() => void refetch()} />;
  const { course, canManage } = data;
  const editable = canManage && !course.archived;
  return (
    <section className="page" data-testid="course-page" data-course-id={course.id}>
      <div className="page-head">
        <Link to="/courses" className="btn btn-ghost btn-small">
          <Icon name="arrowLeft" /> {t('common.back')}
        </Link>
        <h1 className="page-title" data-testid="course-title">
          {course.title} {course.archived && <span className="badge">{t('courses.archived')}</span>}
        </h1>
        {canManage && <ArchiveButton detail={data} />}
      </div>
      {course.description && <p className="muted pre-wrap">{course.description}</p>}
      <CourseMembers courseId={course.id} members={data.members} canManage={editable} />
      <Assignments detail={{ ...data, canManage: editable }} />
      {editable && <NewAssignmentForm courseId={course.id} />}
      {canManage && <ProgressTable courseId={course.id} />}
    </section>
  );
}
