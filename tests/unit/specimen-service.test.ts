import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecimenMetadata } from '../../api/contract/index.js';
import type { ImageProvenance, SpecimenRecord } from '../../api/domain/specimen.js';
import { specimenServiceOnFakes } from '../helpers/fakes/services.js';
import { uploadedImage } from '../helpers/fakes/specimens.js';
import { jpegImage } from '../helpers/images.js';

// Who may submit, see, correct and add photos to specimens, decided by SpecimenService alone: the repositories and
// the image store are in memory (tests/helpers/fakes), the organisation is the demo one. The integration tests
// (specimens-api, scope-matrix, bad-input) check the same rules through HTTP on real databases and disks.

const refused = (statusCode: number, code: string) => ({ statusCode, code });

const metadata = (overrides: Partial<SpecimenMetadata> = {}): SpecimenMetadata => ({
  portCode: 'CNNGB-BL',
  siteType: 'ship',
  collectedAt: '2026-11-20T06:30:00Z',
  count: 3,
  ...overrides,
});

describe('SpecimenService', () => {
  let world: ReturnType<typeof specimenServiceOnFakes>;
  let photo: Buffer;
  const actor = (username: string) => world.organisation.actor(username);
  const emitted: [string, string][] = [];

  beforeEach(async () => {
    world = specimenServiceOnFakes();
    world.organisation.addPerson('trainee.yangshan', 'trainee', 'YANGSHAN');
    emitted.length = 0;
    world.events.on('specimen.created', (record) => emitted.push(['specimen.created', record.id]));
    world.events.on('specimen.updated', (record) => emitted.push(['specimen.updated', record.id]));
    photo ??= await jpegImage(1);
  });

  /** What refused calls must leave as it was: audit, identification requests, stored files and events. */
  const traces = () => ({
    audit: world.transaction.actions(),
    requested: [...world.identifications.requested],
    files: [...world.store.stored],
    emitted: [...emitted],
  });

  describe('submitting', () => {
    const submit = async (username: string, overrides: Partial<SpecimenMetadata> = {}, files = [photo]) => {
      const uploads = await Promise.all(files.map((buffer, index) => uploadedImage(buffer, `${index}.jpg`)));
      return (await world.service.create(actor(username), metadata(overrides), uploads)).specimen;
    };

    it('stores a specimen submitted by staff, experts or administrators at a port of their scope, with its audit entry and identification request', async () => {
      const specimen = await submit('staff.beilun');
      expect(specimen).toMatchObject({
        port: { code: 'CNNGB-BL' },
        status: 'submitted',
        count: 3,
        createdBy: { username: 'staff.beilun' },
      });
      expect(specimen.unitId).toBe(world.organisation.unit('BEILUN').id);
      expect(specimen.images).toHaveLength(1);
      expect(traces()).toMatchObject({
        audit: ['specimen.create'],
        requested: [specimen.id],
        emitted: [['specimen.created', specimen.id]],
      });
      await submit('expert.ningbo', { portCode: 'CNNGB-LS' });
      await submit('admin', { portCode: 'CNSHA-YS' });
      expect(world.identifications.requested).toHaveLength(3);
    });

    it("refuses trainees (403), a port outside the caller's scope like an unknown one (422), and no photo (400), storing nothing", async () => {
      await expect(submit('trainee.ningbo')).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(submit('staff.yangshan', { portCode: 'CNNGB-BL' })).rejects.toMatchObject(refused(422, 'unknown_port'));
      await expect(submit('staff.yangshan', { portCode: 'XXNOPE' })).rejects.toMatchObject(refused(422, 'unknown_port'));
      await expect(submit('staff.beilun', {}, [])).rejects.toMatchObject(refused(400, 'images_required'));
      await expect(submit('staff.beilun', {}, [photo, Buffer.from('not a photo')])).rejects.toMatchObject({ statusCode: 415 });
      expect(traces()).toEqual({ audit: [], requested: [], files: [], emitted: [] });
    });
  });

  describe('correcting', () => {
    let specimen: SpecimenRecord;
    beforeEach(() => {
      specimen = world.specimens.add('staff.beilun', 'CNNGB-BL');
    });
    const update = (username: string, patch: Parameters<typeof world.service.update>[2], id = specimen.id) =>
      world.service.update(actor(username), id, patch);

    it('lets staff, experts and administrators in scope correct the metadata, audited with what it was before', async () => {
      const corrected = await update('staff.beilun', { count: 7, notes: 'two damaged' });
      expect(corrected).toMatchObject({ count: 7, notes: 'two damaged', status: 'submitted' });
      expect(await update('expert.ningbo', { siteType: 'container' })).toMatchObject({ siteType: 'container', count: 7 });
      expect(world.transaction.auditRows.map((row) => [row.action, row.before, row.after])).toEqual([
        ['specimen.update', JSON.stringify({ count: 1, notes: null }), JSON.stringify({ count: 7, notes: 'two damaged' })],
        ['specimen.update', JSON.stringify({ siteType: 'ship' }), JSON.stringify({ siteType: 'container' })],
      ]);
      expect(emitted).toEqual([
        ['specimen.updated', specimen.id],
        ['specimen.updated', specimen.id],
      ]);
    });

    it('lets only experts and administrators withdraw a specimen, and leaves confirmation to review (changing nothing when refused)', async () => {
      await expect(update('staff.beilun', { status: 'rejected' })).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(update('staff.beilun', { count: 2, status: 'rejected' })).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(update('expert.ningbo', { status: 'confirmed' })).rejects.toMatchObject(refused(409, 'status_by_review'));
      await expect(update('admin', { count: 2, status: 'in_review' })).rejects.toMatchObject(refused(409, 'status_by_review'));
      expect(await world.service.get(actor('staff.beilun'), specimen.id)).toMatchObject({ status: 'submitted', count: 1 });
      expect(await update('expert.ningbo', { status: 'rejected' })).toMatchObject({ status: 'rejected' });
      expect(world.transaction.actions()).toEqual(['specimen.update']);
    });

    it('refuses trainees (403), but answers 404 first to anyone the specimen is hidden from, as for a missing one', async () => {
      await expect(update('trainee.ningbo', { count: 2 })).rejects.toMatchObject(refused(403, 'forbidden'));
      for (const username of ['trainee.yangshan', 'staff.yangshan', 'staff.airport']) {
        await expect(update(username, { count: 2 })).rejects.toMatchObject(refused(404, 'not_found'));
      }
      await expect(update('expert.ningbo', { count: 2 }, randomUUID())).rejects.toMatchObject(refused(404, 'not_found'));
      expect(traces()).toEqual({ audit: [], requested: [], files: [], emitted: [] });
    });
  });

  describe('reading', () => {
    it('shows a specimen and its photos to everyone whose scope holds its port, and to no one else', async () => {
      const { specimen } = await world.service.create(actor('staff.beilun'), metadata(), [await uploadedImage(photo, 'a.jpg')]);
      const imageId = specimen.images[0]!.id;
      for (const username of ['staff.beilun', 'expert.ningbo', 'trainee.ningbo', 'expert.hq', 'admin']) {
        await expect(world.service.get(actor(username), specimen.id)).resolves.toMatchObject({ id: specimen.id });
        await expect(world.service.imageFile(actor(username), imageId, 'original')).resolves.toMatchObject({ mediaType: 'image/jpeg' });
      }
      for (const username of ['staff.airport', 'staff.yangshan', 'trainee.yangshan']) {
        await expect(world.service.get(actor(username), specimen.id)).rejects.toMatchObject(refused(404, 'not_found'));
        await expect(world.service.imageFile(actor(username), imageId, 'thumbnail')).rejects.toMatchObject(refused(404, 'not_found'));
      }
    });
  });

  describe('adding photos', () => {
    let specimen: SpecimenRecord;
    const roomId = randomUUID();
    beforeEach(() => {
      specimen = world.specimens.add('staff.beilun', 'CNNGB-BL');
      world.specimens.addConsultation(specimen.id, roomId);
    });
    const add = async (username: string, provenance: ImageProvenance = { origin: 'upload', roomId: null }, id = specimen.id) =>
      world.service.addImages(actor(username), id, [await uploadedImage(photo, 'still.jpg')], provenance);

    it('adds them after the existing ones, audited with where they came from, and tells live pages', async () => {
      const first = await add('staff.beilun');
      const { added, specimen: after } = await add('expert.ningbo', { origin: 'annotated-still', roomId });
      expect(after.images.map((image) => image.id)).toEqual([...first.added, ...added].map((image) => image.id));
      const provenances = world.transaction.auditRows.map((row) => [row.action, JSON.parse(String(row.after)) as ImageProvenance]);
      expect(provenances).toEqual([
        ['specimen.add_images', expect.objectContaining({ origin: 'upload', roomId: null })],
        ['specimen.add_images', expect.objectContaining({ origin: 'annotated-still', roomId })],
      ]);
      expect(emitted).toEqual([
        ['specimen.updated', specimen.id],
        ['specimen.updated', specimen.id],
      ]);
      // Added photos are not sent to identification.
      expect(world.identifications.requested).toEqual([]);
    });

    it('answers 404 out of scope before 403 to trainees, and 422 for a room that is no consultation about this specimen', async () => {
      await expect(add('staff.yangshan')).rejects.toMatchObject(refused(404, 'not_found'));
      await expect(add('trainee.yangshan')).rejects.toMatchObject(refused(404, 'not_found'));
      await expect(add('trainee.ningbo')).rejects.toMatchObject(refused(403, 'forbidden'));
      await expect(add('staff.beilun', { origin: 'camera-still', roomId: randomUUID() })).rejects.toMatchObject(
        refused(422, 'unknown_room'),
      );
      expect(traces()).toEqual({ audit: [], requested: [], files: [], emitted: [] });
    });
  });
});
