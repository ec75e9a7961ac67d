import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type PracticeSessionCreated, type Specimen } from '../../api/contract/index.js';
import { expectError } from '../helpers/audit.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { addUsers } from '../helpers/review.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const VEXANS = 'Aedes vexans';
const PIPIENS = 'Culex pipiens';
const VEXANS_NOTES = 'Pale basal bands on every abdominal segment';
/** Words that would give an answer away anywhere in a question's payload. */
const TELLTALE_WORDS = ['Aedes', 'vexans', 'Culex', 'pipiens', '刺扰伊蚊', '尖音库蚊', 'floodwater', 'house mosquito', VEXANS_NOTES];

/** A photo that carries what a question must never show: EXIF naming its taxon and its collector, and an ICC profile. */
async function photoWithMetadata(): Promise<Buffer> {
  const plain = await jpegImage(7, 120, 90);
  return sharp(plain)
    .withExif({ IFD0: { ImageDescription: VEXANS, Artist: 'staff.beilun', Copyright: 'CNNGB-BL' } })
    .withIccProfile('srgb')
    .jpeg()
    .toBuffer();
}

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`practice sets on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let trainee: Client;
    let otherTrainee: Client;
    /** The specimens the Ningbo trainee may be asked about, and the ones kept from them. */
    let inScope: Specimen[];
    let withMetadata: Specimen;
    let hidden: Specimen;
    let shanghai: Specimen;

    const questionRow = (questionId: string) =>
      t.database.db.selectFrom('practice_questions').selectAll().where('id', '=', questionId).executeTakeFirstOrThrow();
    const cardOf = (username: string, taxonId: string) =>
      t.database.db
        .selectFrom('practice_cards')
        .innerJoin('users', 'users.id', 'practice_cards.trainee_id')
        .select(['box', 'due_at', 'answered', 'correct'])
        .where('users.username', '=', username)
        .where('taxon_id', '=', taxonId)
        .executeTakeFirst();
    const start = async (client: Client, body: Parameters<Client['startPracticeSession']>[0]['body']) => {
      const response = await client.startPracticeSession({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    /** Every id and content hash that could lead from a question to its specimen. */
    const secrets = () =>
      [...inScope, hidden, shanghai].flatMap((specimen) => [specimen.id, ...specimen.images.flatMap((image) => [image.id, image.sha256])]);
    const expectNothingGivenAway = (raw: string) => {
      for (const secret of [...secrets(), ...TELLTALE_WORDS]) expect(raw).not.toContain(secret);
    };

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      await addUsers(t, [['trainee.beilun', 'trainee', 'BEILUN']]);
      withMetadata = await confirmedSpecimen(t, {
        portCode: 'CNNGB-BL',
        taxon: VEXANS,
        aiTaxon: PIPIENS,
        notes: VEXANS_NOTES,
        photo: await photoWithMetadata(),
      });
      inScope = [
        withMetadata,
        await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: VEXANS, notes: VEXANS_NOTES }),
        await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS, notes: 'Blunt abdomen tip' }),
        await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: PIPIENS, lifeStage: 'larva' }),
      ];
      hidden = await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS });
      const expert = await t.repositories.users.findByUsername('expert.ningbo');
      await t.database.db
        .insertInto('specimen_teaching_marks')
        .values({ specimen_id: hidden.id, mark: 'hidden', marked_by: expert!.id })
        .execute();
      shanghai = await confirmedSpecimen(t, { portCode: 'CNSHA-YS', taxon: VEXANS });
      trainee = await as(t, 'trainee.ningbo');
      otherTrainee = await as(t, 'trainee.beilun');
    }, 120_000);
    afterAll(() => t?.close());

    it('is for trainees only', async () => {
      for (const username of ['expert.ningbo', 'staff.beilun', 'admin']) {
        const client = await as(t, username);
        expectError(await client.startPracticeSession({ body: { size: 1 } }), 403, 'forbidden');
        expectError(await client.practiceProgress(), 403, 'forbidden');
      }
    });

    let firstSet: PracticeSessionCreated;

    it("draws distinct specimens of the trainee's scope, leaving out hidden ones, and shows nothing that leads to the answer", async () => {
      const response = await trainee.startPracticeSession({ body: { size: 4, difficulty: 'gentle' } });
      expect(response.statusCode, response.body).toBe(201);
      expectNothingGivenAway(response.body);
      firstSet = response.json();
      expect(Object.keys(firstSet).sort()).toEqual(['id', 'questions']);
      expect(firstSet.questions).toHaveLength(4);
      for (const question of firstSet.questions) {
        expect(Object.keys(question).sort()).toEqual(['id', 'imageUrl']);
        expect(question.imageUrl).toBe(`/api/v1/practice/questions/${question.id}/image`);
      }
      const drawn = await Promise.all(firstSet.questions.map((question) => questionRow(question.id)));
      expect(drawn.map((row) => row.specimen_id).sort()).toEqual(inScope.map((specimen) => specimen.id).sort());

      const fetched = await trainee.getPracticeSession({ params: { id: firstSet.id } });
      expect(fetched.statusCode, fetched.body).toBe(200);
      expectNothingGivenAway(fetched.body);
      expect(fetched.json()).toMatchObject({
        size: 4,
        answered: 0,
        correct: 0,
        difficulty: 'gentle',
        finishedAt: null,
        assignmentId: null,
      });
      expect(fetched.json().questions).toEqual(firstSet.questions);
    });

    it('stores the answer as confirmed when the set is drawn: taxon, life stage and the naming expert’s notes', async () => {
      const drawn = await Promise.all(firstSet.questions.map((question) => questionRow(question.id)));
      const keyOf = (specimenId: string) => drawn.find((row) => row.specimen_id === specimenId)!;
      expect(keyOf(withMetadata.id)).toMatchObject({ taxon_id: VEXANS, life_stage: 'adult', notes: VEXANS_NOTES });
      expect(keyOf(inScope[3]!.id)).toMatchObject({ taxon_id: PIPIENS, life_stage: 'larva', notes: null });
    });

    it('refuses sets it cannot fill, unknown taxa, and names what is available', async () => {
      const tooMany = expectError(await trainee.startPracticeSession({ body: { size: 5 } }), 422, 'not_enough_specimens');
      expect(tooMany.details).toEqual({ requested: 5, available: 4 });
      const ticks = expectError(await trainee.startPracticeSession({ body: { size: 1, groups: ['tick'] } }), 422, 'not_enough_specimens');
      expect(ticks.details).toMatchObject({ available: 0 });
      // A genus takes in its species: two Culex pipiens are in scope (the hidden one is not).
      expectError(await trainee.startPracticeSession({ body: { size: 3, taxa: ['Culex'] } }), 422, 'not_enough_specimens');
      expectError(await trainee.startPracticeSession({ body: { size: 1, taxa: ['Culex imaginarius'] } }), 422, 'unknown_taxon');
      expectError(await trainee.startPracticeSession({ body: {} }), 400, 'size_required');
      const sets = await t.database.db.selectFrom('practice_sessions').select('id').execute();
      expect(sets).toHaveLength(1);
    });

    it('serves the photo re-encoded, without metadata, not cached, to its trainee only', async () => {
      const question = (await Promise.all(firstSet.questions.map((q) => questionRow(q.id)))).find(
        (row) => row.specimen_id === withMetadata.id,
      )!;
      const storedBytes = await readFile(t.store.originalPath(withMetadata.images[0]!.sha256));
      const storedMetadata = await sharp(storedBytes).metadata();
      // The test photo does carry what must be stripped.
      expect(storedMetadata.exif).toBeDefined();
      expect(storedMetadata.icc).toBeDefined();

      const response = await trainee.practiceQuestionImage({ params: { id: question.id } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/jpeg');
      expect(response.headers['cache-control']).toBe('no-store');
      const served = response.rawPayload;
      expect(served.equals(storedBytes)).toBe(false);
      const metadata = await sharp(served).metadata();
      expect(metadata.format).toBe('jpeg');
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
      expect(metadata.comments ?? []).toEqual([]);
      expect(served.toString('latin1')).not.toContain('vexans');

      expectError(await otherTrainee.practiceQuestionImage({ params: { id: question.id } }), 404, 'not_found');
      expectError(await (await as(t, 'expert.ningbo')).practiceQuestionImage({ params: { id: question.id } }), 403, 'forbidden');
    });

    /** The question about the photo with metadata: answered first, and right. */
    const firstAnswered = async () =>
      (await Promise.all(firstSet.questions.map((question) => questionRow(question.id)))).find(
        (row) => row.specimen_id === withMetadata.id,
      )!;

    it("refuses someone else's question, an unknown taxon and a malformed one, writing nothing", async () => {
      const questionId = (await firstAnswered()).id;
      expectError(await otherTrainee.answerPracticeQuestion({ params: { id: questionId }, body: { taxon: VEXANS } }), 404, 'not_found');
      expectError(await otherTrainee.getPracticeSession({ params: { id: firstSet.id } }), 404, 'not_found');
      const unknown = await trainee.answerPracticeQuestion({ params: { id: questionId }, body: { taxon: 'Aedes imaginarius' } });
      expectError(unknown, 422, 'unknown_taxon');
      const malformed = await trainee.send(endpoints.answerPracticeQuestion, { params: { id: questionId }, body: { taxon: 42 } });
      expect(malformed.statusCode).toBe(400);
      expect(await questionRow(questionId)).toMatchObject({ answered_at: null, answered_taxon_id: null, correct: null });
      expect(await t.database.db.selectFrom('practice_cards').selectAll().execute()).toEqual([]);
    });

    it('takes one of two answers sent at once, and moves the card once', async () => {
      const question = await firstAnswered();
      const answers = await Promise.all(
        [0, 1].map(() => trainee.answerPracticeQuestion({ params: { id: question.id }, body: { taxon: question.taxon_id } })),
      );
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
      expectError(
        answers.find((answer) => answer.statusCode === 409)!,
        409,
        'already_answered',
      );
      expect((await cardOf('trainee.ningbo', question.taxon_id))!.answered).toBe(1);
    });

    it("scores each answer against the expert's, with their notes; the set finishes with its last answer", async () => {
      // The other Aedes vexans taken for Culex pipiens; both Culex pipiens named right.
      const answeredFirst = await firstAnswered();
      const rows = (await Promise.all(firstSet.questions.map((question) => questionRow(question.id)))).filter(
        (row) => row.id !== answeredFirst.id,
      );
      for (const row of rows) {
        const response = await trainee.answerPracticeQuestion({ params: { id: row.id }, body: { taxon: PIPIENS } });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toEqual({
          correct: row.taxon_id === PIPIENS,
          answer: { taxon: row.taxon_id, lifeStage: row.life_stage, notes: row.notes },
          sessionFinished: row === rows.at(-1),
        });
      }
      expectError(await trainee.answerPracticeQuestion({ params: { id: rows[0]!.id }, body: { taxon: VEXANS } }), 409, 'already_answered');

      const set = (await trainee.getPracticeSession({ params: { id: firstSet.id } })).json();
      // Right: the first Aedes vexans and the two Culex pipiens.
      expect(set).toMatchObject({ answered: 4, correct: 3, finishedAt: expect.any(String) });
      for (const question of set.questions) {
        expect(question.answer?.taxon).toMatch(/^(Aedes vexans|Culex pipiens)$/);
        expect(question.given).toBeDefined();
        expect(question.correct).toBe(question.given === question.answer!.taxon);
      }
      const sets = (await trainee.listPracticeSessions()).json().items;
      expect(sets.map((item) => [item.id, item.answered, item.correct])).toEqual([[firstSet.id, 4, 3]]);
    });

    it('shows accuracy per taxon, the totals and the confusions of the week', async () => {
      const progress = (await trainee.practiceProgress()).json();
      expect(progress.totals).toEqual({ sessions: 1, finishedSessions: 1, answered: 4, correct: 3, accuracy: 0.75 });
      const byTaxon = Object.fromEntries(progress.taxa.map((row) => [row.taxon, row]));
      expect(byTaxon[PIPIENS]).toMatchObject({ answered: 2, correct: 2, accuracy: 1, box: 3 });
      expect(byTaxon[VEXANS]).toMatchObject({ answered: 2, correct: 1, accuracy: 0.5, box: 1 });
      // The soonest due first: the taxon answered wrongly.
      expect(progress.taxa[0]!.taxon).toBe(VEXANS);
      const monday = new Date();
      monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
      expect(progress.confusions).toEqual([{ week: monday.toISOString().slice(0, 10), taxon: VEXANS, takenFor: PIPIENS, count: 1 }]);
      expect((await otherTrainee.practiceProgress()).json()).toEqual({
        totals: { sessions: 0, finishedSessions: 0, answered: 0, correct: 0, accuracy: null },
        taxa: [],
        confusions: [],
      });
    });

    it('brings back what was answered wrongly: its card is due first and the next set draws it first', async () => {
      const vexans = (await cardOf('trainee.ningbo', VEXANS))!;
      const pipiens = (await cardOf('trainee.ningbo', PIPIENS))!;
      expect(vexans.box).toBe(1);
      expect(vexans.due_at.getTime()).toBeLessThanOrEqual(Date.now());
      expect(pipiens.due_at.getTime()).toBeGreaterThan(Date.now() + 2 * 24 * 60 * 60 * 1000);
      for (const difficulty of ['gentle', 'mixed', 'hard'] as const) {
        const set = await start(trainee, { size: 2, difficulty });
        const drawn = await Promise.all(set.questions.map((question) => questionRow(question.id)));
        expect(drawn.map((row) => row.taxon_id)).toEqual([VEXANS, VEXANS]);
      }
    });

    describe('course assignments', () => {
      let courseId: string;
      const assignment = async (values: { kind: 'practice' | 'class'; size?: number; taxa?: string[]; roomId?: string }) => {
        const expert = await t.repositories.users.findByUsername('expert.ningbo');
        const { id } = await t.database.db
          .insertInto('course_assignments')
          .values({
            course_id: courseId,
            kind: values.kind,
            title: `${values.kind} assignment`,
            room_id: values.roomId ?? null,
            practice_size: values.size ?? null,
            practice_taxa: JSON.stringify(values.taxa ?? []),
            due_at: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
            created_by: expert!.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return id;
      };

      beforeAll(async () => {
        const expert = await t.repositories.users.findByUsername('expert.ningbo');
        const member = await t.repositories.users.findByUsername('trainee.ningbo');
        ({ id: courseId } = await t.database.db
          .insertInto('courses')
          .values({ unit_id: expert!.unit_id, title: 'Mosquitoes of the port', created_by: expert!.id })
          .returning('id')
          .executeTakeFirstOrThrow());
        await t.database.db.insertInto('course_members').values({ course_id: courseId, user_id: member!.id }).execute();
      });

      it("takes the assignment's size and taxa, and records the assignment", async () => {
        const assignmentId = await assignment({ kind: 'practice', size: 2, taxa: ['Culex'] });
        const set = await start(trainee, { assignmentId });
        expect(set.questions).toHaveLength(2);
        const drawn = await Promise.all(set.questions.map((question) => questionRow(question.id)));
        expect(drawn.map((row) => row.taxon_id)).toEqual([PIPIENS, PIPIENS]);
        expect((await trainee.getPracticeSession({ params: { id: set.id } })).json()).toMatchObject({
          assignmentId,
          size: 2,
          taxa: ['Culex'],
          finishedAt: null,
        });
        // Its two questions answered at once: whichever commits last sees the other, and finishes the set.
        const answers = await Promise.all(
          set.questions.map((question) => trainee.answerPracticeQuestion({ params: { id: question.id }, body: { taxon: PIPIENS } })),
        );
        expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
        expect(answers.map((answer) => answer.json().sessionFinished).sort()).toEqual([false, true]);
        expect((await trainee.getPracticeSession({ params: { id: set.id } })).json()).toMatchObject({
          answered: 2,
          correct: 2,
          finishedAt: expect.any(String),
        });
      });

      it('refuses an assignment of a course the trainee is not in (404), and a class (422)', async () => {
        const assignmentId = await assignment({ kind: 'practice', size: 1 });
        const before = await t.database.db.selectFrom('practice_sessions').select('id').execute();
        expectError(await otherTrainee.startPracticeSession({ body: { size: 1, assignmentId } }), 404, 'not_found');
        const unknownId = '00000000-0000-4000-8000-000000000000';
        expectError(await trainee.startPracticeSession({ body: { size: 1, assignmentId: unknownId } }), 404, 'not_found');
        const room = await (await as(t, 'expert.ningbo')).createRoom({ body: { kind: 'class', title: 'Culex larvae' } });
        expect(room.statusCode, room.body).toBe(201);
        const classId = await assignment({ kind: 'class', roomId: room.json().id });
        expectError(await trainee.startPracticeSession({ body: { size: 1, assignmentId: classId } }), 422, 'not_a_practice_assignment');
        expect(await t.database.db.selectFrom('practice_sessions').select('id').execute()).toHaveLength(before.length);
      });
    });
  });
}
