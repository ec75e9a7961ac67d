import { randomUUID } from 'node:crypto';
import { isUnitPathInScope, type Scope } from '../../../api/domain/access.js';
import { unauthorized } from '../../../api/domain/errors.js';
import type { RoomParticipantRecord, RoomRecord, RoomTokenClaims } from '../../../api/domain/room.js';
import type { RoomRole } from '../../../api/domain/vocabulary.js';
import type { Candidate, NewRoom, Page, RoomFilter, Viewer } from '../../../api/repositories/room.repository.js';
import type { RoomService, RoomTokens } from '../../../api/services/room.service.js';
import type { FakeOrganisation, FakePerson } from './organisation.js';
import type { FakeTransaction } from './transaction.js';

type Rooms = ConstructorParameters<typeof RoomService>[0];
type Transactional<Args extends unknown[]> = (trx: FakeTransaction['trx'], ...args: Args) => Promise<void>;

/**
 * RoomRepository in memory, as RoomService uses it: rooms are visible to viewers whose scope holds their unit and to
 * the people enrolled in them; enrolling someone twice keeps their first role; a room ends once.
 */
export class FakeRoomRepository implements Pick<
  Rooms,
  | 'create'
  | 'findVisible'
  | 'listVisible'
  | 'participants'
  | 'participantRole'
  | 'addParticipant'
  | 'end'
  | 'peopleInScope'
  | 'events'
  | 'eventCounts'
> {
  private readonly rooms = new Map<string, RoomRecord>();
  private readonly enrolled = new Map<string, RoomParticipantRecord[]>();

  constructor(
    private readonly organisation: FakeOrganisation,
    private readonly transaction: FakeTransaction,
  ) {}

  async create(
    room: NewRoom,
    participants: { userId: string; role: RoomRole }[],
    afterInsert: Transactional<[roomId: string]>,
  ): Promise<string> {
    const id = randomUUID();
    await afterInsert(this.transaction.trx, id);
    const { specimenId, unitId, kind, title, scheduledAt, description } = room;
    const unitPath = this.organisation.unitById(unitId).path;
    this.rooms.set(id, {
      id,
      kind,
      title,
      specimenId,
      unitId,
      unitPath,
      createdBy: this.personRef(room.createdBy),
      createdAt: new Date(),
      endedAt: null,
      scheduledAt,
      description,
    });
    this.enrolled.set(id, []);
    for (const participant of participants) this.enrol(id, participant.userId, participant.role);
    return id;
  }

  async findVisible(id: string, viewer: Viewer): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(id);
    return room && this.isVisible(room, viewer) ? { ...room } : undefined;
  }

  async listVisible(viewer: Viewer, filter: RoomFilter, page: Page): Promise<{ items: RoomRecord[]; total: number }> {
    const matching = [...this.rooms.values()]
      .filter((room) => this.isVisible(room, viewer))
      .filter((room) => !filter.specimenId || room.specimenId === filter.specimenId)
      .filter((room) => !filter.kind || room.kind === filter.kind)
      .filter((room) => filter.active === undefined || (room.endedAt === null) === filter.active)
      .filter((room) => filter.enrolled === undefined || this.isEnrolled(room.id, viewer.userId) === filter.enrolled)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    return { items: matching.slice(page.offset, page.offset + page.limit).map((room) => ({ ...room })), total: matching.length };
  }

  async participants(roomId: string): Promise<RoomParticipantRecord[]> {
    return [...(this.enrolled.get(roomId) ?? [])];
  }

  async participantRole(roomId: string, userId: string): Promise<RoomRole | undefined> {
    return this.enrolled.get(roomId)?.find((participant) => participant.user.id === userId)?.role;
  }

  async addParticipant(roomId: string, userId: string, role: RoomRole, afterInsert: Transactional<[]>): Promise<boolean> {
    if (await this.participantRole(roomId, userId)) return false;
    await afterInsert(this.transaction.trx);
    this.enrol(roomId, userId, role);
    return true;
  }

  async end(roomId: string, afterUpdate?: Transactional<[endedAt: Date]>): Promise<Date | undefined> {
    const room = this.rooms.get(roomId);
    if (!room || room.endedAt) return undefined;
    const endedAt = new Date();
    await afterUpdate?.(this.transaction.trx, endedAt);
    room.endedAt = endedAt;
    return endedAt;
  }

  async peopleInScope(userIds: string[], scope: Scope): Promise<Candidate[]> {
    return userIds
      .map((id) => this.organisation.personById(id))
      .filter((person): person is FakePerson => person !== undefined && isUnitPathInScope(scope, person.actor.unit.path))
      .map(({ actor, disabled }) => ({ ...this.personRef(actor.id), role: actor.role, disabled }));
  }

  /** No live room records events here: RoomService only passes them through. */
  async events(): Promise<{ items: never[]; total: number }> {
    return { items: [], total: 0 };
  }

  async eventCounts(): Promise<Record<never, number>> {
    return {};
  }

  private isVisible(room: RoomRecord, viewer: Viewer): boolean {
    return isUnitPathInScope(viewer.scope, room.unitPath) || this.isEnrolled(room.id, viewer.userId);
  }

  private isEnrolled(roomId: string, userId: string): boolean {
    return this.enrolled.get(roomId)!.some((participant) => participant.user.id === userId);
  }

  private enrol(roomId: string, userId: string, role: RoomRole): void {
    const participants = this.enrolled.get(roomId)!;
    if (!participants.some((participant) => participant.user.id === userId))
      participants.push({ user: this.personRef(userId), role, enrolledAt: new Date() });
  }

  private personRef(userId: string) {
    const person = this.organisation.personById(userId);
    if (!person) throw new Error(`no person with id ${userId} in the fake organisation`);
    const { id, username, displayName } = person.actor;
    return { id, username, displayName };
  }
}

/** Room tokens that say in the clear what they vouch for; unknown ones are refused as the real ones are. */
export class FakeRoomTokens implements RoomTokens {
  private readonly issued = new Map<string, RoomTokenClaims>();

  issue(claims: RoomTokenClaims, ttlSeconds: number): { token: string; expiresAt: Date } {
    const token = `room-token-${this.issued.size + 1}-${claims.role}`;
    this.issued.set(token, claims);
    return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
  }

  verify(token: string): RoomTokenClaims {
    const claims = this.issued.get(token);
    if (!claims) throw unauthorized('Invalid room token');
    return claims;
  }
}
