import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Client, Response } from './client.js';
import type { TestApp } from './test-app.js';

export interface UploadFile {
  name: string;
  data: Buffer;
  type?: string;
  field?: string;
}

export const validMetadata = (overrides: Record<string, unknown> = {}) => ({
  portCode: 'CNNGB-BL',
  siteType: 'ship',
  locationDetail: 'MV Ever Given, hold 3',
  trapMethod: 'light_trap',
  collectedAt: '2026-11-20T06:30:00Z',
  collector: 'Li Wei',
  count: 3,
  lifeStage: 'adult',
  sex: 'female',
  notes: 'Found near the ballast tanks',
  ...overrides,
});

/** A specimen upload exactly as a browser sends it: multipart with `metadata` JSON and `images` files. */
export function specimenForm(metadata: unknown, files: UploadFile[]): FormData {
  return imagesForm(metadata === undefined ? {} : { metadata: typeof metadata === 'string' ? metadata : JSON.stringify(metadata) }, files);
}

/** Multipart with text `fields` first, then the files (in `images` unless a file names its field). */
export function imagesForm(fields: Record<string, string>, files: UploadFile[]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) {
    form.append(file.field ?? 'images', new Blob([file.data], { type: file.type ?? 'image/jpeg' }), file.name);
  }
  return form;
}

/** `POST /api/v1/specimens/:id/images` as `client`: `files` with the text `fields` (`origin`, `roomId`). */
export function addSpecimenImages(client: Client, specimenId: string, files: UploadFile[], fields: Record<string, string> = {}) {
  return client.addSpecimenImages({ params: { id: specimenId }, form: imagesForm(fields, files) });
}

/** `POST /api/v1/specimens` as `client`: `metadata` (an object, or any text to see it refused) and `files`. */
export function uploadSpecimen(client: Client, metadata: unknown, files: UploadFile[]) {
  return client.createSpecimen({ form: specimenForm(metadata, files) });
}

/** What an upload writes: rows of these tables and the files under the storage directory. */
export interface UploadTrace {
  rows: Record<string, number>;
  files: string[];
}

export async function uploadTrace(t: TestApp): Promise<UploadTrace> {
  const rows: Record<string, number> = {};
  for (const table of ['specimens', 'specimen_images', 'blobs', 'audit_log'] as const) {
    const { count } = await t.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    rows[table] = Number(count);
  }
  return { rows, files: await t.storedFiles() };
}

/** A refused upload: `status` with the error `code` and a message, no stack trace, and the database and disk exactly as `before`. */
export async function expectRefusedUpload(
  t: TestApp,
  response: Pick<Response, 'statusCode' | 'body' | 'error'>,
  status: number,
  code: string,
  before: UploadTrace,
): Promise<void> {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.error();
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(5);
  expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
  expect(await uploadTrace(t)).toEqual(before);
}

/** Runs `body` while the database itself refuses every new `specimen_images` row: a real failure inside an upload's transaction. */
export async function whileImageRowsAreRefused<T>(t: TestApp, body: () => Promise<T>): Promise<T> {
  await sql`create function refuse_image_rows() returns trigger language plpgsql as $$ begin raise exception 'simulated storage failure'; end $$`.execute(
    t.database.db,
  );
  await sql`create trigger refuse_image_rows before insert on specimen_images for each row execute function refuse_image_rows()`.execute(
    t.database.db,
  );
  try {
    return await body();
  } finally {
    await sql`drop trigger refuse_image_rows on specimen_images`.execute(t.database.db);
    await sql`drop function refuse_image_rows()`.execute(t.database.db);
  }
}

/** Ways a multipart body arrives broken: no boundary in the header, cut short, no closing boundary, LF-only line ends. */
export const MULTIPART_FLAWS = ['no boundary', 'truncated', 'no closing boundary', 'LF-only lines'] as const;

/** A multipart body of these text `fields` and one JPEG in `images`, broken in the way `flaw` says. */
export function brokenMultipart(
  flaw: (typeof MULTIPART_FLAWS)[number],
  fields: Record<string, string>,
  jpeg: Buffer,
): { headers: Record<string, string>; payload: Buffer } {
  const boundary = 'vectordesk-broken-boundary';
  const head = (disposition: string, type?: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`;
  const parts = [
    ...Object.entries(fields).map(([name, value]) => Buffer.from(`${head(`name="${name}"`)}${value}\r\n`)),
    Buffer.from(head('name="images"; filename="a.jpg"', 'image/jpeg')),
    jpeg,
    Buffer.from('\r\n'),
  ];
  const open = Buffer.concat(parts);
  const whole = Buffer.concat([open, Buffer.from(`--${boundary}--\r\n`)]);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  switch (flaw) {
    case 'no boundary':
      return { headers: { 'content-type': 'multipart/form-data' }, payload: whole };
    case 'truncated':
      return { headers: { 'content-type': contentType }, payload: whole.subarray(0, Math.floor(whole.length / 2)) };
    case 'no closing boundary':
      return { headers: { 'content-type': contentType }, payload: open };
    case 'LF-only lines':
      return {
        headers: { 'content-type': contentType },
        payload: Buffer.from(whole.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'),
      };
  }
}
