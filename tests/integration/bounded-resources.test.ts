// PGlite only: what is under test (upload streaming, decode memory, connection limits) lives in the process and on
// its disk; the database only records the specimens that got through, the same on either backend.
import http from 'node:http';
import net from 'node:net';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client } from '../helpers/client.js';
import { waitForIdentification } from '../helpers/identification.js';
import { jpegImage } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, uploadTrace, validMetadata } from '../helpers/uploads.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spooled uploads under the storage's tmp/ now, with their sizes. */
async function spooledUploads(server: TestServer): Promise<number[]> {
  const tmp = path.join(server.config.storageDir, 'tmp');
  const names = (await readdir(tmp).catch(() => [])).filter((name) => name.endsWith('.upload'));
  return Promise.all(names.map(async (name) => (await stat(path.join(tmp, name)).catch(() => ({ size: -1 }))).size));
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A specimen upload sent by hand over one connection, so the test decides when each byte goes. */
function manualUpload(server: TestServer, token: string, photo: Buffer) {
  const boundary = 'vectordesk-manual-upload';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(validMetadata())}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const request = http.request(`${server.baseUrl}/api/v1/specimens`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + photo.length + tail.length,
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
  const half = Math.floor(photo.length / 2);
  request.write(head);
  request.write(photo.subarray(0, half));
  return {
    answer,
    finish: () => request.end(Buffer.concat([photo.subarray(half), tail])),
    abort: () => request.destroy(),
  };
}

describe('uploads are streamed to disk', () => {
  let server: TestServer;
  let token: string;
  let photo: Buffer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    token = await server.tokenFor('staff.beilun');
    photo = await jpegImage(41, 2400, 1800);
  });
  afterAll(() => server?.close());

  it('writes a file to disk while it arrives, and removes the spooled file once the specimen is stored', async () => {
    const before = await uploadTrace(server);
    const upload = manualUpload(server, token, photo);
    // Half the file is on disk before the request has ended: it is not being gathered in memory.
    await until(async () => (await spooledUploads(server)).some((size) => size >= photo.length / 4), 5000);
    upload.finish();
    const { status, body } = await upload.answer;
    expect(status, body).toBe(201);
    expect(await spooledUploads(server)).toEqual([]);
    expect((await uploadTrace(server)).rows.specimens).toBe(before.rows.specimens! + 1);
    // The identify job reads the stored file by path, under the decode budget.
    const specimen = JSON.parse(body) as { id: string };
    expect((await waitForIdentification(await as(server, 'staff.beilun'), specimen.id)).status).toBe('done');
  });

  it('removes the spooled part of an upload the client abandons, and stores nothing', async () => {
    const before = await uploadTrace(server);
    const upload = manualUpload(server, token, photo);
    upload.answer.catch(() => undefined);
    await until(async () => (await spooledUploads(server)).length > 0, 5000);
    upload.abort();
    await until(async () => (await spooledUploads(server)).length === 0, 5000);
    expect(await uploadTrace(server)).toEqual(before);
  });
});

