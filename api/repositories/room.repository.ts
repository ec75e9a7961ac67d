import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { RoomEventKind, RoomKind, RoomRole } from '../domain/vocabulary.js';
import type { Scope } from '../domain/access.js';
import type { PersonRef, RoomEventRecordRow, RoomParticipantRecord, RoomRecord } from '../domain/room.js';
import { unitInScope } from './scope-filter.js';

export interface NewRoom {
  kind: RoomKind;
  title: string;
  specimenId: string | null;
  unitId: string;
  createdBy: string;
  scheduledAt: Date | null;
  description: string | null;
}

export interface RoomFilter {
  specimenId?: string | undefined;
  kind?: RoomKind | undefined;
  /** true: not ended; false: ended. */
  active?: boolean | undefined;
  /** Only the rooms the viewer is enrolled in (hosts or attends). */
  enrolled?: boolean | undefined;
}

export interface Page {
  limit: number;
  offset: number;
}

/** Who is looking: their scope, and their id (a trainee sees the classes they are enrolled in, whatever their unit). */
export interface Viewer {
  scope: Scope;
  userId: string;
}

/** A person who could be enrolled, with whether their unit lies in the enrolling person's scope. */
export interface Candidate extends PersonRef {
  role: 'admin' | 'expert' | 'staff' | 'trainee';
  disabled: boolean;
}

/**
 * Live rooms, their enrolment and their record. Reads of rooms take a `Viewer`: rooms of units in scope, plus rooms
 * the viewer is enrolled in; the record is read by room id once the caller has seen the room through this class.
 */
export class RoomRepository {
  constructor(private readonly db: Db) {}

  /** The room and its enrolled people in one transaction; `afterInsert` runs inside it (audit). */
  async create(
    room: NewRoom,
    participants: { userId: string; role: RoomRole }[],
    afterInsert: (trx: Transaction<Database>, roomId: string) => Promise<void>,
  ): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('rooms')
        .values({
          kind: room.kind,
          title: room.title,
          specimen_id: room.specimenId,
          unit_id: room.unitId,
          created_by: room.createdBy,
          scheduled_at: room.scheduledAt,
          description: room.description,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await enrolInRoom(trx, id, participants);
      await afterInsert(trx, id);
      return id;
    });
  }

  async findVisible(id: string, viewer: Viewer): Promise<RoomRecord | undefined> {
    const [room] = await this.select(viewer, (query) => query.where('rooms.id', '=', id));
    return room;
  }

  /** A room whatever the scope: for the live side, whose peers were admitted already. */
  async findById(id: string): Promise<RoomRecord | undefined> {
    const [room] = await this.select(undefined, (query) => query.where('rooms.id', '=', id));
    return room;
  }

  async listVisible(viewer: Viewer, filter: RoomFilter, page: Page): Promise<{ items: RoomRecord[]; total: number }> {
    const restrict = <Q extends RoomQuery>(query: Q): Q => applyFilter(query, filter, viewer);
    const { total } = await restrict(this.baseQuery(viewer))
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const items = await this.select(viewer, (query) =>
      restrict(query).orderBy('rooms.created_at', 'desc').orderBy('rooms.id').limit(page.limit).offset(page.offset),
    );
    return { items, total: Number(total) };
  }

  async participants(roomId: string): Promise<RoomParticipantRecord[]> {
    const rows = await this.db
      .selectFrom('room_participants')
      .innerJoin('users', 'users.id', 'room_participants.user_id')
      .select(['users.id', 'users.username', 'users.display_name', 'room_participants.role', 'room_participants.enrolled_at'])
      .where('room_participants.room_id', '=', roomId)
      .orderBy('room_participants.enrolled_at')
      .orderBy('users.username')
      .execute();
    return rows.map((row) => ({
      user: { id: row.id, username: row.username, displayName: row.display_name },
      role: row.role,
      enrolledAt: row.enrolled_at,
    }));
  }

  async participantRole(roomId: string, userId: string): Promise<RoomRole | undefined> {
    const row = await this.db
      .selectFrom('room_participants')
      .select('role')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  /** Enrols a person; false when they already were (their role is left as it was). */
  async addParticipant(
    roomId: string,
    userId: string,
    role: RoomRole,
    afterInsert: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('room_participants')
        .values({ room_id: roomId, user_id: userId, role })
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (inserted) await afterInsert(trx);
      return inserted !== undefined;
    });
  }

  /**
   * Sets `ended_at` unless it is set already; returns whether this call ended the room. Called from a route (after
   * the room was found in scope) and when the host ends a live room through the signalling.
   */
  async end(roomId: string, afterUpdate?: (trx: Transaction<Database>, endedAt: Date) => Promise<void>): Promise<Date | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('rooms')
        .set({ ended_at: sql<Date>`now()` })
        .where('id', '=', roomId)
        .where('ended_at', 'is', null)
        .returning('ended_at')
        .executeTakeFirst();
      if (!row?.ended_at) return undefined;
      await afterUpdate?.(trx, row.ended_at);
      return row.ended_at;
    });
  }

  /** People by id with their role, limited to those whose unit lies in `scope` (others are reported as missing). */
  async peopleInScope(userIds: string[], scope: Scope): Promise<Candidate[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['users.id', 'users.username', 'users.display_name', 'users.role', 'users.disabled'])
      .where('users.id', 'in', userIds)
      .where((eb) => unitInScope(eb, eb.ref('users.unit_id'), scope))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      disabled: row.disabled,
    }));
  }

  async recordEvent(
    roomId: string,
    event: { kind: RoomEventKind; userId: string; displayName: string; payload: Record<string, unknown> },
  ): Promise<RoomEventRecordRow> {
    const row = await this.db
      .insertInto('room_events')
      .values({
        room_id: roomId,
        kind: event.kind,
        user_id: event.userId,
        display_name: event.displayName,
        payload: JSON.stringify(event.payload),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEvent(row);
  }

  /**
   * What a late joiner replays: every chat message, the latest shared still, and the annotations and clears made
   * since that still (all of them when no still was shared), and the kept marks over live video with their clears
   * (whenever drawn: a still does not wipe them; fading ones have faded), oldest first.
   */
  async history(roomId: string): Promise<RoomEventRecordRow[]> {
    const sinceLatestStill = sql<SqlBool>`room_events.seq >= coalesce(
      (select max(still.seq) from room_events as still where still.room_id = ${roomId} and still.kind = 'still'), 0)`;
    const overLiveVideo = sql<SqlBool>`room_events.payload -> 'target' is not null`;
    const kept = sql<SqlBool>`room_events.payload ->> 'persistent' = 'true'`;
    const rows = await this.db
      .selectFrom('room_events')
      .selectAll()
      .where('room_id', '=', roomId)
      .where((eb) =>
        eb.or([
          eb('kind', '=', 'chat'),
          eb.and([eb('kind', 'in', ['still', 'annotation', 'annotations-cleared']), sinceLatestStill, eb.not(overLiveVideo)]),
          eb.and([overLiveVideo, eb.or([eb('kind', '=', 'annotations-cleared'), eb.and([eb('kind', '=', 'annotation'), kept])])]),
        ]),
      )
      .orderBy('seq')
      .execute();
    return rows.map(toEvent);
  }

  /** The room's record, oldest first, optionally only some kinds. */
  async events(roomId: string, kinds: RoomEventKind[] | undefined, page: Page): Promise<{ items: RoomEventRecordRow[]; total: number }> {
    const base = this.db
      .selectFrom('room_events')
      .where('room_id', '=', roomId)
      .$if(kinds !== undefined, (query) => query.where('kind', 'in', kinds ?? []));
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('seq').limit(page.limit).offset(page.offset).execute();
    return { items: rows.map(toEvent), total: Number(total) };
  }

  async eventCounts(roomId: string): Promise<Partial<Record<RoomEventKind, number>>> {
    const rows = await this.db
      .selectFrom('room_events')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('room_id', '=', roomId)
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
  }

  /** Rooms with their unit and creator: the ones `viewer` may see, or all (the live side's reads). */
  private baseQuery(viewer: Viewer | undefined) {
    return this.db
      .selectFrom('rooms')
      .innerJoin('units', 'units.id', 'rooms.unit_id')
      .innerJoin('users', 'users.id', 'rooms.created_by')
      .$if(viewer !== undefined, (query) => query.where((eb) => visibleTo(eb, viewer!)));
  }

  private async select(viewer: Viewer | undefined, refine: (query: RoomQuery) => RoomQuery): Promise<RoomRecord[]> {
    const rows = await refine(this.baseQuery(viewer))
      .selectAll('rooms')
      .select(['units.path as unit_path', 'users.username as creator_username', 'users.display_name as creator_display_name'])
      .execute();
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      specimenId: row.specimen_id,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      createdBy: { id: row.created_by, username: row.creator_username, displayName: row.creator_display_name },
      createdAt: row.created_at,
      endedAt: row.ended_at,
      scheduledAt: row.scheduled_at,
      description: row.description,
    }));
  }
}

