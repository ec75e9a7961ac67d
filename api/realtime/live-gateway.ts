import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { SESSION_COOKIE, type LiveClientToServerEvents, type LiveServerToClientEvents, type SpecimenEventName } from '../contract/index.js';
import type { SignedInSession } from '../domain/access.js';
import type { DomainEventBus } from '../domain/events.js';
import type { SpecimenRecord } from '../domain/specimen.js';
import { presentAlertNotice } from '../presenters/alerts.js';
import { presentRoom, presentSpecimen } from '../presenters/index.js';
import { SessionGuard, type SessionChecks } from './session-guard.js';
import { ALL_UNITS_ROOM, personRoom, roomsForAlertChannel, roomsForUnitPath, unitRoom, unitIdsOnPath } from './unit-channels.js';

export interface LiveGatewayOptions {
  httpServer: HttpServer;
  events: DomainEventBus;
  authenticate: (token: string) => Promise<SignedInSession>;
  /** Sockets close when their session expires or is revoked (ADR 0017), in this namespace and `/rtc`. */
  sessions: SessionChecks;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** How often revocations are looked for (one single-row read); by default every second. */
  sessionCheckIntervalMs?: number;
  /** With Redis, events reach sockets connected to any api process. */
  redis?: { publisher: Redis; subscriber: Redis } | undefined;
}

/**
 * The publisher and subscriber connections for the socket.io Redis adapter. The adapter does not catch a failed
 * publish, so a command must never fail: during a Redis outage it waits for the reconnect (ioredis' default gives
 * up after 20 reconnect attempts, ~10 s, and that rejection would crash the process); problems are logged.
 */
export function liveGatewayRedis(redisUrl: string, log: Pick<FastifyBaseLogger, 'warn'>): { publisher: Redis; subscriber: Redis } {
  const connect = () => {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    connection.on('error', (error: Error) => log.warn({ err: error }, 'live push Redis connection problem'));
    return connection;
  };
  return { publisher: connect(), subscriber: connect() };
}

/**
 * The live push channel. A socket joins one room per unit subtree it may see (its own unit,
 * granted units, or everything for administrators); an event about a specimen is sent to the rooms
 * of every unit on the specimen's unit path, so exactly the people whose scope contains it receive it.
 */
export class LiveGateway {
  readonly io: Server<LiveClientToServerEvents, LiveServerToClientEvents>;
  private readonly sessionGuard: SessionGuard;

  constructor(private readonly options: LiveGatewayOptions) {
    this.io = new Server(options.httpServer, {
      serveClient: false,
      // A page served by one process connects to the process hosting its live room (ADR 0011), at another address.
      // It authenticates with the explicit session token; cross-origin requests carry no cookies (credentials off).
      cors: { origin: true, credentials: false },
    });
    if (options.redis) this.io.adapter(createAdapter(options.redis.publisher, options.redis.subscriber));
    this.sessionGuard = new SessionGuard(this.io as unknown as Server, options.sessions, options.log, options.sessionCheckIntervalMs);
    this.io.use((socket, next) => {
      this.authenticateSocket(socket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    this.io.on('connection', (socket) => {
      const { actor } = socket.data.session as SignedInSession;
      void socket.join(personRoom(actor.id));
      if (actor.role === 'admin') void socket.join(ALL_UNITS_ROOM);
      else void socket.join([actor.unit.path, ...actor.grantedUnitPaths].map((path) => unitRoom(lastUnitId(path))));
    });
    options.events.on('specimen.created', (specimen) => this.publish('specimen.created', specimen));
    options.events.on('specimen.updated', (specimen) => this.publish('specimen.updated', specimen));
    options.events.on('identification.completed', (specimen) => this.publish('identification.completed', specimen));
    options.events.on('alert.changed', (notice) =>
      this.io.to(roomsForUnitPath(notice.unitPath)).emit('alert.changed', { alert: presentAlertNotice(notice) }),
    );
    options.events.on('alert.raised', (notice, { channelUnitPath }) => {
      const rooms = roomsForAlertChannel(notice.unitPath, channelUnitPath);
      if (rooms.length > 0) this.io.to(rooms).emit('alert.raised', { alert: presentAlertNotice(notice) });
    });
    options.events.on('class.started', (room, { traineeIds }) =>
      this.io.to(traineeIds.map(personRoom)).emit('class.started', { room: presentRoom(room) }),
    );
  }

  async close(): Promise<void> {
    this.sessionGuard.close();
    await this.io.close();
  }

  private publish(event: SpecimenEventName, specimen: SpecimenRecord): void {
    this.io.to(roomsForUnitPath(specimen.unitPath)).emit(event, { specimen: presentSpecimen(specimen) });
  }

  private async authenticateSocket(socket: Socket): Promise<void> {
    const token = sessionTokenOf(socket);
    if (!token) throw new Error('unauthorized: missing token');
    try {
      socket.data.session = await this.options.authenticate(token);
    } catch {
      throw new Error('unauthorized: invalid or expired token');
    }
  }
}

/** The session token of a socket.io handshake: `auth.token`, else the session cookie (as the browser sends it). */
export function sessionTokenOf(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown }).token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const cookieHeader = socket.handshake.headers.cookie ?? '';
  for (const pair of cookieHeader.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function lastUnitId(path: string): string {
  return unitIdsOnPath(path).at(-1) ?? '';
}
