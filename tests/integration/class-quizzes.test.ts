import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QuizQuestion, RtcAck, RtcAnswer, RtcErrorCode, RtcRequestName, Specimen } from '../../api/contract/index.js';
import { expectError } from '../helpers/audit.js';
import { as } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { jpegImage } from '../helpers/images.js';
import { addUsers } from '../helpers/review.js';
import { mediasoupAvailability } from '../helpers/services.js';
import { connectSignalling, joinRoom, notificationsNamed, type SignallingClient } from '../helpers/signalling-client.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { uploadSpecimen, validMetadata } from '../helpers/uploads.js';

const mediasoup = await mediasoupAvailability();
const CLASS_SIZE = 100;
const RIGHT = 'Culex pipiens';
const NOTES = 'Siphon index about 4; no pale bands on the abdomen';

type Joined = SignallingClient & { joined: RtcAnswer<'join'>; username: string };

/** The answer's data; fails the test, naming the refusal, when the request was refused. */
function dataOf<Name extends RtcRequestName>(answer: RtcAck<Name>): RtcAnswer<Name> {
  if (!answer.ok) throw new Error(`refused: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

function expectRefused(answer: RtcAck<RtcRequestName>, code: RtcErrorCode): void {
  expect(answer).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
}

for (const backend of await testBackends()) {
  const skipReason = !backend.availability.available ? backend.availability.reason : mediasoup.available ? '' : mediasoup.reason;
  describe.skipIf(Boolean(skipReason))(`class quizzes on ${backend.name} with real socket.io clients ${skipReason}`, () => {
    let server: TestServer;
    let specimen: Specimen;
    const clients: SignallingClient[] = [];
    const trainees = Array.from({ length: CLASS_SIZE }, (_, index) => `quiz.trainee.${String(index).padStart(3, '0')}`);

    const idOf = async (username: string) => (await server.repositories.users.findByUsername(username))!.id;
    const newClass = async (title: string, usernames: readonly string[]) => {
      const response = await (
        await as(server, 'expert.ningbo')
      ).createRoom({ body: { kind: 'class', title, trainees: await Promise.all(usernames.map(idOf)) } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id;
    };
    async function join(username: string, roomId: string): Promise<Joined> {
      const roomToken = await (await as(server, username)).issueRoomToken({ params: { id: roomId } });
      expect(roomToken.statusCode, roomToken.body).toBe(200);
      const client = await connectSignalling(server.baseUrl, { token: await server.tokenFor(username), roomToken: roomToken.json().token });
      clients.push(client);
      return { ...client, joined: await joinRoom(client), username };
    }
    const launch = (host: SignallingClient, seconds = 120, specimenId = specimen.id) => host.request('launchQuiz', { specimenId, seconds });
    const quizRows = async () => ({
      quizzes: Number(
        (
          await server.database.db
            .selectFrom('room_quizzes')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      answers: Number(
        (
          await server.database.db
            .selectFrom('room_quiz_answers')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    });

    beforeAll(async () => {
      // Identify jobs stay queued: the review flow names the specimen, and the models would only load the CPU.
      server = await startTestServer(backend.name, { env: { IDENTIFY_JOBS_IN_API: 'false', MAX_CONNECTIONS_PER_ADDRESS: '400' } });
      specimen = await confirmedSpecimen(server, {
        portCode: 'CNNGB-BL',
        taxon: RIGHT,
        aiTaxon: 'Culex tarsalis',
        notes: NOTES,
        lifeStage: 'larva',
      });
      await addUsers(
        server,
        trainees.map((username) => [username, 'trainee', 'BEILUN'] as const),
      );
      // Signed in a few at a time: each login hashes a password.
      for (let start = 0; start < trainees.length; start += 10)
        await Promise.all(trainees.slice(start, start + 10).map((name) => server.tokenFor(name)));
    }, 240_000);
    afterEach(() => {
      for (const client of clients.splice(0)) client.socket.disconnect();
    });
    afterAll(() => server?.close());

    it(`counts each answer of ${CLASS_SIZE} trainees exactly once, though each is sent twice at once; the host's tally and the stored rows agree`, async () => {
      const roomId = await newClass('Culex larvae', trainees);
      const host = await join('expert.ningbo', roomId);
      const class_ = await Promise.all(trainees.map((username) => join(username, roomId)));
      expect(class_.every((trainee) => trainee.joined.quiz === null)).toBe(true);

      const question = dataOf(await launch(host));
      expect(question.options.map((option) => option.taxonId)).toContain(RIGHT);
      expect(question.options.length).toBeGreaterThanOrEqual(2);
      expect(question.remainingMs).toBeGreaterThan(100_000);
      for (const trainee of class_) await expect.poll(() => notificationsNamed(trainee, 'quizLaunched')).toEqual([question]);

      // Trainee i picks option i mod n; every answer is sent twice in the same instant.
      const choiceOf = (index: number) => question.options[index % question.options.length]!.taxonId;
      const acks = await Promise.all(
        class_.map((trainee, index) =>
          Promise.all([0, 1].map(() => trainee.request('answerQuiz', { quizId: question.quizId, taxonId: choiceOf(index) }))),
        ),
      );
      for (const pair of acks) {
        expect(pair.filter((ack) => ack.ok)).toHaveLength(1);
        const refused = pair.find((ack) => !ack.ok)!;
        expectRefused(refused, 'already_answered');
      }

      const expected = question.options.map((option) => ({
        taxonId: option.taxonId,
        count: class_.filter((_, index) => choiceOf(index) === option.taxonId).length,
      }));
      await expect
        .poll(() => notificationsNamed(host, 'quizTally').at(-1))
        .toEqual({ quizId: question.quizId, counts: expected, answered: CLASS_SIZE, present: CLASS_SIZE });
      expect(await quizRows()).toEqual({ quizzes: 1, answers: CLASS_SIZE });
      const stored = await server.database.db
        .selectFrom('room_quiz_answers')
        .select(['user_id', 'taxon_id', 'correct'])
        .where('quiz_id', '=', question.quizId)
        .execute();
      expect(new Set(stored.map((row) => row.user_id)).size).toBe(CLASS_SIZE);
      expect(stored.filter((row) => row.correct).length).toBe(expected.find((count) => count.taxonId === RIGHT)!.count);
      // Nobody but the host hears the tally.
      expect(class_.some((trainee) => notificationsNamed(trainee, 'quizTally').length > 0)).toBe(false);

      const result = dataOf(await host.request('revealQuiz', { quizId: question.quizId }));
      expect(result).toMatchObject({
        quizId: question.quizId,
        answer: { taxonId: RIGHT, lifeStage: 'larva', notes: NOTES, nameEn: expect.any(String), nameZh: expect.any(String) },
        counts: expected,
        answered: CLASS_SIZE,
        correct: expected.find((count) => count.taxonId === RIGHT)!.count,
      });
      for (const client of [host, ...class_]) await expect.poll(() => notificationsNamed(client, 'quizRevealed')).toEqual([result]);
      expect(await quizRows()).toEqual({ quizzes: 1, answers: CLASS_SIZE });
    }, 180_000);

    it('refuses an answer after the time limit and stores nothing of it', async () => {
      const roomId = await newClass('Timing', trainees.slice(0, 2));
      const host = await join('expert.ningbo', roomId);
      const [early, late] = await Promise.all(trainees.slice(0, 2).map((username) => join(username, roomId)));
      const question = dataOf(await launch(host, 5));
      dataOf(await early!.request('answerQuiz', { quizId: question.quizId, taxonId: RIGHT }));
      await new Promise((resolve) => setTimeout(resolve, question.remainingMs + 300));
      const before = await quizRows();
      expectRefused(await late!.request('answerQuiz', { quizId: question.quizId, taxonId: RIGHT }), 'quiz_closed');
      expect(await quizRows()).toEqual(before);
      const stored = await server.database.db
        .selectFrom('room_quiz_answers')
        .select('user_id')
        .where('quiz_id', '=', question.quizId)
        .execute();
      expect(stored.map((row) => row.user_id)).toEqual([await idOf(early!.username)]);
      // Closed is not revealed: the next question waits for the reveal.
      expectRefused(await launch(host), 'quiz_open');
      dataOf(await host.request('revealQuiz', { quizId: question.quizId }));
      expectRefused(await late!.request('answerQuiz', { quizId: question.quizId, taxonId: RIGHT }), 'quiz_closed');
      expect(await quizRows()).toEqual(before);
      dataOf(await launch(host));
    }, 60_000);

    it('gives a trainee who reconnects their answer back, and does not let them answer again', async () => {
      const roomId = await newClass('Reconnection', trainees.slice(0, 1));
      const host = await join('expert.ningbo', roomId);
      const trainee = await join(trainees[0]!, roomId);
      const question = dataOf(await launch(host));
      const choice = question.options.find((option) => option.taxonId !== RIGHT)!.taxonId;
      dataOf(await trainee.request('answerQuiz', { quizId: question.quizId, taxonId: choice }));
      trainee.socket.disconnect();

      const again = await join(trainees[0]!, roomId);
      expect(again.joined.quiz).toMatchObject({
        question: { quizId: question.quizId, options: question.options },
        yourAnswer: choice,
        result: null,
        tally: null,
      });
      expectRefused(await again.request('answerQuiz', { quizId: question.quizId, taxonId: RIGHT }), 'already_answered');
      // The host coming back finds the open question with its tally.
      host.socket.disconnect();
      const hostAgain = await join('expert.ningbo', roomId);
      expect(hostAgain.joined.quiz).toMatchObject({
        yourAnswer: null,
        tally: { quizId: question.quizId, answered: 1, present: 1 },
      });
      // After the reveal, a joiner finds the result.
      const result = dataOf(await hostAgain.request('revealQuiz', { quizId: question.quizId }));
      again.socket.disconnect();
      const afterReveal = await join(trainees[0]!, roomId);
      expect(afterReveal.joined.quiz).toMatchObject({ yourAnswer: choice, result, tally: null });
      const stored = await server.database.db
        .selectFrom('room_quiz_answers')
        .select('taxon_id')
        .where('quiz_id', '=', question.quizId)
        .execute();
      expect(stored).toEqual([{ taxon_id: choice }]);
    }, 60_000);

    it('tells trainees nothing of the answer, the specimen or its image before the reveal', async () => {
      const roomId = await newClass('Secrecy', trainees.slice(0, 1));
      const host = await join('expert.ningbo', roomId);
      const trainee = await join(trainees[0]!, roomId);
      const question = dataOf(await launch(host));
      const [image] = specimen.images;
      const secrets = [specimen.id, image!.id, image!.sha256, NOTES];
      const withoutOptions = ({ options: _options, ...rest }: QuizQuestion) => rest;

      await expect.poll(() => notificationsNamed(trainee, 'quizLaunched').length).toBe(1);
      const late = await join(trainees[0]!, roomId);
      const received = [...trainee.events.map((event) => event.payload), late.joined, ...late.events.map((event) => event.payload)];
      for (const secret of secrets) expect(JSON.stringify(received)).not.toContain(secret);
      // The options name the right taxon among the others; nothing else does, and it is not always first.
      for (const shown of [...notificationsNamed(trainee, 'quizLaunched'), late.joined.quiz!.question])
        expect(JSON.stringify(withoutOptions(shown))).not.toContain(RIGHT);
      expect(Object.keys(question).sort()).toEqual(['closesAt', 'imageUrl', 'launchedAt', 'options', 'quizId', 'remainingMs']);
      expect(Object.keys(question.options[0]!).sort()).toEqual(['nameEn', 'nameZh', 'taxonId']);

      // The photo: a re-encoded JPEG with no metadata, whose bytes name nothing, for the class only.
      const traineeApi = await as(server, trainees[0]!);
      const photo = await traineeApi.inject({ method: 'GET', url: question.imageUrl });
      expect(photo.statusCode, photo.body).toBe(200);
      expect(photo.headers['content-type']).toBe('image/jpeg');
      expect(Object.keys(photo.headers).filter((name) => /etag|disposition|last-modified/i.test(name))).toEqual([]);
      const bytes = photo.rawPayload;
      const metadata = await sharp(bytes).metadata();
      expect(metadata).toMatchObject({ format: 'jpeg' });
      expect([metadata.exif, metadata.icc, metadata.xmp, metadata.iptc, metadata.comments]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      for (const secret of [...secrets, RIGHT]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
      const original = await (await as(server, 'expert.ningbo')).getImage({ params: { id: image!.id, variant: 'original' } });
      expect(bytes.equals(original.rawPayload)).toBe(false);
      expectError(await (await as(server, 'staff.beilun')).inject({ method: 'GET', url: question.imageUrl }), 404, 'not_found');
      expectError(await (await as(server, 'expert.hq')).inject({ method: 'GET', url: question.imageUrl }), 403, 'forbidden');
      expect((await (await as(server, 'expert.ningbo')).inject({ method: 'GET', url: question.imageUrl })).statusCode).toBe(200);

      // The class's record: a trainee sees their own answers, the right one only after the reveal; the presenter everything.
      dataOf(await trainee.request('answerQuiz', { quizId: question.quizId, taxonId: RIGHT }));
      const ownBefore = (await traineeApi.listRoomQuizzes({ params: { id: roomId } })).json().items;
      expect(ownBefore).toMatchObject([
        { id: question.quizId, answer: null, specimenId: null, counts: null, answers: [{ taxonId: RIGHT, correct: null }] },
      ]);
      expect(JSON.stringify(ownBefore)).not.toContain(specimen.id);
      dataOf(await host.request('revealQuiz', { quizId: question.quizId }));
      const ownAfter = (await traineeApi.listRoomQuizzes({ params: { id: roomId } })).json().items;
      expect(ownAfter).toMatchObject([{ answer: { taxonId: RIGHT, notes: NOTES }, specimenId: null, answers: [{ correct: true }] }]);
      const presenter = (await (await as(server, 'expert.ningbo')).listRoomQuizzes({ params: { id: roomId } })).json().items;
      expect(presenter).toMatchObject([
        { specimenId: specimen.id, counts: { answered: 1, correct: 1 }, answers: [{ user: { username: trainees[0] } }] },
      ]);
    }, 60_000);

    it('refuses bad quiz requests with a clear code and changes nothing', async () => {
      const outOfScope = await confirmedSpecimen(server, { portCode: 'CNSHA-YS', taxon: RIGHT });
      const unconfirmed = (
        await uploadSpecimen(await as(server, 'staff.beilun'), validMetadata(), [{ name: 'a.jpg', data: await jpegImage(31) }])
      ).json();
      const roomId = await newClass('Refusals', trainees.slice(0, 1));
      const otherRoomId = await newClass('Another class', trainees.slice(1, 2));
      const host = await join('expert.ningbo', roomId);
      const trainee = await join(trainees[0]!, roomId);
      const otherHost = await join('expert.ningbo', otherRoomId);
      const consultation = (
        await (await as(server, 'expert.ningbo')).createRoom({ body: { kind: 'consultation', specimenId: specimen.id } })
      ).json().id;
      const consultationHost = await join('expert.ningbo', consultation);
      expect(consultationHost.joined.quiz).toBeNull();

      const before = await quizRows();
      const audited = async () =>
        (await server.database.db.selectFrom('audit_log').select('id').where('action', 'like', 'room.quiz%').execute()).length;
      const auditBefore = await audited();
      expectRefused(await launch(consultationHost), 'not_a_class');
      expectRefused(await launch(host, 120, outOfScope.id), 'not_found');
      expectRefused(await launch(host, 120, unconfirmed.id), 'not_confirmed');
      expectRefused(await launch(host, 120, '00000000-0000-4000-8000-000000000000'), 'not_found');
      expectRefused(await launch(trainee), 'forbidden');
      expectRefused(await host.request('launchQuiz', { specimenId: specimen.id, seconds: 1 }), 'bad_request');
      expectRefused(
        await host.request('launchQuiz', { specimenId: specimen.id, seconds: 60, imageId: unconfirmed.images[0]!.id }),
        'not_found',
      );
      await server.database.db
        .insertInto('specimen_teaching_marks')
        .values({ specimen_id: specimen.id, mark: 'hidden', marked_by: await idOf('expert.ningbo') })
        .execute();
      expectRefused(await launch(host), 'specimen_hidden');
      await server.database.db.deleteFrom('specimen_teaching_marks').where('specimen_id', '=', specimen.id).execute();
      expect(await quizRows()).toEqual(before);

      const question = dataOf(await launch(host));
      const other = dataOf(await launch(otherHost));
      const launched = await quizRows();
      const notOffered = 'Aedes albopictus';
      expect(question.options.map((option) => option.taxonId)).not.toContain(notOffered);
      expectRefused(await trainee.request('answerQuiz', { quizId: '00000000-0000-4000-8000-000000000000', taxonId: RIGHT }), 'not_found');
      expectRefused(await trainee.request('answerQuiz', { quizId: other.quizId, taxonId: RIGHT }), 'not_found');
      expectRefused(await trainee.request('answerQuiz', { quizId: question.quizId, taxonId: notOffered }), 'not_an_option');
      expectRefused(await host.request('answerQuiz', { quizId: question.quizId, taxonId: RIGHT }), 'forbidden');
      expectRefused(await trainee.request('revealQuiz', { quizId: question.quizId }), 'forbidden');
      expectRefused(await host.request('revealQuiz', { quizId: other.quizId }), 'not_found');
      expectRefused(await launch(host), 'quiz_open');
      expect(await quizRows()).toEqual(launched);
      expect(await audited()).toBe(auditBefore + 2);

      dataOf(await host.request('revealQuiz', { quizId: question.quizId }));
      expectRefused(await host.request('revealQuiz', { quizId: question.quizId }), 'already_revealed');
      expect(await audited()).toBe(auditBefore + 3);
      expect(await quizRows()).toEqual(launched);
    }, 120_000);
  });
}
