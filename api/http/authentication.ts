import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { SESSION_COOKIE } from '../contract/index.js';
import type { Actor, SignedInSession } from '../domain/access.js';
import type { RoomTokenClaims } from '../domain/room.js';
import type { AuthService } from '../services/auth.service.js';
import { sessionRevoked, unauthorized } from '../domain/errors.js';

export interface TokenClaims {
  sub: string;
  /** The revocable session (ADR 0017) a session token belongs to; room tokens have none. */
  sid?: string;
  /** Expiry, seconds since the epoch (set by the signer). */
  exp?: number;
  /** Only room tokens carry an audience; a session token never does. */
  aud?: string | string[];
}

/** The audience of room tokens (ADR 0009): accepted only by the live-room signalling, never as a session. */
export const ROOM_TOKEN_AUDIENCE = 'vectordesk-room';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /**
     * `onRequest` hook of routes that need a signed-in person; sets `request.actor`. It runs before the body is parsed
     * and validated, so an anonymous caller learns nothing of the API from schema errors.
     */
    authenticate(request: FastifyRequest): Promise<void>;
    /** Verifies a session token (HTTP or socket.io handshake): whom it signs in, and its session. */
    sessionFromToken(token: string): Promise<SignedInSession>;
    /** Opens a session for someone whose credentials were checked and returns its token. */
    signIn(actor: Actor, client: { userAgent: string | undefined; ip: string }): Promise<string>;
    /** Logout: revokes the session of the request's token, if it carries a valid one. */
    signOut(request: FastifyRequest): Promise<void>;
    /** A short-lived room token (same signing secret, audience `vectordesk-room`). */
    issueRoomToken(claims: RoomTokenClaims, ttlSeconds: number): { token: string; expiresAt: Date };
    /** The claims of a valid, unexpired room token; throws otherwise. */
    verifyRoomToken(token: string): RoomTokenClaims;
  }
}

export interface AuthenticationOptions {
  secret: string;
  tokenTtlSeconds: number;
  auth: AuthService;
}

/**
 * Bearer tokens (JWT, HS256) for API clients and the same token in an httpOnly, SameSite=Strict
 * cookie for the browser, so `<img>` tags can load protected images without script access to the token.
 */
export const authentication = fastifyPlugin(async (app: FastifyInstance, options: AuthenticationOptions) => {
  await app.register(fastifyCookie);
  await app.register(fastifyJwt, {
    secret: options.secret,
    sign: { expiresIn: options.tokenTtlSeconds },
    cookie: { cookieName: SESSION_COOKIE, signed: false },
  });
  app.decorateRequest('actor', null);

  app.decorate('signIn', async (actor: Actor, client: { userAgent: string | undefined; ip: string }) => {
    const sessionId = crypto.randomUUID();
    const token = app.jwt.sign({ sub: actor.id, sid: sessionId });
    await options.auth.openSession({
      id: sessionId,
      userId: actor.id,
      expiresAt: expiryOf(token),
      userAgent: client.userAgent,
      ip: client.ip,
    });
    return token;
  });

  app.decorate('signOut', async (request: FastifyRequest) => {
    let claims: TokenClaims;
    try {
      claims = await request.jwtVerify<TokenClaims>();
    } catch {
      return; // Nothing valid to revoke: signing out still clears the cookie.
    }
    if (claims.aud === undefined && claims.sid !== undefined) await options.auth.endSession(claims.sid);
  });

  app.decorate('issueRoomToken', (claims: RoomTokenClaims, ttlSeconds: number) => {
    const payload: TokenClaims & RoomTokenClaims = { sub: claims.sub, room: claims.room, role: claims.role, kind: claims.kind };
    const token = app.jwt.sign(payload, { aud: ROOM_TOKEN_AUDIENCE, expiresIn: ttlSeconds });
    return { token, expiresAt: expiryOf(token) };
  });

  app.decorate('verifyRoomToken', (token: string) => {
    let claims: Partial<RoomTokenClaims>;
    try {
      claims = app.jwt.verify<Partial<RoomTokenClaims>>(token, { allowedAud: ROOM_TOKEN_AUDIENCE });
    } catch {
      throw unauthorized('Invalid or expired room token');
    }
    const { sub, room, role, kind } = claims;
    if (typeof sub !== 'string' || typeof room !== 'string' || !isRoomRole(role) || (kind !== 'consultation' && kind !== 'class')) {
      throw unauthorized('Invalid room token');
    }
    return { sub, room, role, kind };
  });

  app.decorate('sessionFromToken', async (token: string) => {
    let claims: TokenClaims;
    try {
      claims = app.jwt.verify<TokenClaims>(token);
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    return signedIn(options.auth, claims);
  });

  app.decorate('authenticate', async (request: FastifyRequest) => {
    let claims: TokenClaims;
    try {
      claims = await request.jwtVerify<TokenClaims>();
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    request.actor = (await signedIn(options.auth, claims)).actor;
  });

  function expiryOf(token: string): Date {
    const { exp } = app.jwt.decode<{ exp: number }>(token) ?? { exp: 0 };
    return new Date(exp * 1000);
  }
});

/**
 * The session a verified token names. Tokens meant for something else (room tokens carry an audience) are not
 * sessions; nor are tokens signed before sessions were revocable (no `sid`): those are refused as revoked.
 */
async function signedIn(auth: AuthService, claims: TokenClaims): Promise<SignedInSession> {
  if (claims.aud !== undefined) throw unauthorized('Missing, invalid or expired token');
  if (claims.sid === undefined || claims.exp === undefined) throw sessionRevoked();
  const actor = await auth.signedIn(claims.sid, claims.sub);
  return { actor, sessionId: claims.sid, expiresAt: new Date(claims.exp * 1000) };
}

function isRoomRole(role: unknown): role is RoomTokenClaims['role'] {
  return role === 'host' || role === 'participant' || role === 'trainee';
}

/** The signed-in person of a route behind `app.authenticate`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
