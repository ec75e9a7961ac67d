import type { Scope } from '../domain/access.js';
import { unprocessable } from '../domain/errors.js';
import type { RoomRepository } from '../repositories/room.repository.js';

/**
 * People enrolled by id (in a class, a course) must be active trainees in the enrolling person's scope:
 * `422 unknown_user` names the ids that are not, `422 not_a_trainee` those with another role.
 */
export async function requireActiveTrainees(
  people: Pick<RoomRepository, 'peopleInScope'>,
  scope: Scope,
  userIds: readonly string[],
  enrolledIn: string,
): Promise<void> {
  if (userIds.length === 0) return;
  const found = await people.peopleInScope([...userIds], scope);
  const known = new Map(found.filter((person) => !person.disabled).map((person) => [person.id, person]));
  const unknown = userIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw unprocessable('unknown_user', 'No such active user in your organisation', { userIds: unknown });
  const notTrainees = userIds.filter((id) => known.get(id)?.role !== 'trainee');
  if (notTrainees.length > 0)
    throw unprocessable('not_a_trainee', `Only people with the trainee role are enrolled in ${enrolledIn}`, { userIds: notTrainees });
}
