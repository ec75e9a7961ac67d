import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { SESSION_COOKIE } from '../contract/index.js';
import type { Actor } from '../domain/access.js';
import type { RoomTokenClaims } from '../domain/room.js';
import type { AuthService } from '../services/auth.service.js';
import { unauthorized } from '../domain/errors.js';

export interface TokenClaims {
  sub: string;
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
    /** Verifies a bearer token (HTTP or socket.io handshake) and returns whom it belongs to. */
    actorFromToken(token: string): Promise<Actor>;
    issueToken(actor: Actor): string;
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

  app.decorate('issueToken', (actor: Actor) => app.jwt.sign({ sub: actor.id }));

  app.decorate('issueRoomToken', (claims: RoomTokenClaims, ttlSeconds: number) => {
    const payload: TokenClaims & RoomTokenClaims = { sub: claims.sub, room: claims.room, role: claims.role, kind: claims.kind };
    const token = app.jwt.sign(payload, { aud: ROOM_TOKEN_AUDIENCE, expiresIn: ttlSeconds });
    const { exp } = app.jwt.decode<{ exp: number }>(token) ?? { exp: 0 };
    return { token, expiresAt: new Date(exp * 1000) };
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

  app.decorate('actorFromToken', async (token: string) => {
    let claims: TokenClaims;
    try {
      claims = app.jwt.verify<TokenClaims>(token);
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    return resolveActor(options.auth, sessionSubject(claims));
  });

  app.decorate('authenticate', async (request: FastifyRequest) => {
    let claims: TokenClaims;
    try {
      claims = await request.jwtVerify<TokenClaims>();
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    request.actor = await resolveActor(options.auth, sessionSubject(claims));
  });
});

/** A session token's subject. Tokens meant for something else (room tokens carry an audience) are not sessions. */
function sessionSubject(claims: TokenClaims): string {
  if (claims.aud !== undefined) throw unauthorized('Missing, invalid or expired token');
  return claims.sub;
}

function isRoomRole(role: unknown): role is RoomTokenClaims['role'] {
  return role === 'host' || role === 'participant' || role === 'trainee';
}

async function resolveActor(auth: AuthService, userId: string): Promise<Actor> {
  const actor = await auth.actorFor(userId);
  if (!actor) throw unauthorized('This account no longer exists or is disabled');
  return actor;
}

/** The signed-in person of a route behind `app.authenticate`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
