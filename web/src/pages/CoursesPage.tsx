import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonMatch } from '@contract';
import { coursesQuery, useCreateCourse } from '../api/course-queries';
import { TraineePicker } from '../components/classes/TraineePicker';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { ListBody } from '../components/ListBody';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

/** Starts a course with its title, what it is about and its first trainees, then opens it. */
function NewCourseForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateCourse();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [trainees, setTrainees] = useState<PersonMatch[]>([]);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed || create.isPending) return;
    create.mutate(
      { title: trimmed, ...(description.trim() ? { description: description.trim() } : {}), trainees: trainees.map((person) => person.id) },
      { onSuccess: (detail) => void navigate({ to: '/courses/$courseId', params: { courseId: detail.course.id } }) },
    );
  }

  return (
    <form className="card new-class" onSubmit={onSubmit} aria-label={t('courses.newCourse')}>
      <Field label={t('courses.courseTitle')} required layout="inline">
        <input
          type="text"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          required
          data-testid="new-course-title"
        />
      </Field>
      <Field label={t('classes.description')} layout="wide">
        <textarea
          value={description}
          maxLength={2000}
          rows={2}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="new-course-description"
        />
      </Field>
      <TraineePicker chosen={trainees} onChange={setTrainees} />
      <button type="submit" className="btn btn-primary" disabled={create.isPending || !title.trim()} data-testid="new-course-submit">
        {t('courses.create')}
      </button>
      <ErrorMessage error={create.error} />
    </form>
  );
}

/** `#/courses`: the courses of the instructor's scope, newest first, and a form to start one. */
export function CoursesPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error, isPending, refetch } = useQuery(coursesQuery);
  const courses = data ?? [];

  return (
    <section className="page" data-testid="courses-page">
      <h1 className="page-title">{t('courses.title')}</h1>
      <NewCourseForm />
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody pending={isPending} error={error} empty={courses.length === 0} emptyText={t('courses.none')} emptyTestId="courses-empty">
        <table className="data-table" data-testid="courses-table">
          <thead>
            <tr>
              <th>{t('courses.courseTitle')}</th>
              <th className="num">{t('courses.memberCount')}</th>
              <th className="num">{t('courses.assignmentCount')}</th>
              <th>{t('courses.createdBy')}</th>
              <th>{t('courses.createdAt')}</th>
            </tr>
          </thead>
          <tbody>
            {courses.map((course) => (
              <tr key={course.id} data-testid="course-row" data-course-id={course.id}>
                <td data-label={t('courses.courseTitle')}>
                  <Link to="/courses/$courseId" params={{ courseId: course.id }} className="row-link" data-testid="course-link">
                    {course.title}
                  </Link>{' '}
                  {course.archived && <span className="badge">{t('courses.archived')}</span>}
                  {course.description && <div className="muted">{course.description}</div>}
                </td>
                <td className="num" data-label={t('courses.memberCount')}>
                  {course.members}
                </td>
                <td className="num" data-label={t('courses.assignmentCount')}>
                  {course.assignments}
                </td>
                <td data-label={t('courses.createdBy')}>{course.createdBy.displayName}</td>
                <td data-label={t('courses.createdAt')}>
                  <time dateTime={course.createdAt}>{formatDateTime(course.createdAt, lng)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
    </section>
  );
}
