// PGlite only: what is under test is how the process answers on a real socket while a body is still arriving, the
// same on either database. `app.inject` cannot show it: it hands the whole body over at once.
import net from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../helpers/client.js';
import { noisyJpeg } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadTrace, validMetadata } from '../helpers/uploads.js';

const BOUNDARY = 'vectordesk-refused-upload';
/** Long enough for any honest wait here; only a stalled connection runs into it. */
const STALL_MS = 60_000;

/** A specimen upload's multipart body, part by part: the metadata, then each file in `images`. */
function specimenParts(files: readonly { name: string; data: Buffer }[]): Buffer[] {
  const head = (disposition: string, type?: string) =>
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`);
  return [
    head('name="metadata"'),
    Buffer.from(`${JSON.stringify(validMetadata())}\r\n`),
    ...files.flatMap(({ name, data }) => [head(`name="images"; filename="${name}"`, 'image/jpeg'), data, Buffer.from('\r\n')]),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ];
}

/** An empty file first, then ten 3 MB photographs: far more than a connection's buffers hold. */
function emptyFileThenPhotos(photo: Buffer): Buffer[] {
  const photos = Array.from({ length: 10 }, (_, index) => ({ name: `photo-${index}.jpg`, data: photo }));
  return specimenParts([{ name: 'empty.jpg', data: Buffer.alloc(0) }, ...photos]);
}

/** `promise`, or `'timed out'` when it has not settled within {@link STALL_MS}. */
function unlessStalled<T>(promise: Promise<T>): Promise<T | 'timed out'> {
  return Promise.race([promise, new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), STALL_MS).unref())]);
}

/**
 * `parts` posted as `token` over a raw connection as fast as the server takes them (Node's HTTP client stops sending
 * once an answer has come, so it cannot stand in for a browser here). `bodySent` settles when the last byte has gone
 * out, or when the connection broke first: a browser reads the answer to an upload only then.
 */
function postSpecimen(server: TestServer, token: string, parts: readonly Buffer[]) {
  const { hostname, port } = new URL(server.baseUrl);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.write(
    `POST /api/v1/specimens HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
      `Content-Length: ${parts.reduce((sum, part) => sum + part.length, 0)}\r\n\r\n`,
  );
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const answered = new Promise<void>((resolve) => socket.on('data', () => /\r\n\r\n\{.*\}$/s.test(received) && resolve()));
  const bodySent = pipeline(Readable.from(parts), socket, { end: false }).then(
    () => 'sent' as const,
    () => 'connection closed' as const,
  );
  return {
    bodySent,
    /** The status and JSON body of the answer, once it has all arrived; the connection is closed then. */
    async answer(): Promise<{ status: number; body: unknown } | 'timed out'> {
      if ((await unlessStalled(answered)) === 'timed out') return 'timed out';
      socket.destroy();
      const [head = '', body = ''] = received.split('\r\n\r\n');
      return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
    },
  };
}

describe('an upload refused before its body has all arrived', () => {
  let photo: Buffer;
  beforeAll(async () => {
    photo = await noisyJpeg();
  });

  describe('within the upload limits', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer('pglite');
    });
    afterAll(() => server?.close());

    it('reads the rest of the body, so a client that reads the answer only after sending it all gets the 400', async () => {
      const before = await uploadTrace(server);
      const upload = postSpecimen(server, await server.tokenFor('staff.beilun'), emptyFileThenPhotos(photo));

      // A server that stopped reading at the refusal would leave the client stuck sending the photographs.
      expect(await unlessStalled(upload.bodySent)).toBe('sent');
      expect(await upload.answer()).toEqual({ status: 400, body: { error: 'empty_file', message: '"empty.jpg" is empty' } });
      expect(await uploadTrace(server)).toEqual(before);
    });
  });

  describe('with a body far beyond what any upload may be', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer('pglite', { env: { MAX_UPLOAD_TOTAL_BYTES: String(2 * 1024 * 1024) } });
    });
    afterAll(() => server?.close());

    it('answers at once, and closes the connection after reading one more upload’s worth', async () => {
      const before = await uploadTrace(server);
      const upload = postSpecimen(server, await server.tokenFor('staff.beilun'), emptyFileThenPhotos(photo));

      // 31 MB are on their way; the server hangs up after 2 MiB more (and what the connection's buffers take).
      expect(await unlessStalled(upload.bodySent)).toBe('connection closed');
      expect(await upload.answer()).toMatchObject({ status: 400, body: { error: 'empty_file' } });
      expect(await uploadTrace(server)).toEqual(before);
    });

    it('tells signed-in clients its limits, so they can check files before sending them', async () => {
      const limits = await (await as(server, 'staff.beilun')).getUploadLimits();
      expect(limits.statusCode).toBe(200);
      expect(limits.json()).toMatchObject({
        maxFileBytes: server.config.uploads.maxFileBytes,
        maxFiles: server.config.uploads.maxFiles,
        maxTotalBytes: 2 * 1024 * 1024,
        maxImagePixels: server.config.uploads.maxImagePixels,
        minImageSide: server.config.uploads.minImageSide,
      });
      expect(limits.json().formats.map(({ format }) => format)).toEqual(['jpeg', 'png', 'webp', 'tiff', 'heif']);
      expect(limits.json().formats[0]).toEqual({ format: 'jpeg', mediaTypes: ['image/jpeg'], extensions: ['jpg', 'jpeg', 'jfif'] });
      expect((await server.app.inject({ url: '/api/v1/upload-limits' })).statusCode).toBe(401);
    });
  });
});
