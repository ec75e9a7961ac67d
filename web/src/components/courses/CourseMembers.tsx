import { useTranslation } from 'react-i18next';
import type { CourseMember } from '@contract';
import { useAddCourseMember, useRemoveCourseMember } from '../../api/course-queries';
import { ErrorMessage } from '../ErrorMessage';
import { PersonSearch } from '../PersonSearch';

interface Props {
  courseId: string;
  members: readonly CourseMember[];
  canManage: boolean;
}

/** The course's trainees; its instructors add trainees found by name (enrolled at once in its classes) and remove them. */
export function CourseMembers({ courseId, members, canManage }: Props) {
  const { t } = useTranslation();
  const add = useAddCourseMember(courseId);
  const remove = useRemoveCourseMember(courseId);

  return (
    <section className="card" data-testid="course-members">
      <h2 className="card-title">{t('courses.members', { count: members.length })}</h2>
      {members.length === 0 ? (
        <p className="empty">{t('courses.noMembers')}</p>
      ) : (
        <ul className="trainee-chosen">
          {members.map((member) => (
            <li key={member.user.id} className="badge" data-testid="course-member" data-username={member.user.username}>
              {member.user.displayName}
              {canManage && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => remove.mutate(member.user.id)}
                    disabled={remove.isPending}
                    aria-label={t('courses.removeMember', { name: member.user.displayName })}
                    data-testid="course-member-remove"
                  >
                    {t('courses.remove')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <div className="trainee-picker">
          <PersonSearch
            role="trainee"
            exclude={new Set(members.map((member) => member.user.id))}
            onPick={(people) => people.forEach((person) => add.mutate(person.id))}
            texts={{ search: t('courses.findTrainees'), matches: t('classes.matches'), noMatches: t('classes.noMatches') }}
            testIdPrefix="member"
          />
        </div>
      )}
      <ErrorMessage error={add.error ?? remove.error} />
    </section>
  );
}
