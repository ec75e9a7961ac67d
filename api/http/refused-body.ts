import type { IncomingMessage } from 'node:http';

/**
 * What is left of a request body the server refused part-way through (ADR 0026), read and thrown away so that the
 * client can finish sending it and read the answer: browsers read the answer to an upload only once they have sent
 * all of it, and a connection the server stops reading stalls until a timeout resets it, answer unread. At most
 * `maxBytes` more are read; past that, the connection is closed once the answer has gone out.
 */
export function discardRestOfBody(body: IncomingMessage, maxBytes: number): void {
  if (body.complete || body.destroyed) return;
  // The multipart parser stopped at the refused part and holds the stream back; nothing else wants the rest.
  body.unpipe();
  let discarded = 0;
  const count = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded <= maxBytes) return;
    body.off('data', count);
    // The answer goes out first (`end` flushes what is queued), then the connection closes, unread bytes and all.
    body.socket.end(() => body.socket.destroy());
  };
  body.on('data', count);
  body.resume();
}