describe('decoded pixels within a memory budget', () => {
  let server: TestServer;
  let staff: Client;
  beforeAll(async () => {
    // 16 MiB of pixels, no waiting: one 2000×1500 16-bit image (18 MB decoded) at a time, the rest refused at once.
    server = await startTestServer('pglite', { env: { DECODE_MEMORY_BUDGET_MB: '16', DECODE_WAIT_MS: '0' } });
    staff = await as(server, 'staff.beilun');
  });
  afterAll(() => server?.close());

  it('answers 503 decode_busy with Retry-After beyond the budget, stores only what it accepted, and gives the memory back', async () => {
    const deepPng = await sharp(await jpegImage(5, 2000, 1500))
      .toColourspace('rgb16')
      .png({ compressionLevel: 1 })
      .toBuffer();
    const before = await uploadTrace(server);
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => uploadSpecimen(staff, validMetadata(), [{ name: 'deep.png', data: deepPng, type: 'image/png' }])),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toContain(201);
    expect(statuses).toContain(503);
    expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
    for (const refused of responses.filter((response) => response.statusCode === 503)) {
      expect(refused.error()).toMatchObject({ error: 'decode_busy' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const accepted = statuses.filter((status) => status === 201).length;
    expect((await uploadTrace(server)).rows.specimens).toBe(before.rows.specimens! + accepted);
    expect(await spooledUploads(server)).toEqual([]);
    // The accepted ones' identify jobs decode them again, waiting for room rather than being refused.
    for (const created of responses.filter((response) => response.statusCode === 201)) {
      expect((await waitForIdentification(staff, (created.json() as { id: string }).id)).status).toBe('done');
    }

    const metrics = (await staff.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/vectordesk_decode_budget_bytes\{state="in_use"\} 0\b/);
    expect(metrics).toMatch(/vectordesk_image_decodes\{state="active"\} 0\b/);
    expect(metrics).toMatch(new RegExp(`vectordesk_image_decodes_refused_total ${4 - accepted}\\b`));
    // Once the budget is free again, the same image is accepted.
    expect((await uploadSpecimen(staff, validMetadata(), [{ name: 'deep.png', data: deepPng, type: 'image/png' }])).statusCode).toBe(201);
  });
});

/** A raw connection to the server, with when it was closed (by the server) if it was. */
function connect(server: TestServer) {
  const url = new URL(server.baseUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  const opened = Date.now();
  const state = { closedAfterMs: null as number | null, received: '' };
  socket.on('data', (chunk: Buffer) => (state.received += chunk.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => (state.closedAfterMs = Date.now() - opened));
  return { socket, state };
}

/** Sends `text` one byte every `intervalMs` until the connection closes. */
function trickle(socket: net.Socket, text: string, intervalMs: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) return clearInterval(timer);
    socket.write(text[index]!);
    index += 1;
  }, intervalMs);
  socket.on('close', () => clearInterval(timer));
}

describe('slow and numerous clients', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', {
      env: {
        HEADERS_TIMEOUT_MS: '600',
        REQUEST_TIMEOUT_MS: '1500',
        IDLE_TIMEOUT_MS: '1000',
        KEEP_ALIVE_TIMEOUT_MS: '500',
        MAX_CONNECTIONS_PER_ADDRESS: '8',
      },
    });
  });
  afterAll(() => server?.close());

  it('closes connections beyond the per-address limit at once and slow-header ones at the header timeout', async () => {
    const slowloris = Array.from({ length: 30 }, () => connect(server));
    for (const { socket } of slowloris)
      trickle(socket, 'GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n', 100);
    await sleep(300);
    const closedEarly = slowloris.filter(({ state }) => state.closedAfterMs !== null).length;
    expect(closedEarly).toBe(22);
    await until(async () => slowloris.every(({ state }) => state.closedAfterMs !== null), 3000);
    const lasted = slowloris.map(({ state }) => state.closedAfterMs!).sort((a, b) => b - a);
    // The 8 admitted were cut off by the header timeout (600 ms, checked every 150 ms), not let to trickle on.
    expect(lasted[0]).toBeLessThan(1500);
    expect(lasted[7]).toBeGreaterThanOrEqual(500);
    // The address is free again: an ordinary request gets through.
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vectordesk_connections_refused_total 22\b/);
  });

  it('answers 408 to a body that trickles in slower than the request timeout, and closes silent connections', async () => {
    const slowBody = connect(server);
    slowBody.socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n');
    trickle(slowBody.socket, `{"username":"${'a'.repeat(380)}"}`, 100);
    const silent = connect(server);
    await until(async () => slowBody.state.closedAfterMs !== null && silent.state.closedAfterMs !== null, 4000);
    expect(slowBody.state.received).toMatch(/^HTTP\/1\.1 408/);
    expect(slowBody.state.closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(slowBody.state.closedAfterMs).toBeLessThan(3000);
    expect(silent.state.closedAfterMs).toBeLessThan(2000);
  });
});
