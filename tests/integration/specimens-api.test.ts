import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type QueryOf, type Specimen, type SpecimenPatch } from '../../api/contract/index.js';
import type { SpecimenRecord } from '../../api/domain/specimen.js';
import { IdentificationRequestRepository } from '../../api/repositories/identification-request.repository.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage, pixelBombPng, pngImage } from '../helpers/images.js';
import { openConsultation } from '../helpers/rooms.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  addSpecimenImages,
  expectRefusedUpload,
  uploadSpecimen,
  uploadTrace,
  validMetadata,
  whileImageRowsAreRefused,
} from '../helpers/uploads.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`specimen API on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let staff: Client;
    beforeAll(async () => {
      // The specimen API alone: identification and triage (which move the status on) have tests of their own.
      t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false' });
      staff = await as(t, 'staff.beilun');
    });
    afterAll(() => t?.close());

    it('creates a specimen with several images and returns it with 201', async () => {
      const first = await jpegImage(1);
      const second = await pngImage(2);
      const response = await uploadSpecimen(staff, validMetadata(), [
        { name: 'dorsal.jpg', data: first },
        { name: 'lateral.png', data: second, type: 'image/png' },
      ]);
      expect(response.statusCode, response.body).toBe(201);
      const specimen = response.json();
      expect(specimen).toMatchObject({
        port: { code: 'CNNGB-BL' },
        siteType: 'ship',
        locationDetail: 'MV Ever Given, hold 3',
        trapMethod: 'light_trap',
        collectedAt: '2026-11-20T06:30:00.000Z',
        collector: 'Li Wei',
        count: 3,
        lifeStage: 'adult',
        sex: 'female',
        status: 'submitted',
        createdBy: { username: 'staff.beilun' },
      });
      expect(specimen.images.map((image) => [image.originalFilename, image.format, image.width, image.height])).toEqual([
        ['dorsal.jpg', 'jpeg', 96, 64],
        ['lateral.png', 'png', 48, 36],
      ]);
      const fetched = await staff.getSpecimen({ params: { id: specimen.id } });
      expect(fetched.json()).toEqual(specimen);
    });

    it('keeps the original byte for byte and serves a thumbnail with EXIF orientation applied', async () => {
      // Orientation 6 = the camera was turned 90°: the stored pixels are 120 wide, the photo is upright 120 tall.
      const original = await jpegImage(3, 120, 60, { orientation: 6 });
      const created = (await uploadSpecimen(staff, validMetadata(), [{ name: 'turned.jpg', data: original }])).json();
      const image = created.images[0]!;
      const originalResponse = await staff.inject({ url: image.originalUrl });
      expect(originalResponse.statusCode).toBe(200);
      expect(originalResponse.headers['content-type']).toBe('image/jpeg');
      expect(originalResponse.rawPayload.equals(original)).toBe(true);
      const thumbnail = await staff.inject({ url: image.thumbnailUrl });
      expect(thumbnail.headers['content-type']).toBe('image/webp');
      const thumbnailMetadata = await sharp(thumbnail.rawPayload).metadata();
      expect([thumbnailMetadata.width, thumbnailMetadata.height]).toEqual([60, 120]);
    });

    it("serves byte ranges and validators of an image: 206, 304, and 416 naming the file's size", async () => {
      const original = await jpegImage(5, 200, 150);
      const created = (await uploadSpecimen(staff, validMetadata(), [{ name: 'ranged.jpg', data: original }])).json();
      const get = (headers: Record<string, string>) => staff.inject({ url: created.images[0]!.originalUrl, headers });

      const whole = await get({});
      expect(whole.headers).toMatchObject({
        'accept-ranges': 'bytes',
        'cache-control': 'private, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      });
      expect(whole.headers.etag).toEqual(expect.any(String));
      const part = await get({ range: 'bytes=10-109' });
      expect(part.statusCode).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 10-109/${original.length}`);
      expect(part.headers['content-type']).toBe('image/jpeg');
      expect(part.rawPayload.equals(original.subarray(10, 110))).toBe(true);
      const tail = await get({ range: 'bytes=-16' });
      expect(tail.rawPayload.equals(original.subarray(original.length - 16))).toBe(true);

      const unchanged = await get({ 'if-none-match': String(whole.headers.etag) });
      expect(unchanged.statusCode).toBe(304);
      expect(unchanged.rawPayload.length).toBe(0);

      const beyond = await get({ range: `bytes=${original.length}-` });
      expect(beyond.statusCode).toBe(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${original.length}`);
      expect(beyond.error()).toMatchObject({ error: 'range_not_satisfiable', message: expect.stringContaining(String(original.length)) });
    });

    it('answers 404 naming the image file when storage has lost it', async () => {
      const created = (await uploadSpecimen(staff, validMetadata(), [{ name: 'lost.jpg', data: await jpegImage(6) }])).json();
      const image = created.images[0]!;
      const thumbnailFile = (await t.storedFiles()).find((file) => file.startsWith('thumbnails/') && file.includes(image.sha256));
      await rm(path.join(t.config.storageDir, thumbnailFile!));
      const lost = await staff.inject({ url: image.thumbnailUrl });
      expect(lost.statusCode).toBe(404);
      expect(lost.error()).toEqual({ error: 'not_found', message: 'Image file not found' });
      expect((await staff.inject({ url: image.originalUrl })).statusCode).toBe(200);
    });

    it('stores the same image uploaded twice only once', async () => {
      const photo = await jpegImage(4);
      const filesBefore = await t.storedFiles();
      const a = (await uploadSpecimen(staff, validMetadata(), [{ name: 'a.jpg', data: photo }])).json();
      const b = (await uploadSpecimen(staff, validMetadata(), [{ name: 'again.jpg', data: photo }])).json();
      expect(a.images[0]!.sha256).toBe(b.images[0]!.sha256);
      expect(a.images[0]!.id).not.toBe(b.images[0]!.id);
      const added = (await t.storedFiles()).filter((file) => !filesBefore.includes(file));
      expect(added).toHaveLength(2); // one original + one thumbnail
      const blobs = await t.database.db.selectFrom('blobs').select('sha256').where('sha256', '=', a.images[0]!.sha256).execute();
      expect(blobs).toHaveLength(1);
      expect(await readFile(t.store.originalPath(a.images[0]!.sha256))).toEqual(photo);
    });

    it('stores SQL and HTML in text fields verbatim', async () => {
      const hostile = `'); drop table specimens; -- <img src=x onerror=alert(1)> <script>alert("x")</script>`;
      const response = await uploadSpecimen(staff, validMetadata({ notes: hostile, collector: 'Robert"); DROP TABLE users;--' }), [
        { name: 'x.jpg', data: await jpegImage(5) },
      ]);
      expect(response.statusCode).toBe(201);
      const fetched = await staff.getSpecimen({ params: { id: response.json().id } });
      expect(fetched.json().notes).toBe(hostile);
      expect(fetched.json().collector).toBe('Robert"); DROP TABLE users;--');
      expect(fetched.headers['content-type']).toContain('application/json');
    });

    it('lists with filters and pagination, newest first', async () => {
      const airportStaff = await as(t, 'staff.airport');
      await uploadSpecimen(
        airportStaff,
        validMetadata({ portCode: 'CNNGB-LS', siteType: 'aircraft', collectedAt: '2026-10-01T00:00:00Z' }),
        [{ name: 'cabin.jpg', data: await jpegImage(6) }],
      );
      const expert = await as(t, 'expert.ningbo');
      const list = async (query: Partial<QueryOf<typeof endpoints.listSpecimens>>) => {
        const response = await expert.listSpecimens({ query });
        expect(response.statusCode, response.body).toBe(200);
        return response.json();
      };
      const all = await list({});
      expect(all.total).toBeGreaterThanOrEqual(6);
      const createdAts = all.items.map((item) => String(item.createdAt));
      expect([...createdAts].sort().reverse()).toEqual(createdAts);

      const aircraft = await list({ siteType: 'aircraft' });
      expect(aircraft.items.map((item) => item.port.code)).toEqual(['CNNGB-LS']);
      expect((await list({ portCode: 'CNNGB-BL' })).items.every((item) => item.port.code === 'CNNGB-BL')).toBe(true);
      expect((await list({ from: '2026-09-01T00:00:00Z', to: '2026-10-02T00:00:00Z' })).total).toBe(1);
      expect((await list({ status: 'confirmed' })).total).toBe(0);

      const firstPage = await list({ limit: 2, offset: 0 });
      const secondPage = await list({ limit: 2, offset: 2 });
      expect(firstPage.items).toHaveLength(2);
      expect(firstPage.total).toBe(all.total);
      expect(secondPage.items.map((item) => item.id)).toEqual(all.items.slice(2, 4).map((item) => item.id));

      const mine = await airportStaff.listSpecimens({ query: { mine: true } });
      expect(mine.json().total).toBe(1);
    });

    it('lets staff correct metadata and experts withdraw a specimen, with an audit trail', async () => {
      const created = (await uploadSpecimen(staff, validMetadata(), [{ name: 'p.jpg', data: await jpegImage(7) }])).json();
      const patch = (client: Client, body: SpecimenPatch) => client.updateSpecimen({ params: { id: created.id }, body });

      const corrected = await patch(staff, { count: 7, notes: null, lifeStage: 'larva' });
      expect(corrected.statusCode, corrected.body).toBe(200);
      expect(corrected.json()).toMatchObject({ count: 7, notes: null, lifeStage: 'larva', status: 'submitted' });

      const staffStatus = await patch(staff, { status: 'rejected' });
      expect(staffStatus.statusCode).toBe(403);
      expect(staffStatus.error()).toMatchObject({ error: 'forbidden' });

      const expert = await as(t, 'expert.ningbo');
      const confirmedByHand = await patch(expert, { status: 'confirmed' });
      expect(confirmedByHand.statusCode).toBe(409);
      expect(confirmedByHand.error()).toMatchObject({ error: 'status_by_review' });
      const expertStatus = await patch(expert, { status: 'rejected' });
      expect(expertStatus.json()).toMatchObject({ status: 'rejected', count: 7 });

      const trainee = await patch(await as(t, 'trainee.ningbo'), { count: 1 });
      expect(trainee.statusCode).toBe(403);

      const audit = await t.database.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.id).orderBy('at').execute();
      expect(audit.map((entry) => entry.action)).toEqual(['specimen.create', 'specimen.update', 'specimen.update']);
      expect(audit[1]!.before).toEqual({ count: 3, notes: 'Found near the ballast tanks', lifeStage: 'adult' });
      expect(audit[2]!.after).toEqual({ status: 'rejected' });
    });

    it('rejects bad patches with 400 naming the problem', async () => {
      const created = (await uploadSpecimen(staff, validMetadata(), [{ name: 'q.jpg', data: await jpegImage(8) }])).json();
      for (const body of [{}, { count: 0 }, { siteType: 'boat' }, { unknownField: 1 }, { collectedAt: 'yesterday' }]) {
        const response = await staff.send(endpoints.updateSpecimen, { params: { id: created.id }, body });
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.error()).toMatchObject({ error: 'validation_failed' });
        expect(response.error().message.length).toBeGreaterThan(10);
      }
      const unchanged = await staff.getSpecimen({ params: { id: created.id } });
      expect(unchanged.json()).toMatchObject({ count: 3, siteType: 'ship' });
      const badId = await staff.getSpecimen({ params: { id: 'not-a-uuid' } });
      expect(badId.statusCode).toBe(400);
    });

    describe('adding images to a specimen (POST /api/v1/specimens/:id/images)', () => {
      let roomId: string;
      let specimen: Specimen;
      const getSpecimen = async (client = staff) => (await client.getSpecimen({ params: { id: specimen.id } })).json();

      beforeAll(async () => {
        specimen = (await uploadSpecimen(staff, validMetadata(), [{ name: 'first.jpg', data: await jpegImage(40) }])).json();
        roomId = await openConsultation(await as(t, 'expert.ningbo'), specimen.id);
      });

      it('adds them after the existing ones, answers the new images with 201, tells live pages and audits where they came from', async () => {
        const still = await pngImage(41, 64, 48);
        const pushed = new Promise<SpecimenRecord>((resolve) => t.events.once('specimen.updated', resolve));
        const response = await addSpecimenImages(staff, specimen.id, [{ name: 'still.png', data: still, type: 'image/png' }], {
          origin: 'annotated-still',
          roomId,
        });
        expect(response.statusCode, response.body).toBe(201);
        const [added, ...more] = response.json().images;
        expect(more).toEqual([]);
        expect(added).toMatchObject({
          originalFilename: 'still.png',
          format: 'png',
          width: 64,
          height: 48,
          bytes: still.length,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        expect((await pushed).images.map((image) => image.id)).toEqual([specimen.images[0]!.id, added!.id]);

        // The specimen shows it, in the same shape, after its first photo; the original is downloadable byte for byte.
        expect((await getSpecimen()).images).toEqual([specimen.images[0], added]);
        const original = await staff.inject({ url: added!.originalUrl });
        expect(original.statusCode).toBe(200);
        expect(original.headers['content-type']).toBe('image/png');
        expect(original.rawPayload.equals(still)).toBe(true);
        const thumbnail = await staff.inject({ url: added!.thumbnailUrl });
        expect([thumbnail.statusCode, thumbnail.headers['content-type']]).toEqual([200, 'image/webp']);

        // An expert adds a plain photo: `origin` defaults to `upload`, without a room.
        const expert = await as(t, 'expert.ningbo');
        const plain = await addSpecimenImages(expert, specimen.id, [{ name: 'later.jpg', data: await jpegImage(42) }]);
        expect(plain.statusCode, plain.body).toBe(201);
        const later = plain.json().images[0]!;
        expect((await getSpecimen(expert)).images.map((image) => image.id)).toEqual([specimen.images[0]!.id, added!.id, later.id]);

        const audit = await t.database.db
          .selectFrom('audit_log')
          .innerJoin('users', 'users.id', 'audit_log.user_id')
          .select(['users.username', 'audit_log.after'])
          .where('audit_log.entity_id', '=', specimen.id)
          .where('audit_log.action', '=', 'specimen.add_images')
          .orderBy('audit_log.at')
          .execute();
        expect(audit).toEqual([
          { username: 'staff.beilun', after: { origin: 'annotated-still', roomId, images: [{ id: added!.id, sha256: added!.sha256 }] } },
          { username: 'expert.ningbo', after: { origin: 'upload', roomId: null, images: [{ id: later.id, sha256: later.sha256 }] } },
        ]);

        // Added images are not identified: the identify job reads only the photos the specimen was submitted with.
        expect(await new IdentificationRequestRepository(t.database.db).jobImages(specimen.id)).toEqual([
          { imageId: specimen.images[0]!.id, sha256: specimen.images[0]!.sha256 },
        ]);
      });

      it("answers 404 outside the caller's scope as for a missing specimen, and 403 to trainees, storing nothing", async () => {
        const before = await uploadTrace(t);
        const photo = [{ name: 'x.jpg', data: await jpegImage(43) }];
        await expectRefusedUpload(t, await addSpecimenImages(await as(t, 'staff.yangshan'), specimen.id, photo), 404, 'not_found', before);
        await expectRefusedUpload(t, await addSpecimenImages(staff, randomUUID(), photo), 404, 'not_found', before);
        await expectRefusedUpload(t, await addSpecimenImages(await as(t, 'trainee.ningbo'), specimen.id, photo), 403, 'forbidden', before);
      });

      it('refuses bad input with a 4xx naming the problem, storing nothing', async () => {
        const before = await uploadTrace(t);
        const { images } = await getSpecimen();
        const add = (files: Parameters<typeof addSpecimenImages>[2], fields?: Record<string, string>) =>
          addSpecimenImages(staff, specimen.id, files, fields);
        const photo = [{ name: 'ok.jpg', data: await jpegImage(44) }];
        await expectRefusedUpload(
          t,
          await add([{ name: 'notes.txt', data: Buffer.from('just some text, not a photo'), type: 'text/plain' }]),
          415,
          'not_an_image',
          before,
        );
        await expectRefusedUpload(t, await add([], { origin: 'camera-still' }), 400, 'images_required', before);
        await expectRefusedUpload(
          t,
          await add([{ name: 'bomb.png', data: pixelBombPng(), type: 'image/png' }]),
          413,
          'image_too_many_pixels',
          before,
        );
        await expectRefusedUpload(t, await add(photo, { origin: 'drawing' }), 400, 'invalid_origin', before);
        await expectRefusedUpload(t, await add(photo, { roomId: 'room-1' }), 400, 'invalid_roomId', before);
        await expectRefusedUpload(t, await add(photo, { roomId: randomUUID() }), 422, 'unknown_room', before);
        await expectRefusedUpload(t, await add(photo, { notes: 'x' }), 400, 'unexpected_field', before);
        await expectRefusedUpload(t, await addSpecimenImages(staff, 'not-a-uuid', photo), 400, 'validation_failed', before);
        expect((await getSpecimen()).images).toEqual(images);
      });

      it('leaves no row, no file and the specimen untouched when the database refuses the image rows', async () => {
        const before = await uploadTrace(t);
        const { updatedAt } = await getSpecimen();
        const fresh = await jpegImage(45);
        const response = await whileImageRowsAreRefused(t, () =>
          addSpecimenImages(staff, specimen.id, [{ name: 'fresh.jpg', data: fresh }]),
        );
        expect(response.statusCode).toBe(500);
        expect(response.error()).toEqual({ error: 'internal_error', message: 'Internal server error' });
        expect(await uploadTrace(t)).toEqual(before);
        expect((await getSpecimen()).updatedAt).toBe(updatedAt);
      });
    });
  });
}
