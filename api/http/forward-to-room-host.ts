import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoomHosting } from '../realtime/room-hosting.js';
import { conflict, serviceUnavailable } from '../domain/errors.js';

/** Marks a request one process sent on to another, which then answers it itself rather than sending it on again. */
export const FORWARDED_BY_HEADER = 'x-vectordesk-forwarded-by';

const FORWARD_TIMEOUT_MS = 30_000;

/**
 * A route hook (after authentication) for requests that act on a live room's media, such as starting a recording:
 * where another process hosts the room (ADR 0011), the request goes on to it with the caller's credentials and its
 * answer comes back as it is; that process checks everything again.
 */
export function forwardToRoomHost(hosting: RoomHosting | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!hosting || request.headers[FORWARDED_BY_HEADER]) return undefined;
    // The routes it guards name the room as `:id`.
    const host = await hosting.hostElsewhere((request.params as { id: string }).id);
    if (!host) return undefined;
    if (!host.signallingUrl)
      throw conflict('room_live_elsewhere', 'This room is live on another server, which has no PUBLIC_URL to reach it by');
    const headers: Record<string, string> = { [FORWARDED_BY_HEADER]: hosting.self.processId };
    for (const name of ['authorization', 'cookie', 'accept-language'] as const) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let answer: Response;
    try {
      answer = await fetch(new URL(request.url, host.signallingUrl), {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
    } catch (error) {
      request.log.warn({ err: error, host }, 'the server hosting a live room did not answer a forwarded request');
      throw serviceUnavailable(
        'room_host_unreachable',
        `The server this room is live on (${host.signallingUrl}) did not answer; try again`,
        5,
      );
    }
    return reply
      .code(answer.status)
      .type(answer.headers.get('content-type') ?? 'application/json')
      .send(Buffer.from(await answer.arrayBuffer()));
  };
}
