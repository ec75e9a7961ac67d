import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, urlOf, type ImageQualityVerdict } from '../../api/contract/index.js';
import { anonymous, as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { poorPhotos, specimenPhoto } from '../helpers/images.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  addSpecimenImages,
  expectRefusedUpload,
  imagesForm,
  specimenForm,
  uploadSpecimen,
  uploadTrace,
  validMetadata,
  type UploadFile,
} from '../helpers/uploads.js';

const problemsOf = (verdict: { problems: { problem: string }[] } | { qualityWarnings: { problem: string }[] }) =>
  ('problems' in verdict ? verdict.problems : verdict.qualityWarnings).map((finding) => finding.problem);

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`image quality gate on ${backend.name} ${backend.availability.reason}`, () => {
    let good: UploadFile;
    let dark: UploadFile;
    let blurred: UploadFile;
    beforeAll(async () => {
      good = { name: 'good.jpg', data: await specimenPhoto() };
      dark = { name: 'dark.jpg', data: await poorPhotos.dark() };
      blurred = { name: 'blurred.jpg', data: await poorPhotos.blurred() };
    });

    describe('in warn mode (the default)', () => {
      let t: TestApp;
      let staff: Client;
      beforeAll(async () => {
        t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false' });
        staff = await as(t, 'staff.beilun');
      });
      afterAll(() => t?.close());

      it('accepts a poor photo and keeps its warnings with the image, where the specimen shows them', async () => {
        const response = await uploadSpecimen(staff, validMetadata(), [good, dark]);
        expect(response.statusCode, response.body).toBe(201);
        const specimen = response.json();
        expect(specimen.images.map(problemsOf)).toEqual([[], expect.arrayContaining(['under_exposed'])]);
        expect(specimen.images[1]!.qualityWarnings[0]).toEqual({
          problem: expect.any(String),
          value: expect.any(Number),
          limit: expect.any(Number),
        });
        const fetched = (await staff.getSpecimen({ params: { id: specimen.id } })).json();
        expect(fetched.images).toEqual(specimen.images);

        const added = await addSpecimenImages(staff, specimen.id, [blurred]);
        expect(added.statusCode, added.body).toBe(201);
        expect(added.json().images.map(problemsOf)).toEqual([['blurred']]);
      });

      it('answers the warnings of each image with an identification', async () => {
        const response = await staff.identifyImages({ form: specimenForm(undefined, [good, blurred]) });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json().quality).toEqual([
          { index: 0, filename: 'good.jpg', problems: [] },
          { index: 1, filename: 'blurred.jpg', problems: [expect.objectContaining({ problem: 'blurred' })] },
        ]);
      });

      it('checks photos without storing anything, and says what an upload would do', async () => {
        const before = await uploadTrace(t);
        const response = await staff.checkImageQuality({ form: imagesForm({}, [good, dark]) });
        expect(response.statusCode, response.body).toBe(200);
        const check = response.json();
        expect(check.mode).toBe('warn');
        expect(
          check.images.map((verdict: ImageQualityVerdict) => [
            verdict.index,
            verdict.filename,
            problemsOf(verdict).includes('under_exposed'),
          ]),
        ).toEqual([
          [0, 'good.jpg', false],
          [1, 'dark.jpg', true],
        ]);
        expect(await uploadTrace(t)).toEqual(before);
      });

      it('refuses bad input to the check with a 4xx JSON error, and strangers with 401', async () => {
        const before = await uploadTrace(t);
        const url = urlOf(endpoints.checkImageQuality, {});
        const notMultipart = await staff.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload: '{"images":[]}',
        });
        expect(notMultipart.statusCode, notMultipart.body).toBeGreaterThanOrEqual(400);
        expect(notMultipart.statusCode).toBeLessThan(500);
        expect(notMultipart.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        await expectRefusedUpload(t, await staff.checkImageQuality({ form: imagesForm({}, []) }), 400, 'images_required', before);
        const text = { name: 'notes.jpg', data: Buffer.from('not a photograph at all') };
        await expectRefusedUpload(t, await staff.checkImageQuality({ form: imagesForm({}, [good, text]) }), 415, 'not_an_image', before);
        const nobody = await anonymous(t).checkImageQuality({ form: imagesForm({}, [good]) });
        expect([nobody.statusCode, nobody.error().error]).toEqual([401, 'unauthorized']);
      });
    });

    describe('in refuse mode', () => {
      let t: TestApp;
      let staff: Client;
      beforeAll(async () => {
        t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false', IMAGE_QUALITY_GATE: 'refuse' });
        staff = await as(t, 'staff.beilun');
      });
      afterAll(() => t?.close());

      it('refuses a submission with a poor photo (422 image_quality, naming each file and problem), storing nothing', async () => {
        const before = await uploadTrace(t);
        const response = await uploadSpecimen(staff, validMetadata(), [good, dark, blurred]);
        await expectRefusedUpload(t, response, 422, 'image_quality', before);
        const { message, details } = response.error();
        expect(message).toMatch(/"dark\.jpg" .*under-exposed.*"blurred\.jpg" is too blurred/s);
        expect(details).toEqual({
          images: [
            { index: 1, filename: 'dark.jpg', problems: expect.arrayContaining([expect.objectContaining({ problem: 'under_exposed' })]) },
            { index: 2, filename: 'blurred.jpg', problems: [expect.objectContaining({ problem: 'blurred' })] },
          ],
        });
      });

      it('refuses a poor photo added to a specimen and on identify, and accepts good photos with no warnings', async () => {
        const created = await uploadSpecimen(staff, validMetadata(), [good]);
        expect(created.statusCode, created.body).toBe(201);
        expect(created.json().images[0]!.qualityWarnings).toEqual([]);
        const before = await uploadTrace(t);
        const tiny = { name: 'tiny.jpg', data: await poorPhotos.tiny() };
        await expectRefusedUpload(t, await addSpecimenImages(staff, created.json().id, [tiny]), 422, 'image_quality', before);
        const identify = await staff.identifyImages({ form: specimenForm(undefined, [good, tiny]) });
        await expectRefusedUpload(t, identify, 422, 'image_quality', before);
        expect(identify.error().details).toEqual({
          images: [{ index: 1, filename: 'tiny.jpg', problems: [{ problem: 'too_small', value: 44, limit: 48 }] }],
        });
      });

      it('tells the form that such photos would be refused, without refusing the check', async () => {
        const response = await staff.checkImageQuality({ form: imagesForm({}, [blurred]) });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toEqual({
          mode: 'refuse',
          images: [{ index: 0, filename: 'blurred.jpg', problems: [expect.objectContaining({ problem: 'blurred' })] }],
        });
      });
    });

    describe('when off', () => {
      let t: TestApp;
      afterAll(() => t?.close());

      it('neither measures nor warns', async () => {
        t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false', IMAGE_QUALITY_GATE: 'off' });
        const staff = await as(t, 'staff.beilun');
        const response = await uploadSpecimen(staff, validMetadata(), [dark]);
        expect(response.statusCode, response.body).toBe(201);
        expect(response.json().images[0]!.qualityWarnings).toEqual([]);
        expect((await staff.checkImageQuality({ form: imagesForm({}, [dark]) })).json()).toEqual({
          mode: 'off',
          images: [{ index: 0, filename: 'dark.jpg', problems: [] }],
        });
      });
    });
  });
}
