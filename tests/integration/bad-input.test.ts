import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endpoints } from '../../api/contract/index.js';
import { anonymous, as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage, pixelBombPng, truncatedJpeg } from '../helpers/images.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  expectRefusedUpload,
  uploadSpecimen,
  uploadTrace,
  validMetadata,
  whileImageRowsAreRefused,
  type UploadFile,
  type UploadTrace,
} from '../helpers/uploads.js';

const MAX_FILES = 3;
const MAX_FILE_BYTES = 200_000;

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`bad input on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let staff: Client;
    let good: Buffer;
    let before: UploadTrace;

    /** Every rejected upload must leave the database and the disk exactly as they were. */
    const expectRejected = (response: Parameters<typeof expectRefusedUpload>[1], status: number, code: string) =>
      expectRefusedUpload(t, response, status, code, before);

    beforeAll(async () => {
      t = await createTestApp(backend.name, {
        MAX_UPLOAD_FILES: String(MAX_FILES),
        MAX_UPLOAD_BYTES: String(MAX_FILE_BYTES),
        MAX_IMAGE_PIXELS: '50000000',
      });
      staff = await as(t, 'staff.beilun');
      good = await jpegImage(1);
    });
    afterAll(() => t?.close());
    beforeEach(async () => {
      before = await uploadTrace(t);
    });

    const upload = (metadata: unknown, files: UploadFile[]) => uploadSpecimen(staff, metadata, files);

    it('refuses a file that is not an image (415)', async () => {
      await expectRejected(
        await upload(validMetadata(), [{ name: 'notes.txt', data: Buffer.from('just some text, not a photo'), type: 'text/plain' }]),
        415,
        'not_an_image',
      );
    });

    it('refuses a truncated JPEG even beside a good image (422)', async () => {
      await expectRejected(
        await upload(validMetadata(), [
          { name: 'fine.jpg', data: good },
          { name: 'cut.jpg', data: await truncatedJpeg() },
        ]),
        422,
        'corrupt_image',
      );
    });

    it('refuses a pixel bomb without decoding it (413)', async () => {
      const response = await upload(validMetadata(), [{ name: 'bomb.png', data: pixelBombPng(30_000, 30_000), type: 'image/png' }]);
      await expectRejected(response, 413, 'image_too_many_pixels');
      expect(response.error()).toMatchObject({ details: { width: 30000, height: 30000 } });
    });

    it('refuses a file over the size limit (413)', async () => {
      await expectRejected(
        await upload(validMetadata(), [{ name: 'huge.jpg', data: Buffer.concat([good, Buffer.alloc(MAX_FILE_BYTES)]) }]),
        413,
        'file_too_large',
      );
    });

    it('refuses too many files (413)', async () => {
      const files = await Promise.all(
        Array.from({ length: MAX_FILES + 1 }, async (_, index) => ({ name: `${index}.jpg`, data: await jpegImage(10 + index) })),
      );
      await expectRejected(await upload(validMetadata(), files), 413, 'too_many_files');
    });

    it('refuses an upload without images (400)', async () => {
      await expectRejected(await upload(validMetadata(), []), 400, 'images_required');
    });

    it('refuses missing, malformed and invalid metadata (400)', async () => {
      await expectRejected(await upload(undefined, [{ name: 'a.jpg', data: good }]), 400, 'metadata_required');
      await expectRejected(await upload('{"portCode": ', [{ name: 'a.jpg', data: good }]), 400, 'invalid_metadata');
      const invalid = await upload(validMetadata({ siteType: 'spaceship', count: -2, collectedAt: 'last tuesday', extra: 1 }), [
        { name: 'a.jpg', data: good },
      ]);
      await expectRejected(invalid, 400, 'invalid_metadata');
      const paths = (invalid.error().details as { path: string }[]).map((detail) => detail.path);
      expect(paths).toEqual(expect.arrayContaining(['/siteType', '/count', '/collectedAt']));
      const missing = await upload({ siteType: 'ship' }, [{ name: 'a.jpg', data: good }]);
      await expectRejected(missing, 400, 'invalid_metadata');
      expect(missing.error().message).toContain('portCode');
    });

    it("refuses an unknown port, and a port outside the caller's organisation, alike (422)", async () => {
      await expectRejected(await upload(validMetadata({ portCode: 'XXNOPE' }), [{ name: 'a.jpg', data: good }]), 422, 'unknown_port');
      await expectRejected(await upload(validMetadata({ portCode: 'CNSHA-YS' }), [{ name: 'a.jpg', data: good }]), 422, 'unknown_port');
    });

    it('refuses path-traversal and control characters in file names (400)', async () => {
      for (const name of ['../../etc/passwd.jpg', '..\\..\\windows\\system.ini', 'photos/../../x.jpg', 'a\u0000b.jpg']) {
        await expectRejected(await upload(validMetadata(), [{ name, data: good }]), 400, 'invalid_filename');
      }
    });

    it('refuses unexpected fields and non-multipart bodies', async () => {
      await expectRejected(await upload(validMetadata(), [{ name: 'a.jpg', data: good, field: 'photo' }]), 400, 'unexpected_field');
      const json = await staff.send(endpoints.createSpecimen, { body: validMetadata() });
      await expectRejected(json, 415, 'multipart_required');
    });

    it('refuses trainees (403) and anonymous callers (401)', async () => {
      const trainee = await as(t, 'trainee.ningbo');
      await expectRejected(await uploadSpecimen(trainee, validMetadata(), [{ name: 'a.jpg', data: good }]), 403, 'forbidden');
      await expectRejected(await uploadSpecimen(anonymous(t), validMetadata(), [{ name: 'a.jpg', data: good }]), 401, 'unauthorized');
    });

    it('leaves no row and no file when the database insert fails after the files were written', async () => {
      const fresh = await jpegImage(77);
      const response = await whileImageRowsAreRefused(t, () => upload(validMetadata(), [{ name: 'fresh.jpg', data: fresh }]));
      expect(response.statusCode).toBe(500);
      expect(response.error()).toEqual({ error: 'internal_error', message: 'Internal server error' });
      expect(await uploadTrace(t)).toEqual(before);
    });

    it('keeps a file another specimen already committed when a later upload of it fails', async () => {
      const shared = await jpegImage(88);
      expect((await upload(validMetadata(), [{ name: 'first.jpg', data: shared }])).statusCode).toBe(201);
      before = await uploadTrace(t);
      await expectRejected(
        await upload(validMetadata(), [
          { name: 'again.jpg', data: shared },
          { name: 'bad.jpg', data: await truncatedJpeg() },
        ]),
        422,
        'corrupt_image',
      );
    });
  });
}
