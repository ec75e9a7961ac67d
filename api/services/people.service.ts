import { permissions, scopeOf, type Actor } from '../domain/access.js';
import { forbidden } from '../domain/errors.js';
import type { PeopleLookup, PersonMatch, UserRepository } from '../repositories/user.repository.js';

/** Finding people by name within one's scope (the class enrolment picker). */
export class PeopleService {
  constructor(private readonly users: UserRepository) {}

  lookup(actor: Actor, lookup: PeopleLookup): Promise<PersonMatch[]> {
    if (!permissions.lookUpPeople(actor.role)) throw forbidden('Trainees do not look people up');
    return this.users.lookup(scopeOf(actor), { ...lookup, text: lookup.text.trim() });
  }
}
