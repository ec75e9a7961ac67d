import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Actor } from '../domain/access.js';
import type { AuthService } from '../services/auth.service.js';
import { unauthorized } from './errors.js';

export const SESSION_COOKIE = 'vd_token';

export interface TokenClaims {
  sub: string;
}

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
    /** preHandler for routes that need a signed-in person; sets `request.actor`. */
    authenticate(request: FastifyRequest): Promise<void>;
    /** Verifies a bearer token (HTTP or socket.io handshake) and returns whom it belongs to. */
    actorFromToken(token: string): Promise<Actor>;
    issueToken(actor: Actor): string;
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

  app.decorate('actorFromToken', async (token: string) => {
    let claims: TokenClaims;
    try {
      claims = app.jwt.verify<TokenClaims>(token);
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    return resolveActor(options.auth, claims.sub);
  });

  app.decorate('authenticate', async (request: FastifyRequest) => {
    let claims: TokenClaims;
    try {
      claims = await request.jwtVerify<TokenClaims>();
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    request.actor = await resolveActor(options.auth, claims.sub);
  });
});

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
