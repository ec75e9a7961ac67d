import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type CourseAssignment, type CourseDetail } from '../../api/contract/index.js';
import { hashPassword } from '../../api/services/password-hash-pool.js';
import { expectError, auditOf } from '../helpers/audit.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { openConsultation } from '../helpers/rooms.js';
import { mediasoupAvailability } from '../helpers/services.js';
import { connectSignalling, joinRoom } from '../helpers/signalling-client.js';
import { DEMO_PASSWORD } from '../helpers/test-app.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

/** Trainees added to the demo organisation: two more in the Ningbo district, one in Shanghai, one disabled. */
const TRAINEES = [
  { username: 'trainee.beilun', displayName: '李伟 Li Wei', unitCode: 'BEILUN' },
  { username: 'trainee.airport', displayName: 'Wang, "Fang"', unitCode: 'NINGBO-AIRPORT' },
  { username: 'trainee.yangshan', displayName: '李娜 Li Na', unitCode: 'YANGSHAN' },
  { username: 'trainee.gone', displayName: 'Li Gone', unitCode: 'BEILUN' },
] as const;

const DAY = 24 * 60 * 60 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const mediasoup = await mediasoupAvailability();

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`courses and progress on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestServer;
    const clients = new Map<string, Client>();
    const client = async (username: string) => {
      if (!clients.has(username)) clients.set(username, await as(t, username));
      return clients.get(username)!;
    };
    const ids = new Map<string, string>();
    const idOf = (username: string) => ids.get(username)!;
    /**
     * Rows of the course tables, room enrolments and the audit entries of courses and rooms: what a refusal must leave as
     * it was (specimens uploaded for the tests are identified meanwhile, with audit entries of their own).
     */
    const trace = async () => {
      const db = t.database.db;
      const count = async (table: 'courses' | 'course_members' | 'course_assignments' | 'room_participants') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const audit = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('entity_type', 'in', ['course', 'room'])
        .executeTakeFirstOrThrow();
      return {
        courses: await count('courses'),
        members: await count('course_members'),
        assignments: await count('course_assignments'),
        enrolments: await count('room_participants'),
        audit: Number(audit.n),
        titles: await db.selectFrom('courses').select(['title', 'description', 'archived_at']).orderBy('id').execute(),
      };
    };
    const createCourse = async (username: string, body: { title: string; trainees?: string[] }): Promise<CourseDetail> => {
      const response = await (await client(username)).createCourse({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const createClass = async (username: string, title: string): Promise<string> => {
      const response = await (await client(username)).createRoom({ body: { kind: 'class', title } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id;
    };
    const assign = async (courseId: string, body: Parameters<Client['createCourseAssignment']>[0]['body']): Promise<CourseAssignment> => {
      const response = await (await client('expert.ningbo')).createCourseAssignment({ params: { id: courseId }, body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const enrolled = async (roomId: string) =>
      (
        await t.database.db
          .selectFrom('room_participants')
          .innerJoin('users', 'users.id', 'room_participants.user_id')
          .select(['users.username', 'room_participants.role'])
          .where('room_id', '=', roomId)
          .orderBy('users.username')
          .execute()
      ).map((row) => `${row.username}:${row.role}`);

    beforeAll(async () => {
      t = await startTestServer(backend.name);
      const passwordHash = await hashPassword(DEMO_PASSWORD);
      for (const { username, displayName, unitCode } of TRAINEES) {
        const unit = await t.repositories.organisation.findUnitByCode(unitCode);
        await t.repositories.users.create({ username, passwordHash, displayName, role: 'trainee', unitId: unit!.id });
      }
      await t.database.db.updateTable('users').set({ disabled: true }).where('username', '=', 'trainee.gone').execute();
      const shanghai = await t.repositories.organisation.findUnitByCode('SHANGHAI');
      await t.repositories.users.create({
        username: 'expert.shanghai',
        passwordHash,
        displayName: 'Shanghai expert',
        role: 'expert',
        unitId: shanghai!.id,
      });
      for (const username of [...TRAINEES.map((trainee) => trainee.username), 'trainee.ningbo', 'staff.beilun', 'expert.ningbo']) {
        ids.set(username, (await t.repositories.users.findByUsername(username))!.id);
      }
    });
    afterAll(() => t?.close());

    describe('courses and their members', () => {
      let course: CourseDetail;
      beforeAll(async () => {
        course = await createCourse('expert.ningbo', {
          title: '  Mosquito identification  ',
          trainees: [idOf('trainee.ningbo'), idOf('trainee.beilun')],
        });
      });

      it("starts a course in the instructor's unit with its first trainees, audited", async () => {
        expect(course).toMatchObject({
          course: { title: 'Mosquito identification', description: null, archived: false, members: 2, assignments: 0 },
          members: [
            { user: { username: 'trainee.beilun', displayName: '李伟 Li Wei' } },
            { user: { username: 'trainee.ningbo', displayName: '宁波学员 Ningbo trainee' } },
          ],
          assignments: [],
          canManage: true,
        });
        const ningbo = await t.repositories.organisation.findUnitByCode('NINGBO');
        expect(course.course.unitId).toBe(ningbo!.id);
        expect(await auditOf(t, 'course', course.course.id)).toEqual([
          {
            action: 'course.create',
            user_id: idOf('expert.ningbo'),
            before: null,
            after: {
              title: 'Mosquito identification',
              description: null,
              unitId: ningbo!.id,
              trainees: [idOf('trainee.ningbo'), idOf('trainee.beilun')],
            },
          },
        ]);
      });

      it('is seen by the instructors whose scope holds its unit and by its members, and by nobody else (404)', async () => {
        const listed = async (username: string) =>
          (await (await client(username)).listCourses()).json().items.some((item) => item.id === course.course.id);
        for (const username of ['expert.ningbo', 'expert.hq', 'admin', 'trainee.ningbo', 'trainee.beilun']) {
          expect(await listed(username), username).toBe(true);
        }
        for (const username of ['expert.shanghai', 'trainee.airport', 'staff.beilun']) {
          expect(await listed(username), username).toBe(false);
          expectError(await (await client(username)).getCourse({ params: { id: course.course.id } }), 404, 'not_found');
        }
        const asMember = (await (await client('trainee.beilun')).getCourse({ params: { id: course.course.id } })).json();
        expect(asMember).toMatchObject({ canManage: false, course: { id: course.course.id } });
        expect((await (await client('expert.hq')).getCourse({ params: { id: course.course.id } })).json().canManage).toBe(true);
      });

      it('refuses people who do not run courses (403) and members who are no active trainees in scope (422), writing nothing', async () => {
        const before = await trace();
        expectError(await (await client('trainee.ningbo')).createCourse({ body: { title: 'Mine' } }), 403, 'forbidden');
        expectError(await (await client('staff.beilun')).createCourse({ body: { title: 'Mine' } }), 403, 'forbidden');
        const expert = await client('expert.ningbo');
        const refusedBody = async (trainees: string[], code: string) =>
          expect(expectError(await expert.createCourse({ body: { title: 'x', trainees } }), 422, code).details).toEqual({
            userIds: [trainees.at(-1)],
          });
        await refusedBody([idOf('trainee.ningbo'), idOf('staff.beilun')], 'not_a_trainee');
        await refusedBody([idOf('trainee.ningbo'), idOf('trainee.yangshan')], 'unknown_user');
        await refusedBody([idOf('trainee.gone')], 'unknown_user');
        for (const body of [{ title: '' }, { title: '   ' }, { title: 'x', extra: 1 }, { title: 'x', trainees: ['nope'] }, {}]) {
          expectError(await expert.send(endpoints.createCourse, { body }), 400, 'validation_failed');
        }
        // Trainees, staff and instructors outside its scope cannot change it.
        const patch = { params: { id: course.course.id }, body: { title: 'Taken over' } };
        expectError(await (await client('trainee.ningbo')).updateCourse(patch), 403, 'forbidden');
        expectError(await (await client('expert.shanghai')).updateCourse(patch), 404, 'not_found');
        expectError(await (await client('staff.beilun')).updateCourse(patch), 404, 'not_found');
        expect(await trace()).toEqual(before);
      });

      it('adds an active trainee of its scope once (201, then 200), removes a member, and refuses anyone else', async () => {
        const expert = await client('expert.ningbo');
        const member = (username: string) => ({ params: { id: course.course.id, userId: idOf(username) } });
        const added = await expert.addCourseMember(member('trainee.airport'));
        expect(added.statusCode, added.body).toBe(201);
        expect(added.json()).toMatchObject({ user: { username: 'trainee.airport', displayName: 'Wang, "Fang"' } });
        expect((await expert.addCourseMember(member('trainee.airport'))).statusCode).toBe(200);

        const before = await trace();
        expectError(await expert.addCourseMember(member('staff.beilun')), 422, 'not_a_trainee');
        expectError(await expert.addCourseMember(member('trainee.gone')), 422, 'user_disabled');
        expectError(await expert.addCourseMember(member('trainee.yangshan')), 404, 'not_found');
        expectError(await expert.addCourseMember({ params: { id: course.course.id, userId: crypto.randomUUID() } }), 404, 'not_found');
        expectError(
          await expert.addCourseMember({ params: { id: crypto.randomUUID(), userId: idOf('trainee.beilun') } }),
          404,
          'not_found',
        );
        expectError(await (await client('trainee.ningbo')).addCourseMember(member('trainee.airport')), 403, 'forbidden');
        expectError(await (await client('expert.shanghai')).addCourseMember(member('trainee.airport')), 404, 'not_found');
        expectError(
          await expert.send(endpoints.addCourseMember, { params: { id: course.course.id, userId: 'nope' } }),
          400,
          'validation_failed',
        );
        expectError(await expert.removeCourseMember(member('trainee.yangshan')), 404, 'not_found');
        expect(await trace()).toEqual(before);

        expect((await expert.removeCourseMember(member('trainee.airport'))).statusCode).toBe(204);
        expectError(await expert.removeCourseMember(member('trainee.airport')), 404, 'not_found');
        expect((await auditOf(t, 'course', course.course.id)).map((entry) => entry.action)).toEqual([
          'course.create',
          'course.member.add',
          'course.member.remove',
        ]);
      });

      it('renames, archives (then refuses changes with 409) and restores a course; archived courses leave a trainee’s list', async () => {
        const expert = await client('expert.ningbo');
        const other = await createCourse('expert.ningbo', { title: 'Ticks', trainees: [idOf('trainee.beilun')] });
        const futureClass = await createClass('expert.ningbo', 'Tick morphology');
        await assign(other.course.id, { kind: 'class', roomId: futureClass, dueAt: inDays(7) });
        const mine = async () =>
          (await (await client('trainee.beilun')).listMyAssignments()).json().items.filter((item) => item.course.id === other.course.id);
        expect(await mine()).toHaveLength(1);

        const renamed = await expert.updateCourse({
          params: { id: other.course.id },
          body: { title: ' Ticks and mites ', description: 'Hard ticks' },
        });
        expect(renamed.json().course).toMatchObject({ title: 'Ticks and mites', description: 'Hard ticks', archived: false });
        const archived = await expert.updateCourse({ params: { id: other.course.id }, body: { archived: true } });
        expect(archived.json().course).toMatchObject({ archived: true, archivedAt: expect.any(String) });
        expect(await mine()).toEqual([]);

        const before = await trace();
        expectError(await expert.updateCourse({ params: { id: other.course.id }, body: { title: 'Again' } }), 409, 'course_archived');
        expectError(
          await expert.addCourseMember({ params: { id: other.course.id, userId: idOf('trainee.ningbo') } }),
          409,
          'course_archived',
        );
        expectError(
          await expert.createCourseAssignment({
            params: { id: other.course.id },
            body: { kind: 'practice', title: 'x', size: 5, dueAt: inDays(3) },
          }),
          409,
          'course_archived',
        );
        for (const body of [{}, { archived: 'yes' }, { title: 'x', unitId: crypto.randomUUID() }]) {
          expectError(await expert.send(endpoints.updateCourse, { params: { id: other.course.id }, body }), 400, 'validation_failed');
        }
        expect(await trace()).toEqual(before);

        const restored = await expert.updateCourse({ params: { id: other.course.id }, body: { archived: false, description: null } });
        expect(restored.json().course).toMatchObject({ archived: false, archivedAt: null, description: null });
        expect(await mine()).toHaveLength(1);
        expect((await auditOf(t, 'course', other.course.id)).map((entry) => [entry.action, entry.after])).toEqual([
          ['course.create', expect.anything()],
          ['course.assignment.add', expect.objectContaining({ kind: 'class', roomId: futureClass })],
          ['course.update', { title: 'Ticks and mites', description: 'Hard ticks', archived: false }],
          ['course.update', { title: 'Ticks and mites', description: 'Hard ticks', archived: true }],
          ['course.update', { title: 'Ticks and mites', description: null, archived: false }],
        ]);
      });
    });

    describe('assignments and progress', () => {
      let course: CourseDetail;
      let practice: CourseAssignment;
      let lapsed: CourseAssignment;
      let lesson: CourseAssignment;
      let classRoom: string;
      let otherClass: string;
      let specimen: { id: string; imageId: string };

      beforeAll(async () => {
        course = await createCourse('expert.ningbo', {
          title: 'Vectors 101',
          trainees: [idOf('trainee.ningbo'), idOf('trainee.beilun')],
        });
        const uploaded = await uploadSpecimen(await client('staff.beilun'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(3) }]);
        expect(uploaded.statusCode, uploaded.body).toBe(201);
        const { id, images } = uploaded.json();
        specimen = { id, imageId: images[0]!.id };
        classRoom = await createClass('expert.ningbo', 'Aedes adults');
        otherClass = await createClass('expert.ningbo', 'Culex larvae');
      });

      it('assigns a practice set and a class; the class enrols the members, now and when added later', async () => {
        practice = await assign(course.course.id, {
          kind: 'practice',
          title: ' Mosquitoes, "adults" ',
          size: 3,
          groups: ['mosquito'],
          taxa: ['Aedes albopictus', 'Aedes aegypti'],
          dueAt: inDays(3),
        });
        expect(practice).toMatchObject({
          kind: 'practice',
          title: 'Mosquitoes, "adults"',
          size: 3,
          groups: ['mosquito'],
          taxa: ['Aedes albopictus', 'Aedes aegypti'],
          createdBy: { username: 'expert.ningbo' },
        });
        lapsed = await assign(course.course.id, { kind: 'practice', title: 'Warm-up', size: 3, dueAt: inDays(1) });
        lesson = await assign(course.course.id, { kind: 'class', roomId: classRoom, dueAt: inDays(5) });
        expect(lesson).toMatchObject({
          kind: 'class',
          title: 'Aedes adults',
          room: { id: classRoom, title: 'Aedes adults', endedAt: null },
        });
        expect(await enrolled(classRoom)).toEqual(['expert.ningbo:host', 'trainee.beilun:trainee', 'trainee.ningbo:trainee']);

        const added = await (
          await client('expert.ningbo')
        ).addCourseMember({ params: { id: course.course.id, userId: idOf('trainee.airport') } });
        expect(added.statusCode, added.body).toBe(201);
        expect(await enrolled(classRoom)).toEqual([
          'expert.ningbo:host',
          'trainee.airport:trainee',
          'trainee.beilun:trainee',
          'trainee.ningbo:trainee',
        ]);
        expect(await enrolled(otherClass)).toEqual(['expert.ningbo:host']);
        const trainee = await (await client('trainee.airport')).issueRoomToken({ params: { id: classRoom } });
        expect(trainee.statusCode, trainee.body).toBe(200);
        expect(trainee.json().role).toBe('trainee');

        const detail = (await (await client('expert.ningbo')).getCourse({ params: { id: course.course.id } })).json();
        expect(detail.assignments.map((assignment) => assignment.id)).toEqual([lapsed.id, practice.id, lesson.id]);
        expect(detail.course).toMatchObject({ members: 3, assignments: 3 });
      });

      it('refuses bad assignments with a clear 4xx and writes nothing', async () => {
        const expert = await client('expert.ningbo');
        const specimenId = (
          await uploadSpecimen(await client('staff.beilun'), validMetadata(), [{ name: 'b.jpg', data: await jpegImage(4) }])
        ).json().id;
        const consultation = await openConsultation(expert, specimenId);
        const ended = await createClass('expert.ningbo', 'Over already');
        expect((await expert.endRoom({ params: { id: ended } })).statusCode).toBe(200);
        const shanghaiClass = (await (await client('expert.shanghai')).createRoom({ body: { kind: 'class', title: 'Far away' } })).json()
          .id;

        const before = await trace();
        const post = (body: unknown, as: Client = expert) =>
          as.send(endpoints.createCourseAssignment, { params: { id: course.course.id }, body });
        const practiceBody = { kind: 'practice', title: 'x', size: 5, dueAt: inDays(2) };
        expectError(await post({ ...practiceBody, dueAt: inDays(-1) }), 422, 'due_in_past');
        expect(
          expectError(await post({ ...practiceBody, taxa: ['Aedes albopictus', 'Aedes nowhereus'] }), 422, 'unknown_taxon').details,
        ).toEqual({
          taxa: ['Aedes nowhereus'],
        });
        expectError(await post({ kind: 'class', roomId: consultation, dueAt: inDays(2) }), 422, 'not_a_class');
        expectError(await post({ kind: 'class', roomId: ended, dueAt: inDays(2) }), 409, 'room_ended');
        expectError(await post({ kind: 'class', roomId: classRoom, dueAt: inDays(2) }), 409, 'already_assigned');
        expectError(await post({ kind: 'class', roomId: shanghaiClass, dueAt: inDays(2) }), 404, 'not_found');
        expectError(await post({ kind: 'class', roomId: crypto.randomUUID(), dueAt: inDays(2) }), 404, 'not_found');
        expectError(await post(practiceBody, await client('trainee.ningbo')), 403, 'forbidden');
        expectError(await post(practiceBody, await client('expert.shanghai')), 404, 'not_found');
        for (const body of [
          { ...practiceBody, size: 0 },
          { ...practiceBody, size: 101 },
          { ...practiceBody, groups: ['dragons'] },
          { ...practiceBody, dueAt: 'friday' },
          { ...practiceBody, roomId: classRoom },
          { kind: 'exam', title: 'x', dueAt: inDays(2) },
          { kind: 'class', dueAt: inDays(2) },
        ]) {
          expectError(await post(body), 400, 'validation_failed');
        }
        const remove = (assignmentId: string, as: Client = expert) =>
          as.deleteCourseAssignment({ params: { id: course.course.id, assignmentId } });
        expectError(await remove(crypto.randomUUID()), 404, 'not_found');
        expectError(await remove(practice.id, await client('trainee.ningbo')), 403, 'forbidden');
        expect(await trace()).toEqual(before);
      });

      it("computes the group's table from practice sets, class attendance and quiz answers", async () => {
        // The warm-up's due date passes (set in the database: the API takes only future dates).
        await t.database.db
          .updateTable('course_assignments')
          .set({ due_at: new Date(Date.now() - DAY) })
          .where('id', '=', lapsed.id)
          .execute();
        const db = t.database.db;
        const practiceSet = async (
          username: string,
          assignmentId: string | null,
          answers: (boolean | null)[],
          options: { finished?: boolean; minutesAgo: number },
        ) => {
          const { id } = await db
            .insertInto('practice_sessions')
            .values({
              trainee_id: idOf(username),
              size: answers.length,
              assignment_id: assignmentId,
              created_at: new Date(Date.now() - options.minutesAgo * 60_000),
              finished_at: options.finished ? new Date() : null,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await db
            .insertInto('practice_questions')
            .values(
              answers.map((correct, position) => ({
                session_id: id,
                position,
                specimen_id: specimen.id,
                image_id: specimen.imageId,
                taxon_id: 'Aedes albopictus',
                answered_taxon_id: correct === null ? null : correct ? 'Aedes albopictus' : 'Aedes aegypti',
                correct,
                answered_at: correct === null ? null : new Date(),
              })),
            )
            .execute();
        };
        // trainee.ningbo: a finished set with 2 of 3 right, then a later one with 0 of 1 so far.
        await practiceSet('trainee.ningbo', practice.id, [true, false, true], { finished: true, minutesAgo: 30 });
        await practiceSet('trainee.ningbo', practice.id, [false, null, null], { minutesAgo: 10 });
        // trainee.beilun: every question answered (not marked finished), all right; half a warm-up; self-study not counted.
        await practiceSet('trainee.beilun', practice.id, [true, true, true], { minutesAgo: 20 });
        await practiceSet('trainee.beilun', lapsed.id, [true, null, null], { minutesAgo: 15 });
        await practiceSet('trainee.beilun', null, [true, true, true], { finished: true, minutesAgo: 5 });

        // Attendance is who joined the class room; joining another room, or only leaving, does not count.
        const joined = async (roomId: string, username: string, kind: 'joined' | 'left' = 'joined') =>
          t.repositories.rooms.recordEvent(roomId, { kind, userId: idOf(username), displayName: username, payload: { role: 'trainee' } });
        await joined(classRoom, 'trainee.ningbo');
        await joined(classRoom, 'trainee.ningbo', 'left');
        await joined(classRoom, 'trainee.ningbo');
        await joined(otherClass, 'trainee.beilun');
        await joined(classRoom, 'trainee.airport', 'left');

        const quiz = async (roomId: string, answers: Record<string, boolean>) => {
          const { id } = await db
            .insertInto('room_quizzes')
            .values({
              room_id: roomId,
              specimen_id: specimen.id,
              image_id: specimen.imageId,
              taxon_id: 'Aedes albopictus',
              options: JSON.stringify(['Aedes albopictus', 'Aedes aegypti']),
              launched_by: idOf('expert.ningbo'),
              closes_at: new Date(Date.now() + 60_000),
              revealed_at: new Date(),
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          for (const [username, correct] of Object.entries(answers)) {
            await db
              .insertInto('room_quiz_answers')
              .values({ quiz_id: id, user_id: idOf(username), taxon_id: correct ? 'Aedes albopictus' : 'Aedes aegypti', correct })
              .execute();
          }
        };
        await quiz(classRoom, { 'trainee.ningbo': true, 'trainee.beilun': false });
        await quiz(classRoom, { 'trainee.ningbo': false });
        await quiz(classRoom, {});
        await quiz(otherClass, { 'trainee.airport': true });

        const response = await (await client('expert.ningbo')).getCourseProgress({ params: { id: course.course.id } });
        expect(response.statusCode, response.body).toBe(200);
        const table = response.json();
        expect(table.assignments.map((assignment) => assignment.id)).toEqual([lapsed.id, practice.id, lesson.id]);
        const rows = Object.fromEntries(table.trainees.map((row) => [row.trainee.username, row]));
        // By display name, Chinese ones by pinyin (李 li, 宁 ning) before Latin ones, the same on both databases.
        expect(table.trainees.map((row) => row.trainee.username)).toEqual(['trainee.beilun', 'trainee.ningbo', 'trainee.airport']);
        const none = { setsStarted: 0, completed: false, best: null, last: null };
        expect(rows['trainee.ningbo']).toEqual({
          trainee: { id: idOf('trainee.ningbo'), username: 'trainee.ningbo', displayName: '宁波学员 Ningbo trainee' },
          assignments: [
            { kind: 'practice', assignmentId: lapsed.id, status: 'overdue', ...none },
            {
              kind: 'practice',
              assignmentId: practice.id,
              status: 'done',
              setsStarted: 2,
              completed: true,
              best: { correct: 2, answered: 3 },
              last: { correct: 0, answered: 1 },
            },
            { kind: 'class', assignmentId: lesson.id, status: 'done', attended: true, quiz: { correct: 1, answered: 2, questions: 3 } },
          ],
          totals: { assignments: 3, done: 2, pending: 0, overdue: 1, percentDone: 67 },
        });
        expect(rows['trainee.beilun']!.assignments).toEqual([
          {
            kind: 'practice',
            assignmentId: lapsed.id,
            status: 'overdue',
            setsStarted: 1,
            completed: false,
            best: { correct: 1, answered: 1 },
            last: { correct: 1, answered: 1 },
          },
          {
            kind: 'practice',
            assignmentId: practice.id,
            status: 'done',
            setsStarted: 1,
            completed: true,
            best: { correct: 3, answered: 3 },
            last: { correct: 3, answered: 3 },
          },
          { kind: 'class', assignmentId: lesson.id, status: 'pending', attended: false, quiz: { correct: 0, answered: 1, questions: 3 } },
        ]);
        expect(rows['trainee.beilun']!.totals).toEqual({ assignments: 3, done: 1, pending: 1, overdue: 1, percentDone: 33 });
        expect(rows['trainee.airport']!.assignments).toEqual([
          { kind: 'practice', assignmentId: lapsed.id, status: 'overdue', ...none },
          { kind: 'practice', assignmentId: practice.id, status: 'pending', ...none },
          { kind: 'class', assignmentId: lesson.id, status: 'pending', attended: false, quiz: { correct: 0, answered: 0, questions: 3 } },
        ]);
        expect(table.assignmentTotals).toEqual([
          { assignmentId: lapsed.id, assignments: 3, done: 0, pending: 0, overdue: 3, percentDone: 0 },
          { assignmentId: practice.id, assignments: 3, done: 2, pending: 1, overdue: 0, percentDone: 67 },
          { assignmentId: lesson.id, assignments: 3, done: 1, pending: 2, overdue: 0, percentDone: 33 },
        ]);
        expect(table.totals).toEqual({ assignments: 9, done: 3, pending: 3, overdue: 3, percentDone: 33 });

        // The trainee's own view: the same cells, with their course and the assignments themselves.
        const mine = (await (await client('trainee.ningbo')).listMyAssignments()).json();
        const here = mine.items.filter((item) => item.course.id === course.course.id);
        expect(here.map((item) => [item.assignment.title, item.progress])).toEqual([
          ['Warm-up', rows['trainee.ningbo']!.assignments[0]],
          ['Mosquitoes, "adults"', rows['trainee.ningbo']!.assignments[1]],
          ['Aedes adults', rows['trainee.ningbo']!.assignments[2]],
        ]);
        expect(here[0]!.course).toEqual({ id: course.course.id, title: 'Vectors 101' });
        expect(mine.totals).toEqual({ assignments: 3, done: 2, pending: 0, overdue: 1, percentDone: 67 });
        expect((await (await client('staff.beilun')).listMyAssignments()).json()).toMatchObject({ items: [], totals: { assignments: 0 } });
      });

      it('exports the table as CSV with a byte order mark, a header and quoted fields, for instructors only', async () => {
        const response = await (
          await client('expert.ningbo')
        ).inject({ method: 'GET', url: `/api/v1/courses/${course.course.id}/progress.csv` });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(response.headers['content-disposition']).toMatch(/^attachment; filename="course-progress-\d{4}-\d{2}-\d{2}\.csv"$/);
        const due = (assignment: CourseAssignment) => assignment.dueAt;
        const lapsedDue = (
          await t.database.db.selectFrom('course_assignments').select('due_at').where('id', '=', lapsed.id).executeTakeFirstOrThrow()
        ).due_at.toISOString();
        expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        expect(response.body).toBe(
          '\uFEFF' +
            [
              'username,displayName,assignment,kind,dueAt,status,setsStarted,completed,bestCorrect,bestAnswered,lastCorrect,lastAnswered,attended,quizCorrect,quizAnswered,quizQuestions',
              `trainee.beilun,李伟 Li Wei,Warm-up,practice,${lapsedDue},overdue,1,false,1,1,1,1,,,,`,
              `trainee.beilun,李伟 Li Wei,"Mosquitoes, ""adults""",practice,${due(practice)},done,1,true,3,3,3,3,,,,`,
              `trainee.beilun,李伟 Li Wei,Aedes adults,class,${due(lesson)},pending,,,,,,,false,0,1,3`,
              `trainee.ningbo,宁波学员 Ningbo trainee,Warm-up,practice,${lapsedDue},overdue,0,false,,,,,,,,`,
              `trainee.ningbo,宁波学员 Ningbo trainee,"Mosquitoes, ""adults""",practice,${due(practice)},done,2,true,2,3,0,1,,,,`,
              `trainee.ningbo,宁波学员 Ningbo trainee,Aedes adults,class,${due(lesson)},done,,,,,,,true,1,2,3`,
              `trainee.airport,"Wang, ""Fang""",Warm-up,practice,${lapsedDue},overdue,0,false,,,,,,,,`,
              `trainee.airport,"Wang, ""Fang""","Mosquitoes, ""adults""",practice,${due(practice)},pending,0,false,,,,,,,,`,
              `trainee.airport,"Wang, ""Fang""",Aedes adults,class,${due(lesson)},pending,,,,,,,false,0,0,3`,
            ]
              .map((line) => `${line}\r\n`)
              .join(''),
        );
        for (const username of ['trainee.ningbo', 'expert.shanghai', 'staff.beilun']) {
          const refused = await (await client(username)).inject({ method: 'GET', url: `/api/v1/courses/${course.course.id}/progress.csv` });
          expectError(refused, username === 'trainee.ningbo' ? 403 : 404, username === 'trainee.ningbo' ? 'forbidden' : 'not_found');
          expectError(
            await (await client(username)).getCourseProgress({ params: { id: course.course.id } }),
            username === 'trainee.ningbo' ? 403 : 404,
            username === 'trainee.ningbo' ? 'forbidden' : 'not_found',
          );
        }
      });

      it('withdraws an assignment: its column goes, the practice sets started for it stay unassigned', async () => {
        const expert = await client('expert.ningbo');
        expect((await expert.deleteCourseAssignment({ params: { id: course.course.id, assignmentId: lapsed.id } })).statusCode).toBe(204);
        const table = (await expert.getCourseProgress({ params: { id: course.course.id } })).json();
        expect(table.assignments.map((assignment) => assignment.id)).toEqual([practice.id, lesson.id]);
        const orphaned = await t.database.db
          .selectFrom('practice_sessions')
          .select('assignment_id')
          .where('trainee_id', '=', idOf('trainee.beilun'))
          .execute();
        expect(orphaned.filter((row) => row.assignment_id === null)).toHaveLength(2);
        expect((await auditOf(t, 'course', course.course.id)).map((entry) => entry.action)).toEqual([
          'course.create',
          'course.assignment.add',
          'course.assignment.add',
          'course.assignment.add',
          'course.member.add',
          'course.assignment.remove',
        ]);
      });

      it.skipIf(!mediasoup.available)(
        `counts a trainee who joins the class through the live room as attending ${mediasoup.reason}`,
        async () => {
          const before = (await (await client('trainee.airport')).listMyAssignments()).json();
          expect(before.items.find((item) => item.assignment.id === lesson.id)?.progress).toMatchObject({
            attended: false,
            status: 'pending',
          });
          const roomToken = (await (await client('trainee.airport')).issueRoomToken({ params: { id: classRoom } })).json().token;
          const signalling = await connectSignalling(t.baseUrl, { token: await t.tokenFor('trainee.airport'), roomToken });
          try {
            await joinRoom(signalling);
          } finally {
            signalling.socket.disconnect();
          }
          const after = (await (await client('trainee.airport')).listMyAssignments()).json();
          expect(after.items.find((item) => item.assignment.id === lesson.id)?.progress).toMatchObject({ attended: true, status: 'done' });
        },
      );
    });
  });
}
