import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookAlikeRepository } from '../../api/repositories/look-alike.repository.js';
import { as } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The training parts working together through their own endpoints: an instructor's course assigns a practice set, the
 * trainee works through it on the practice endpoints, the course's table and the trainee's own view count it, and the
 * trainee's mistake becomes a look-alike the bank and the next quizzes draw on.
 */
for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(
    `training from course to practice on ${backend.name} ${backend.availability.reason}`,
    () => {
      let t: TestApp;

      beforeAll(async () => {
        t = await createTestApp(backend.name);
        await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: 'Culex pipiens', notes: 'Banded abdomen, no white scales' });
        await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: 'Anopheles sinensis', notes: 'Palps as long as the proboscis' });
      });
      afterAll(() => t?.close());

      it("counts a practice set started for an assignment in the course's table, the trainee's view and the look-alikes", async () => {
        const instructor = await as(t, 'expert.ningbo');
        const trainee = await as(t, 'trainee.ningbo');
        const traineeId = (await t.repositories.users.findByUsername('trainee.ningbo'))!.id;
        const course = await instructor.createCourse({ body: { title: 'Mosquitoes of the Ningbo ports', trainees: [traineeId] } });
        expect(course.statusCode, course.body).toBe(201);
        const courseId = course.json().course.id;
        const dueAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
        const assignment = await instructor.createCourseAssignment({
          params: { id: courseId },
          body: { kind: 'practice', title: 'Two mosquitoes', size: 2, groups: ['mosquito'], dueAt },
        });
        expect(assignment.statusCode, assignment.body).toBe(201);
        const assignmentId = assignment.json().id;

        const started = await trainee.startPracticeSession({ body: { assignmentId } });
        expect(started.statusCode, started.body).toBe(201);
        const [first, second] = started.json().questions;
        const rightAnswerOf = async (questionId: string) =>
          (await t.database.db.selectFrom('practice_questions').select('taxon_id').where('id', '=', questionId).executeTakeFirstOrThrow())
            .taxon_id;
        const right = await rightAnswerOf(first!.id);
        const secondRight = await rightAnswerOf(second!.id);
        const answered = await trainee.answerPracticeQuestion({ params: { id: first!.id }, body: { taxon: right } });
        expect(answered.json()).toMatchObject({ correct: true, answer: { taxon: right } });
        const wrong = right === 'Culex pipiens' ? 'Anopheles sinensis' : 'Culex pipiens';
        expect(wrong).toBe(secondRight);
        const mistaken = await trainee.answerPracticeQuestion({ params: { id: second!.id }, body: { taxon: right } });
        expect(mistaken.json()).toMatchObject({ correct: false, answer: { taxon: secondRight }, sessionFinished: true });

        const table = await instructor.getCourseProgress({ params: { id: courseId } });
        expect(table.statusCode, table.body).toBe(200);
        expect(table.json().trainees).toEqual([
          expect.objectContaining({
            trainee: expect.objectContaining({ username: 'trainee.ningbo' }),
            assignments: [
              expect.objectContaining({
                kind: 'practice',
                status: 'done',
                setsStarted: 1,
                completed: true,
                best: { correct: 1, answered: 2 },
              }),
            ],
          }),
        ]);
        const mine = await trainee.listMyAssignments();
        expect(mine.json().items).toEqual([
          expect.objectContaining({ progress: expect.objectContaining({ status: 'done', best: { correct: 1, answered: 2 } }) }),
        ]);
        const csv = await instructor.getCourseProgressCsv({ params: { id: courseId } });
        expect(csv.body).toContain('Two mosquitoes');

        // The trainee took one for the other: the pair is now a confusion, ahead of every sibling.
        const lookAlikes = await new LookAlikeRepository(t.database.db).lookAlikesOf([secondRight], 3);
        expect(lookAlikes.get(secondRight)![0]).toMatchObject({ taxonId: right, confusions: 1 });
      });
    },
  );
}
