import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, SESSION_COOKIE } from '../http/authentication.js';
import { presentUser } from '../http/presenters.js';
import { errorResponses, UserSchema } from '../http/schemas.js';
import type { AuthService } from '../services/auth.service.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  tokenTtlSeconds: number;
  loginRateLimitPerMinute: number;
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  await app.register(rateLimit, { global: false });

  app.post(
    '/api/v1/auth/login',
    {
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
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets it as an httpOnly cookie',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), user: UserSchema }), ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const actor = await options.auth.login(request.body.username, request.body.password);
      const token = app.issueToken(actor);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: options.tokenTtlSeconds,
      });
      return { token, user: presentUser(actor) };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], summary: 'Clear the session cookie', response: { 204: Type.Null() } } },
    async (_request, reply) => reply.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).send(null),
  );

  app.get(
    '/api/v1/me',
    {
      preHandler: app.authenticate,
      schema: { tags: ['auth'], summary: 'Who the token belongs to', response: { 200: Type.Object({ user: UserSchema }), ...errorResponses(401) } },
    },
    async (request) => ({ user: presentUser(actorOf(request)) }),
  );
};
