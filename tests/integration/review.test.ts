import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_WEBHOOK_HEADERS, type AlertWebhookPayload, type ReviewBody, type Specimen } from '../../api/contract/index.js';
import { as, type Response, type SignedInClient } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { addUsers, aiAnswer, triagedSpecimen } from '../helpers/review.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { addSpecimenImages } from '../helpers/uploads.js';

const BEILUN = 'CNNGB-BL';
const LISHE = 'CNNGB-LS';
const YANGSHAN = 'CNSHA-YS';

const PEOPLE = [
  'admin',
  'staff.beilun',
  'staff.airport',
  'staff.yangshan',
  'expert.ningbo',
  'expert.ningbo2',
  'expert.hq',
  'expert.shanghai',
  'trainee.ningbo',
] as const;
type Person = (typeof PEOPLE)[number];

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `expert review, detections and alerts on ${backend.name} ${backend.availability.reason}`,
    () => {
      let t: TestApp;
      const people = {} as Record<Person, SignedInClient>;

      const expectError = (response: Pick<Response, 'statusCode' | 'error'>, status: number, code: string) => {
        expect(response.statusCode).toBe(status);
        expect(response.error()).toMatchObject({ error: code, message: expect.any(String) });
      };
      const decide = (person: Person, specimen: Specimen, body: ReviewBody) =>
        people[person].reviewSpecimen({ params: { id: specimen.id }, body });
      const decided = async (person: Person, specimen: Specimen, body: ReviewBody) => {
        const response = await decide(person, specimen, body);
        expect(response.statusCode, response.body).toBe(201);
        return response.json();
      };
      const submitterAt: Record<string, Person> = { [BEILUN]: 'staff.beilun', [LISHE]: 'staff.airport', [YANGSHAN]: 'staff.yangshan' };
      /** A specimen submitted by the port's staff and identified by the AI as `taxon`. */
      const specimenOf = (portCode: string, taxon: string, confidence = 0.95, overrides = {}) =>
        triagedSpecimen(t, people[submitterAt[portCode]!], portCode, aiAnswer(taxon, confidence, overrides));
      /** Two Ningbo experts confirm the AI's answer: the taxon becomes known at the port. */
      const confirmedByTwo = async (specimen: Specimen) => {
        await decided('expert.ningbo', specimen, { decision: 'confirm' });
        return decided('expert.ningbo2', specimen, { decision: 'confirm' });
      };
      const rowCount = async (table: 'reviews' | 'detections' | 'alerts' | 'audit_log' | 'identifications') =>
        Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.database.db)).rows[0]!.n);
      const reasonCodes = (specimen: Specimen) => specimen.triage?.reasons.map((reason) => reason.code);

      beforeAll(async () => {
        // Identification is driven by the tests (the answers they choose), not by the models on drawn images.
        t = await createTestApp(backend.name, { IDENTIFY_JOBS_IN_API: 'false' });
        await addUsers(t, [
          ['expert.ningbo2', 'expert', 'NINGBO'],
          ['expert.shanghai', 'expert', 'SHANGHAI'],
        ]);
        for (const person of PEOPLE) people[person] = await as(t, person);
      });

      afterAll(async () => {
        await t?.close();
      });

      it('sends a first record to the critical queue with every level it is first at, and accepts the next one at that port as identified', async () => {
        const first = await specimenOf(BEILUN, 'Culex tritaeniorhynchus');
        expect(first.status).toBe('in_review');
        expect(first.triage?.queue).toBe('critical');
        expect(reasonCodes(first)).toEqual(['first_at_port', 'first_in_district', 'first_nationally']);
        expect(first.review).toMatchObject({ round: 1, agreementsNeeded: 2, reviewUnit: { code: 'BEILUN' } });

        const outcome = await confirmedByTwo(first);
        expect(outcome.outcome).toBe('confirmed');
        expect(outcome.detection).toMatchObject({
          taxon: 'Culex tritaeniorhynchus',
          identifiedBy: 'expert',
          firstLevels: ['port', 'district', 'national'],
          watchList: false,
        });
        expect(outcome.alertId).toEqual(expect.any(String));

        const second = await specimenOf(BEILUN, 'Culex tritaeniorhynchus');
        expect(second.triage).toMatchObject({ queue: 'auto', reasons: [] });
        expect(second.status).toBe('confirmed');
        const detections = (await people['expert.ningbo'].listDetections({ query: { taxon: 'Culex' } })).json();
        expect(detections.items.find((detection) => detection.specimenId === second.id)).toMatchObject({
          identifiedBy: 'ai',
          firstLevels: [],
        });

        // Another port of the same district: first at the port only; a port of another district: first there and in its district.
        expect(reasonCodes(await specimenOf(LISHE, 'Culex tritaeniorhynchus'))).toEqual(['first_at_port']);
        expect(reasonCodes(await specimenOf(YANGSHAN, 'Culex tritaeniorhynchus'))).toEqual(['first_at_port', 'first_in_district']);
        // A genus is known wherever one of its species was found.
        expect((await specimenOf(BEILUN, 'Culex', 0.95, { models: ['vector-group@2026.11.27'] })).triage?.queue).toBe('auto');
      });

      it('triages an answer committed at genus as that genus: a first record waits for experts, who confirm the genus, not the species the AI was unsure of', async () => {
        const [detections, alerts] = [await rowCount('detections'), await rowCount('alerts')];
        const levels = {
          group: { taxon: 'Culicidae', confidence: 0.99 },
          genus: { taxon: 'Culiseta', confidence: 0.93 },
          species: { taxon: 'Culiseta inornata', confidence: 0.41 },
        };
        const specimen = await specimenOf(BEILUN, 'Culiseta', 0.93, { committedLevel: 'genus', levels });
        expect(specimen.identification).toMatchObject({ taxon: 'Culiseta', committedLevel: 'genus', levels });
        expect(specimen).toMatchObject({ status: 'in_review', triage: { queue: 'critical' } });
        expect(reasonCodes(specimen)).toContain('first_at_port');
        // Nothing is detected, and no first-record alert opens, on the AI's word alone.
        expect([await rowCount('detections'), await rowCount('alerts')]).toEqual([detections, alerts]);

        expectError(await decide('expert.ningbo', specimen, { decision: 'confirm', taxon: 'Culiseta inornata' }), 422, 'confirm_mismatch');
        const outcome = await confirmedByTwo(specimen);
        expect(outcome.detection).toMatchObject({
          taxon: 'Culiseta',
          identifiedBy: 'expert',
          firstLevels: ['port', 'district', 'national'],
        });
        expect(outcome.alertId).toEqual(expect.any(String));
      });

      it('sends uncertain answers to review and watch-list taxa to the critical queue, saying why', async () => {
        await confirmedByTwo(await specimenOf(BEILUN, 'Culex pipiens'));

        expect((await specimenOf(BEILUN, 'Culex pipiens', 0.5)).triage?.reasons).toEqual([
          { code: 'confidence_below', queue: 'review', detail: 'confidence 0.50 below 0.85' },
        ]);
        const rejected = await specimenOf(BEILUN, 'unknown', 0.3, {
          rejected: true,
          group: 'mosquito',
          models: ['vector-group@2026.11.27'],
        });
        expect(rejected.triage).toMatchObject({ queue: 'review' });
        expect(reasonCodes(rejected)).toEqual(['rejected']);

        const shadowed = await triagedSpecimen(
          t,
          people['staff.beilun'],
          BEILUN,
          aiAnswer('Culex pipiens', 0.95),
          aiAnswer('Culex quinquefasciatus', 0.9),
        );
        expect(shadowed.triage?.reasons).toEqual([
          { code: 'shadow_disagrees', queue: 'review', detail: 'shadow model says Culex quinquefasciatus' },
        ]);

        const backedOff = await specimenOf(BEILUN, 'Culicidae', 0.97);
        expect(reasonCodes(backedOff)).toEqual(['refiner_group_disagree']);

        const watched = await specimenOf(BEILUN, 'Aedes albopictus');
        expect(watched.triage?.queue).toBe('critical');
        expect(reasonCodes(watched)).toContain('watch_list');
      });

      it('keeps the rules as data: an administrator changes a threshold, and specimens triaged afterwards follow it', async () => {
        const rules = (await people['expert.ningbo'].listTriageRules()).json().items;
        expect(rules.map((rule) => rule.code)).toContain('confidence_below');
        expect(rules.find((rule) => rule.code === 'confidence_below')).toMatchObject({ queue: 'review', enabled: true, threshold: 0.85 });

        expectError(
          await people['expert.ningbo'].updateTriageRule({ params: { code: 'confidence_below' }, body: { threshold: 0.4 } }),
          403,
          'forbidden',
        );
        expectError(await people['staff.beilun'].listTriageRules(), 403, 'forbidden');
        expect((await people.admin.updateTriageRule({ params: { code: 'confidence_below' }, body: { threshold: 2 } })).statusCode).toBe(
          400,
        );

        const changed = await people.admin.updateTriageRule({ params: { code: 'confidence_below' }, body: { threshold: 0.4 } });
        expect(changed.json()).toMatchObject({ threshold: 0.4, updatedBy: { username: 'admin' } });
        try {
          expect((await specimenOf(BEILUN, 'Culex pipiens', 0.5)).triage?.queue).toBe('auto');
          const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'triage_rule.updated').execute();
          expect(audit.at(-1)).toMatchObject({ entity_id: 'confidence_below', before: { threshold: 0.85 }, after: { threshold: 0.4 } });
        } finally {
          await people.admin.updateTriageRule({ params: { code: 'confidence_below' }, body: { threshold: 0.85 } });
        }
      });

      it('needs two different experts for a critical specimen, refuses a second decision by the same one, and records each in the history and the audit trail', async () => {
        const specimen = await specimenOf(BEILUN, 'Anopheles sinensis');
        const auditBefore = await rowCount('audit_log');
        const waiting = await decided('expert.ningbo', specimen, { decision: 'confirm', notes: 'wing spots and palps clear' });
        expect(waiting.outcome).toBe('awaiting_second_opinion');
        expect(waiting.specimen.status).toBe('in_review');

        const reviews = await rowCount('reviews');
        expectError(await decide('expert.ningbo', specimen, { decision: 'confirm' }), 409, 'already_reviewed');
        expect(await rowCount('reviews')).toBe(reviews);
        const queue = (await people['expert.ningbo'].reviewQueue()).json();
        expect(queue.items.map((item) => item.id)).not.toContain(specimen.id);
        expect((await people['expert.ningbo2'].reviewQueue()).json().items.map((item) => item.id)).toContain(specimen.id);

        const agreed = await decided('expert.ningbo2', specimen, { decision: 'confirm', lifeStage: 'adult', sex: 'female' });
        expect(agreed.outcome).toBe('confirmed');
        expect(agreed.specimen).toMatchObject({ status: 'confirmed', detectionId: agreed.detection?.id, sex: 'female' });
        expect(agreed.specimen.review.decisions.map((decision) => decision.reviewer.username)).toEqual(['expert.ningbo2', 'expert.ningbo']);
        expect(agreed.specimen.identifications.filter((entry) => entry.source === 'expert')).toHaveLength(2);

        const audit = await t.database.db
          .selectFrom('audit_log')
          .innerJoin('users', 'users.id', 'audit_log.user_id')
          .select(['audit_log.action', 'audit_log.before', 'audit_log.after', 'users.username'])
          .where('audit_log.entity_id', '=', specimen.id)
          .where('audit_log.action', '=', 'specimen.reviewed')
          .orderBy('audit_log.at')
          .execute();
        expect(audit).toMatchObject([
          {
            username: 'expert.ningbo',
            before: { status: 'in_review', queue: 'critical' },
            after: { decision: 'confirm', outcome: 'awaiting_second_opinion' },
          },
          { username: 'expert.ningbo2', before: { status: 'in_review' }, after: { decision: 'confirm', outcome: 'confirmed' } },
        ]);
        expect(await rowCount('audit_log')).toBeGreaterThan(auditBefore);
        expectError(await decide('expert.hq', specimen, { decision: 'confirm' }), 409, 'not_in_review');
      });

      it('moves a disagreement above the experts who disagreed, where another expert settles it', async () => {
        const specimen = await specimenOf(BEILUN, 'Anopheles minimus');
        await decided('expert.ningbo', specimen, { decision: 'confirm' });
        const escalated = await decided('expert.ningbo2', specimen, { decision: 'correct', taxon: 'Anopheles dirus' });
        expect(escalated.outcome).toBe('escalated');
        expect(escalated.specimen.review.reviewUnit).toMatchObject({ code: 'HQ' });
        expect(escalated.specimen.triage?.reasons.at(-1)).toMatchObject({ code: 'experts_disagree', queue: 'critical' });

        const hqQueue = (await people['expert.hq'].reviewQueue({ query: { queue: 'critical', limit: 100 } })).json();
        expect(hqQueue.items.map((item) => item.id)).toContain(specimen.id);
        expect(hqQueue.items.every((item) => item.triage?.queue === 'critical')).toBe(true);
        const settled = await decided('expert.hq', specimen, { decision: 'correct', taxon: 'Anopheles dirus' });
        expect(settled.outcome).toBe('confirmed');
        expect(settled.detection).toMatchObject({ taxon: 'Anopheles dirus', identifiedBy: 'expert' });
        const escalations = await t.database.db
          .selectFrom('audit_log')
          .select('after')
          .where('action', '=', 'specimen.escalated')
          .where('entity_id', '=', specimen.id)
          .execute();
        expect(escalations).toHaveLength(1);
      });

      it('makes a specimen critical when a decision names a watch-list taxon, so a second expert must agree', async () => {
        const specimen = await specimenOf(BEILUN, 'Culex pipiens', 0.55);
        expect(specimen.triage?.queue).toBe('review');
        const corrected = await decided('expert.ningbo', specimen, { decision: 'correct', taxon: 'Aedes aegypti', lifeStage: 'adult' });
        expect(corrected.outcome).toBe('awaiting_second_opinion');
        expect(corrected.specimen.triage?.queue).toBe('critical');
        expect(corrected.specimen.triage?.reasons.map((reason) => reason.code)).toEqual(
          expect.arrayContaining(['confidence_below', 'watch_list']),
        );
        expect(corrected.specimen.review.agreementsNeeded).toBe(2);
        const second = await decided('expert.ningbo2', specimen, { decision: 'correct', taxon: 'Aedes aegypti', lifeStage: 'adult' });
        expect(second.outcome).toBe('confirmed');
        expect(second.detection).toMatchObject({ watchList: true });
      });

      it('asks the submitter for photographs and reviews the specimen again once they are added', async () => {
        const specimen = await specimenOf(BEILUN, 'Culex pipiens', 0.6);
        expectError(await decide('expert.ningbo', specimen, { decision: 'need-more-photos' }), 422, 'notes_required');
        const asked = await decided('expert.ningbo', specimen, {
          decision: 'need-more-photos',
          notes: 'A lateral view of the thorax, please',
        });
        expect(asked.outcome).toBe('needs_photos');
        expect(asked.specimen).toMatchObject({ status: 'needs_photos', review: { round: 2 } });
        expectError(await decide('expert.ningbo2', specimen, { decision: 'confirm' }), 409, 'not_in_review');

        const added = await addSpecimenImages(people['staff.beilun'], specimen.id, [{ name: 'thorax.jpg', data: await jpegImage(7) }]);
        expect(added.statusCode, added.body).toBe(201);
        const back = (await people['staff.beilun'].getSpecimen({ params: { id: specimen.id } })).json();
        expect(back.status).toBe('in_review');
        // A new round: the expert who asked may decide again.
        const confirmed = await decided('expert.ningbo', specimen, { decision: 'confirm' });
        expect(confirmed.outcome).toBe('confirmed');
      });

      it('keeps the queue and decisions within scope, and refuses bad decisions without writing anything', async () => {
        const specimen = await specimenOf(BEILUN, 'Culex pipiens', 0.6);
        expect((await people['expert.shanghai'].reviewQueue()).json().items.map((item) => item.id)).not.toContain(specimen.id);
        expectError(await decide('expert.shanghai', specimen, { decision: 'confirm' }), 404, 'not_found');
        expectError(await people['staff.beilun'].reviewQueue(), 403, 'forbidden');
        expectError(await decide('staff.beilun', specimen, { decision: 'confirm' }), 403, 'forbidden');
        expectError(await decide('admin', specimen, { decision: 'confirm' }), 403, 'forbidden');

        const counts = async () => [await rowCount('reviews'), await rowCount('identifications'), await rowCount('audit_log')];
        const before = await counts();
        expectError(await decide('expert.ningbo', specimen, { decision: 'correct', taxon: 'Culex imaginarius' }), 422, 'unknown_taxon');
        expectError(await decide('expert.ningbo', specimen, { decision: 'confirm', taxon: 'Aedes albopictus' }), 422, 'confirm_mismatch');
        expectError(await decide('expert.ningbo', specimen, { decision: 'correct' }), 422, 'taxon_required');
        expect(
          (await people['expert.ningbo'].reviewSpecimen({ params: { id: specimen.id }, body: { decision: 'maybe' } as never })).statusCode,
        ).toBe(400);
        expect(await counts()).toEqual(before);
        expect((await people['expert.ningbo'].getSpecimen({ params: { id: specimen.id } })).json()).toMatchObject({
          status: 'in_review',
          review: { decisions: [] },
        });
      });

      it('opens an alert for a first or watch-list detection that a responsible person at the unit above acknowledges and confirms', async () => {
        const specimen = await specimenOf(LISHE, 'Aedes albopictus');
        const { alertId } = await confirmedByTwo(specimen);
        const id = alertId!;
        const alert = (await people['expert.ningbo'].getAlert({ params: { id } })).json();
        expect(alert).toMatchObject({
          status: 'open',
          reasons: expect.arrayContaining(['watch_list', 'first_at_port']),
          taxon: { id: 'Aedes albopictus', nameZh: '白纹伊蚊', watchList: true },
          port: { code: LISHE },
          responsibleUnit: { code: 'NINGBO' },
          canAct: true,
        });
        expect((await people['staff.airport'].getAlert({ params: { id } })).json().canAct).toBe(false);
        expectError(await people['staff.beilun'].getAlert({ params: { id } }), 404, 'not_found');
        expectError(await people['staff.yangshan'].getAlert({ params: { id } }), 404, 'not_found');
        expect((await people['expert.shanghai'].listAlerts()).json().items.map((item) => item.id)).not.toContain(id);

        expectError(await people['staff.airport'].acknowledgeAlert({ params: { id } }), 403, 'forbidden');
        expectError(await people['expert.ningbo'].confirmAlert({ params: { id } }), 409, 'alert_state');
        expect((await people['expert.ningbo'].dismissAlert({ params: { id }, body: { reason: '' } })).statusCode).toBe(400);
        const acknowledged = (await people['expert.ningbo'].acknowledgeAlert({ params: { id } })).json();
        expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedBy: { username: 'expert.ningbo' } });
        expectError(await people['expert.hq'].acknowledgeAlert({ params: { id } }), 409, 'alert_state');
        const confirmed = (await people['expert.hq'].confirmAlert({ params: { id } })).json();
        expect(confirmed).toMatchObject({ status: 'confirmed', confirmedBy: { username: 'expert.hq' } });
        expectError(await people['expert.hq'].dismissAlert({ params: { id }, body: { reason: 'mistaken' } }), 409, 'alert_state');

        const open = (await people['expert.hq'].listAlerts({ query: { status: 'confirmed' } })).json();
        expect(open.items.map((item) => item.id)).toContain(id);
        const trail = await t.database.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('at').execute();
        expect(trail.map((entry) => entry.action)).toEqual(['alert.opened', 'alert.acknowledged', 'alert.confirmed']);
      });

      it('sends the alert a review opens through the channels of the units above the port, signed, and logs the delivery', async () => {
        const received: { headers: IncomingHttpHeaders; body: string }[] = [];
        const receiver = createServer((request, response) => {
          let body = '';
          request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          request.on('end', () => {
            received.push({ headers: request.headers, body });
            response.writeHead(204).end();
          });
        });
        await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
        try {
          const ningbo = await t.repositories.organisation.findUnitByCode('NINGBO');
          const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
          const channel = await people.admin.createAlertChannel({
            body: { kind: 'webhook', unitId: ningbo!.id, name: 'Ningbo duty desk', webhook: { url } },
          });
          expect(channel.statusCode, channel.body).toBe(201);
          const secret = channel.json().secret!;
          // This app identifies nothing (the tests choose the answers), so it runs no jobs: the test runs the delivery jobs.
          t.jobs.queue('alert-delivery').process(t.services.alertDelivery.jobHandler());

          const { alertId } = await confirmedByTwo(await specimenOf(BEILUN, 'Aedes vexans'));
          await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
          const [{ headers, body }] = received as [(typeof received)[number]];
          const timestamp = String(headers[ALERT_WEBHOOK_HEADERS.timestamp.toLowerCase()]);
          const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
          expect(headers[ALERT_WEBHOOK_HEADERS.signature.toLowerCase()]).toBe(`sha256=${signature}`);
          const payload = JSON.parse(body) as AlertWebhookPayload;
          expect(payload).toMatchObject({
            event: 'alert.raised',
            alert: { alertId, taxon: { id: 'Aedes vexans' }, port: { code: BEILUN } },
          });

          await expect
            .poll(async () => (await people['expert.ningbo'].getAlert({ params: { id: alertId! } })).json().deliveries, { timeout: 10_000 })
            .toMatchObject([
              { channel: { name: 'Ningbo duty desk', kind: 'webhook' }, status: 'delivered', attempts: 1, lastStatusCode: 204 },
            ]);
        } finally {
          receiver.close();
        }
      });
    },
  );
}
