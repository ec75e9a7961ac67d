import type { FastifyBaseLogger } from 'fastify';
import type { Namespace, Server, Socket } from 'socket.io';
import type { RoomKind as RtcRoomKind, RoomRole as RtcRoomRole } from '../../rtc/permissions.js';
import type { RoomEventKind as RtcRoomEventKind, RtcClientToServerEvents, RtcServerToClientEvents } from '../../rtc/protocol.js';
import { attachSignalling, type RoomTicket } from '../../rtc/signalling.js';
import type { LiveClientToServerEvents, LiveServerToClientEvents } from '../contract/index.js';
import type { Actor, SignedInSession } from '../domain/access.js';
import type { RoomEventKind, RoomKind, RoomRole } from '../domain/vocabulary.js';
import type { RoomRepository } from '../repositories/room.repository.js';
import type { QuizService } from '../services/quiz.service.js';
import { DatabaseQuizMaster } from './room-quizzes.js';
import { DatabaseRoomRecorder } from './room-recorder.js';
import type { RtcRuntime } from './rtc-runtime.js';
import { sessionTokenOf } from './live-gateway.js';

/** The socket.io namespace of live-room signalling (ADR 0009), on the same server as the live push. */
export const RTC_NAMESPACE = '/rtc';

// The API's room vocabulary (database, HTTP contract) is rtc/'s: a change on either side fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameVocabulary: [Same<RoomKind, RtcRoomKind>, Same<RoomRole, RtcRoomRole>, Same<RoomEventKind, RtcRoomEventKind>] = [
  true,
  true,
  true,
];
void sameVocabulary;

/** What the signalling needs of the API: the app wires it (`VectorDeskApp.signalling`). */
export interface RoomSignallingDependencies {
  rtc: RtcRuntime;
  /** Whom a session token belongs to, checked as on every HTTP request. */
  authenticate(token: string): Promise<SignedInSession>;
  /** Whether a room token lets this person into its room now, and as what. */
  admit(actor: Actor, roomToken: string): Promise<RoomTicket>;
  /** The room's record (joins, chat, annotations, stills). */
  roomRecords: RoomRepository;
  /** Class quizzes (ADR 0029). */
  quizzes: QuizService;
  log: FastifyBaseLogger;
}

/**
 * Serves live-room signalling on `/rtc` of the gateway's socket.io server: `rtc/`'s handlers with the API's admission
 * check and the database as the room's record. Does nothing (returns false) when live rooms are disabled.
 */
export function attachRoomSignalling(
  io: Server<LiveClientToServerEvents, LiveServerToClientEvents>,
  dependencies: RoomSignallingDependencies | undefined,
): boolean {
  if (!dependencies) return false;
  const { rtc } = dependencies;
  const quizzes = new DatabaseQuizMaster(dependencies.quizzes);
  // Its own event map: the namespace shares the server with the live push, not its events.
  attachSignalling(io.of(RTC_NAMESPACE) as unknown as Namespace<RtcClientToServerEvents, RtcServerToClientEvents>, {
    rooms: rtc.rooms,
    recorder: new DatabaseRoomRecorder(dependencies.roomRecords),
    quizzes,
    admit: async (socket) => {
      const { ticket, actor } = await admit(socket, dependencies);
      // Several processes may serve the rooms: the peer joins here only if this process hosts the room (ADR 0011).
      await rtc.hosting.claim(ticket.roomId);
      quizzes.seated(ticket, actor);
      return ticket;
    },
    log: dependencies.log,
  });
  return true;
}

/**
 * Who the socket is (the session token, exactly as the live push checks it) and whether their room token lets them
 * into the room it names, now: the ticket `rtc/` admits the peer with.
 */
async function admit(socket: Socket, dependencies: RoomSignallingDependencies): Promise<{ ticket: RoomTicket; actor: Actor }> {
  const token = sessionTokenOf(socket);
  if (!token) throw new Error('missing session token');
  let session: SignedInSession;
  try {
    session = await dependencies.authenticate(token);
  } catch {
    throw new Error('invalid or expired session token');
  }
  const roomToken = (socket.handshake.auth as { roomToken?: unknown }).roomToken;
  if (typeof roomToken !== 'string' || roomToken === '') throw new Error('missing room token (POST /api/v1/rooms/:id/token)');
  const ticket = await dependencies.admit(session.actor, roomToken);
  // The gateway's session guard closes the peer's socket when this session expires or is revoked (ADR 0017).
  socket.data.session = session;
  return { ticket, actor: session.actor };
}
