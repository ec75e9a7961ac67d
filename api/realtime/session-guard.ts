import type { FastifyBaseLogger } from 'fastify';
import type { Namespace, Server, Socket } from 'socket.io';
import type { SignedInSession } from '../domain/access.js';

/** What the guard asks of the sessions (the auth service). */
export interface SessionChecks {
  /** Moves on every revocation, in any process (migrations 0003, 0008). */
  accessEpoch(): Promise<string>;
  liveSessionsAmong(sessionIds: readonly string[]): Promise<Set<string>>;
}

/**
 * Closes sockets whose session has ended (ADR 0017), in every namespace of the server: at the token's expiry, by a
 * timer per socket; and on revocation. A revocation moves the access epoch, so the guard polls that one row (free on
 * PGlite until something is written) and, when it moves, asks once which of this process's sockets' sessions are
 * still live. Each process guards its own sockets, so it does not matter which process, or what SQL, revoked.
 * Every namespace's middleware must put the verified session on `socket.data.session`; a socket without one is closed.
 */
export class SessionGuard {
  /** This process's sockets by session id. */
  private readonly sockets = new Map<string, Set<Socket>>();
  private readonly expiryTimers = new Map<Socket, NodeJS.Timeout>();
  /** Sessions that joined since the last check: authenticated before it, maybe revoked in between. */
  private readonly unchecked = new Set<string>();
  private lastEpoch: string | undefined;
  private checking = false;
  private readonly poll: NodeJS.Timeout;

  constructor(
    io: Server,
    private readonly checks: SessionChecks,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
    intervalMs = 1000,
  ) {
    this.guard(io.sockets);
    io.on('new_namespace', (namespace) => this.guard(namespace));
    this.poll = setInterval(() => void this.check(), intervalMs).unref();
  }

  close(): void {
    clearInterval(this.poll);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private guard(namespace: Namespace): void {
    namespace.on('connection', (socket) => this.watch(socket));
  }

  private watch(socket: Socket): void {
    const session = socket.data.session as SignedInSession | undefined;
    if (!session) {
      socket.disconnect(true);
      return;
    }
    this.expiryTimers.set(
      socket,
      setTimeout(() => socket.disconnect(true), Math.max(0, session.expiresAt.getTime() - Date.now())),
    );
    const sockets = this.sockets.get(session.sessionId) ?? new Set();
    this.sockets.set(session.sessionId, sockets.add(socket));
    this.unchecked.add(session.sessionId);
    socket.once('disconnect', () => {
      clearTimeout(this.expiryTimers.get(socket));
      this.expiryTimers.delete(socket);
      sockets.delete(socket);
      if (sockets.size === 0) this.sockets.delete(session.sessionId);
    });
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const epoch = await this.checks.accessEpoch();
      const sessionIds = epoch === this.lastEpoch ? [...this.unchecked] : [...this.sockets.keys()];
      this.lastEpoch = epoch;
      this.unchecked.clear();
      const live = await this.checks.liveSessionsAmong(sessionIds);
      for (const sessionId of sessionIds) {
        if (live.has(sessionId)) continue;
        for (const socket of this.sockets.get(sessionId) ?? []) socket.disconnect(true);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not check the sessions of open sockets; trying again');
    } finally {
      this.checking = false;
    }
  }
}
