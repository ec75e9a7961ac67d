import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers sent while their request's body is still arriving — an upload refused at its first bad part — read the rest
 * of it away (ADR 0026): browsers read the answer to an upload only once they have sent all of it, and a connection
 * the server stops reading stalls until a timeout resets it, answer unread. At most `maxBytes` more are read; past
 * that, the connection is closed once the answer has gone out.
 */
export function discardRefusedBodies(app: FastifyInstance, maxBytes: number): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.raw.complete) discardRestOfBody(request.raw, reply.raw, maxBytes);
    return payload;
  });
}

function discardRestOfBody(body: IncomingMessage, answer: ServerResponse, maxBytes: number): void {
  if (body.destroyed) return;
  // Whatever was reading the body (the multipart parser) stopped at the refusal and holds the stream back.
  body.unpipe();
  let discarded = 0;
  const count = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded <= maxBytes) return;
    body.off('data', count);
    body.pause();
    const close = () => body.socket.end(() => body.socket.destroy());
    if (answer.writableFinished) close();
    else answer.once('finish', close);
  };
  body.on('data', count);
  body.resume();
}
