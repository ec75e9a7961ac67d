import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client } from '../helpers/client.js';
import { jpegImage, noisyJpeg, truncatedJpeg } from '../helpers/images.js';
import { metricValue } from '../helpers/metrics.js';
import { HELD_FILE_MAX_BYTES } from '../../api/http/upload-memory.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { specimenForm, type UploadFile } from '../helpers/uploads.js';

const MEBIBYTE = 1024 * 1024;

/**
 * `POST /api/v1/identify` holds its files in memory (ADR 0042) while each is at most 256 KiB and the upload memory has
 * room, and spools the rest to disk. With 1 MiB of upload memory, four photos of ≈ 235 KB fit and a fifth does not.
 */
describe('uploads that nothing stores are held in memory, within a bound (embedded)', () => {
  let app: TestApp;
  let staff: Client;
  let photos: Buffer[];
  beforeAll(async () => {
    app = await createTestApp('pglite', { UPLOAD_MEMORY_MB: '1', MAX_UPLOAD_BYTES: String(2 * MEBIBYTE) });
    staff = await as(app, 'staff.beilun');
    photos = await Promise.all([0, 1, 2, 3, 4].map((row) => noisyJpeg(640, 500 + row)));
  });
  afterAll(() => app?.close());

  const identify = (files: UploadFile[]) => staff.identifyImages({ form: specimenForm(undefined, files) });

  const metric = (name: string) => metricValue(app, name);
  const files = async () => ({
    held: await metric('vectordesk_upload_files_held_total'),
    spilled: await metric('vectordesk_upload_files_spilled_total'),
  });

  it('holds what fits, spools the file memory has no room for, and answers a spooled file as a held one', async () => {
    expect(photos.every((photo) => photo.length > 0.2 * MEBIBYTE && photo.length < HELD_FILE_MAX_BYTES)).toBe(true);
    const before = await files();
    const all = await identify(photos.map((data, index) => ({ name: `${index}.jpg`, data })));
    expect(all.statusCode, all.body).toBe(200);
    expect(await files()).toEqual({ held: before.held + 4, spilled: before.spilled + 1 });

    const alone = await identify([{ name: '4.jpg', data: photos[4]! }]);
    expect(alone.statusCode, alone.body).toBe(200);
    expect(await files()).toEqual({ held: before.held + 5, spilled: before.spilled + 1 });
    // Every byte of the spooled file, the chunks that came before memory ran out included, reached the models and the gate.
    expect({ ...all.json().images[4], index: 0 }).toEqual(alone.json().images[0]);
    expect({ ...all.json().quality[4], index: 0 }).toEqual(alone.json().quality[0]);
  });

  it('spools a file larger than a held one may be, with memory to spare', async () => {
    const large = await noisyJpeg(720, 600);
    expect(large.length).toBeGreaterThan(HELD_FILE_MAX_BYTES);
    const before = await files();
    const response = await identify([{ name: 'large.jpg', data: large }]);
    expect(response.statusCode, response.body).toBe(200);
    expect(await files()).toEqual({ held: before.held, spilled: before.spilled + 1 });
  });

  it('gives the memory back and leaves no file behind after every request, refused ones included', async () => {
    const small = await jpegImage(5, 320, 240);
    const refused = [
      await identify([
        { name: 'good.jpg', data: small },
        { name: 'cut.jpg', data: await truncatedJpeg() },
      ]),
      await identify([
        { name: 'good.jpg', data: small },
        { name: 'huge.jpg', data: Buffer.concat([small, Buffer.alloc(2 * MEBIBYTE)]) },
      ]),
      await identify([
        { name: 'held.jpg', data: photos[0]! },
        { name: 'spilled-then-too-large.jpg', data: Buffer.concat([photos[1]!, Buffer.alloc(2 * MEBIBYTE)]) },
      ]),
      await staff.identifyImages({ form: specimenForm(undefined, [{ name: 'notes.txt', data: Buffer.from('no photo'), field: 'notes' }]) }),
    ];
    expect(refused.map((response) => [response.statusCode, response.error().error])).toEqual([
      [422, 'corrupt_image'],
      [413, 'file_too_large'],
      [413, 'file_too_large'],
      [400, 'unexpected_field'],
    ]);
    expect(await metric('vectordesk_upload_memory_bytes{state="in_use"}')).toBe(0);
    expect(await metric('vectordesk_upload_memory_bytes{state="capacity"}')).toBe(MEBIBYTE);
    expect(await app.storedFiles()).toEqual([]);
  });
});