type RoomQuery = ReturnType<RoomRepository['baseQuery']>;

/**
 * Enrols people in a room inside the caller's transaction (a new room, a course's class); people enrolled already keep
 * their role.
 */
export async function enrolInRoom(
  trx: Transaction<Database>,
  roomId: string,
  participants: { userId: string; role: RoomRole }[],
): Promise<void> {
  if (participants.length === 0) return;
  await trx
    .insertInto('room_participants')
    .values(participants.map((participant) => ({ room_id: roomId, user_id: participant.userId, role: participant.role })))
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
    .execute();
}

/** Rooms of units in the viewer's scope, and rooms the viewer is enrolled in. */
function visibleTo(eb: ExpressionBuilder<Database, 'rooms'>, viewer: Viewer): Expression<SqlBool> {
  return eb.or([unitInScope(eb, eb.ref('rooms.unit_id'), viewer.scope), enrolledIn(eb, viewer.userId)]);
}

function enrolledIn(eb: ExpressionBuilder<Database, 'rooms'>, userId: string): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('room_participants as enrolled')
      .select('enrolled.room_id')
      .whereRef('enrolled.room_id', '=', 'rooms.id')
      .where('enrolled.user_id', '=', userId),
  );
}

function applyFilter<Q extends RoomQuery>(query: Q, filter: RoomFilter, viewer: Viewer): Q {
  let result: RoomQuery = query;
  if (filter.specimenId) result = result.where('rooms.specimen_id', '=', filter.specimenId);
  if (filter.kind) result = result.where('rooms.kind', '=', filter.kind);
  if (filter.active !== undefined) result = result.where('rooms.ended_at', filter.active ? 'is' : 'is not', null);
  if (filter.enrolled !== undefined) {
    result = result.where((eb) => (filter.enrolled ? enrolledIn(eb, viewer.userId) : eb.not(enrolledIn(eb, viewer.userId))));
  }
  return result as Q;
}

/** A `room_events` row as the record the live side and the API share. */
export function toEvent(row: {
  id: string;
  kind: RoomEventKind;
  user_id: string;
  display_name: string;
  payload: Record<string, unknown>;
  at: Date;
}): RoomEventRecordRow {
  return { id: row.id, kind: row.kind, userId: row.user_id, displayName: row.display_name, payload: row.payload, at: row.at };
}
