import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints, SESSION_COOKIE } from '../contract/index.js';
import { AppError } from '../domain/errors.js';
import { actorOf } from '../http/authentication.js';
import { presentUser } from '../presenters/index.js';
import type { AuthService } from '../services/auth.service.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  tokenTtlSeconds: number;
  loginRateLimitPerMinute: number;
  loginRateLimitPerAddressPerMinute: number;
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  await app.register(rateLimit, { global: false });
  // Per client address alone, whatever the username: one address spraying usernames would otherwise get a fresh
  // allowance per name and keep the password hashing busy. The account itself stays usable from other addresses.
  const perAddress = app.createRateLimit({
    max: options.loginRateLimitPerAddressPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
  });

  app.route({
    ...endpoints.login,
    preValidation: async (request) => {
      const limit = await perAddress(request);
      if (!limit.isAllowed && limit.isExceeded) {
        throw new AppError(429, 'too_many_logins', 'Too many sign-in attempts from this address; try again later', undefined, {
          'retry-after': String(limit.ttlInSeconds),
        });
      }
    },
    config: {
      // Per client address and username: guessing one account is slowed without locking out a whole port's NAT.
      // Counted once the body is parsed (the plugin's default, onRequest, sees no username yet), before validation.
      rateLimit: {
        hook: 'preValidation',
        max: options.loginRateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => `${request.ip}|${String((request.body as { username?: unknown } | undefined)?.username ?? '')}`,
      },
    },
    handler: async (request, reply) => {
      const actor = await options.auth.login(request.body.username, request.body.password);
      const token = await app.signIn(actor, { userAgent: request.headers['user-agent'], ip: request.ip });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: options.tokenTtlSeconds,
      });
      return { token, user: presentUser(actor) };
    },
  });

  app.route({
    ...endpoints.logout,
    handler: async (request, reply) => {
      await app.signOut(request);
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).send(null);
    },
  });

  app.route({
    ...endpoints.getMe,
    onRequest: app.authenticate,
    handler: async (request) => ({ user: presentUser(actorOf(request)) }),
  });
};
