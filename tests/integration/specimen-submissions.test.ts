import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { expectRefusedUpload, uploadSpecimen, uploadTrace, validMetadata, type UploadFile } from '../helpers/uploads.js';

// A submission sent again under its client id — a retry after a lost answer, a phone's queued submission sent when it
// is back online — is the same submission (ADR 0023); and where the specimen was trapped, as the phone knew it.

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`specimen submissions on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let staff: Client;
    let photo: UploadFile;
    beforeAll(async () => {
      t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false' });
      staff = await as(t, 'staff.beilun');
      photo = { name: 'dorsal.jpg', data: await jpegImage(41) };
    });
    afterAll(() => t?.close());

    const mySpecimenCount = async (client: Client) => (await client.listSpecimens({ query: { mine: true, limit: 1 } })).json().total;

    it('answers a repeat of a client submission id with the specimen it created (200), creating nothing, whatever order the keys come in', async () => {
      const clientSubmissionId = randomUUID();
      const first = await uploadSpecimen(staff, validMetadata({ clientSubmissionId }), [photo]);
      expect(first.statusCode, first.body).toBe(201);
      const created: Specimen = first.json();
      const before = await uploadTrace(t);
      const countBefore = await mySpecimenCount(staff);

      const reordered = Object.fromEntries(Object.entries(validMetadata({ clientSubmissionId })).reverse());
      for (const metadata of [validMetadata({ clientSubmissionId }), reordered]) {
        const repeat = await uploadSpecimen(staff, metadata, [{ ...photo, name: 'renamed.jpg' }]);
        expect(repeat.statusCode, repeat.body).toBe(200);
        expect(repeat.json()).toEqual(created);
      }
      expect(await uploadTrace(t)).toEqual(before);
      expect(await mySpecimenCount(staff)).toBe(countBefore);
    });

    it('answers the specimen as it is now, after it was corrected', async () => {
      const clientSubmissionId = randomUUID();
      const created: Specimen = (await uploadSpecimen(staff, validMetadata({ clientSubmissionId }), [photo])).json();
      expect((await staff.updateSpecimen({ params: { id: created.id }, body: { count: 9 } })).statusCode).toBe(200);
      const repeat = await uploadSpecimen(staff, validMetadata({ clientSubmissionId }), [photo]);
      expect(repeat.statusCode, repeat.body).toBe(200);
      expect(repeat.json()).toMatchObject({ id: created.id, count: 9 });
    });

    it('refuses the same id with other metadata or other photos (409 submission_reused), storing nothing', async () => {
      const clientSubmissionId = randomUUID();
      const created: Specimen = (await uploadSpecimen(staff, validMetadata({ clientSubmissionId }), [photo])).json();
      const before = await uploadTrace(t);
      const otherPhoto = { name: 'dorsal.jpg', data: await jpegImage(42) };
      for (const [metadata, files] of [
        [validMetadata({ clientSubmissionId, count: 4 }), [photo]],
        [validMetadata({ clientSubmissionId }), [otherPhoto]],
        [validMetadata({ clientSubmissionId }), [photo, otherPhoto]],
      ] as const) {
        const response = await uploadSpecimen(staff, metadata, [...files]);
        await expectRefusedUpload(t, response, 409, 'submission_reused', before);
        expect(response.error().details).toEqual({ clientSubmissionId });
      }
      expect((await staff.getSpecimen({ params: { id: created.id } })).json()).toMatchObject({ count: 3 });
    });

    it("treats another person's same id as another submission", async () => {
      const clientSubmissionId = randomUUID();
      const mine: Specimen = (await uploadSpecimen(staff, validMetadata({ clientSubmissionId }), [photo])).json();
      const colleague = await as(t, 'expert.ningbo');
      const theirs = await uploadSpecimen(colleague, validMetadata({ clientSubmissionId }), [photo]);
      expect(theirs.statusCode, theirs.body).toBe(201);
      expect(theirs.json()).toMatchObject({ createdBy: { username: 'expert.ningbo' } });
      expect(theirs.json().id).not.toBe(mine.id);
      expect((await uploadSpecimen(colleague, validMetadata({ clientSubmissionId }), [photo])).json().id).toBe(theirs.json().id);
    });

    it('creates one specimen when the same submission arrives twice at once, and leaves no file behind', async () => {
      const clientSubmissionId = randomUUID();
      const concurrentPhoto = { name: 'twice.jpg', data: await jpegImage(43) };
      const countBefore = await mySpecimenCount(staff);
      const filesBefore = await t.storedFiles();
      const answers = await Promise.all([1, 2].map(() => uploadSpecimen(staff, validMetadata({ clientSubmissionId }), [concurrentPhoto])));
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 201]);
      expect(new Set(answers.map((answer) => answer.json().id)).size).toBe(1);
      expect(await mySpecimenCount(staff)).toBe(countBefore + 1);
      // The original and its thumbnail, once.
      expect((await t.storedFiles()).length - filesBefore.length).toBe(2);
    });

    it('keeps where the specimen was trapped, lets it be corrected or removed, and refuses half a position or one off the globe', async () => {
      const position = { latitude: 29.9394, longitude: 121.8873, accuracyMetres: 12.5 };
      const created = await uploadSpecimen(staff, validMetadata({ position }), [photo]);
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id;
      expect((await staff.getSpecimen({ params: { id } })).json().position).toEqual(position);
      const withoutAccuracy = { latitude: -33.86, longitude: 151.21 };
      expect((await staff.updateSpecimen({ params: { id }, body: { position: withoutAccuracy } })).json().position).toEqual(
        withoutAccuracy,
      );
      expect((await staff.updateSpecimen({ params: { id }, body: { position: null } })).json().position).toBeNull();
      expect((await uploadSpecimen(staff, validMetadata(), [photo])).json().position).toBeNull();

      const before = await uploadTrace(t);
      for (const refused of [
        { latitude: 29.9 },
        { latitude: 91, longitude: 0 },
        { latitude: 0, longitude: 181 },
        { ...position, accuracyMetres: -1 },
      ]) {
        await expectRefusedUpload(
          t,
          await uploadSpecimen(staff, validMetadata({ position: refused }), [photo]),
          400,
          'invalid_metadata',
          before,
        );
      }
      const notAnId = await uploadSpecimen(staff, validMetadata({ clientSubmissionId: 'submission-1' }), [photo]);
      await expectRefusedUpload(t, notAnId, 400, 'invalid_metadata', before);
    });
  });
}
