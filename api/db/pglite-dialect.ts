import { PostgresDialect, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';

/**
 * Lets Kysely's PostgreSQL driver talk to embedded PGlite, so one query layer and one set of
 * migrations serve both backends.
 *
 * PGlite is a single connection. Kysely runs a transaction as separate statements on a leased
 * connection, so leases are handed out one at a time: otherwise a concurrent request's statement
 * would land inside another request's open transaction.
 */
/** What the dialect needs of PGlite: its single connection, in this thread or in its own (`PgliteThread`). */
export interface PgliteConnection {
  query<R>(sql: string, parameters: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  close(): Promise<void>;
}

export function createPgliteDialect(pglite: PgliteConnection): { dialect: PostgresDialect; writeCount: () => number } {
  const pool = new PgliteLeasePool(pglite);
  return { dialect: new PostgresDialect({ pool }), writeCount: () => pool.writes };
}

class PgliteLeasePool implements PostgresPool {
  readonly options = {};
  /** Statements that may have changed data, counted before they run. This process is PGlite's only client. */
  writes = 0;
  private lease: Promise<void> = Promise.resolve();

  constructor(private readonly pglite: PgliteConnection) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const previous = this.lease;
    this.lease = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return new PgliteClient(this.pglite, release, () => {
      this.writes += 1;
    });
  }

  async end(): Promise<void> {
    await this.lease;
    await this.pglite.close();
  }
}

class PgliteClient implements PostgresPoolClient {
  /** Kysely only asks the backend for its pid when this is missing; PGlite has a single backend. */
  readonly processID = 1;
  private released = false;

  constructor(
    private readonly pglite: PgliteConnection,
    private readonly onRelease: () => void,
    private readonly onWrite: () => void,
  ) {}

  // Kysely's streaming API (cursors) is not used by this project.
  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query(cursor: never): never;
  async query<R>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    if (!readOnlyPattern.test(sql)) this.onWrite();
    const result = await this.pglite.query<R>(sql, parameters ? [...parameters] : []);
    return { command: commandOf(sql), rowCount: result.affectedRows ?? 0, rows: result.rows };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

/** Plain reads; anything else (a `with` may hide an update) counts as a write. */
const readOnlyPattern = /^\s*(select|show|explain)\b/i;
const commandPattern = /^\s*(insert|update|delete|merge|commit|rollback)\b/i;

/** PGlite does not report the command tag that `pg` does; Kysely uses it to count affected rows. */
function commandOf(sql: string): PostgresQueryResult<unknown>['command'] {
  const match = commandPattern.exec(sql);
  return (match?.[1]?.toUpperCase() ?? 'SELECT') as PostgresQueryResult<unknown>['command'];
}
