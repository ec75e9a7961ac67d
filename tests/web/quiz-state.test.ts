// A class quiz as the page shows it: the countdown on the page's own clock, the trainee's answer kept, the presenter's
// live tally, the result; and the room's permissions to launch and answer.
import { describe, expect, it } from 'vitest';
import { canAnswerQuiz, canRunQuiz, type QuizQuestion, type QuizResult } from '@contract';
import { barsOf, mayAnswer, reduceQuiz, secondsLeft, type QuizState } from '../../web/src/rtc/quiz-state';
import { initialRoomState, reduce } from '../../web/src/rtc/room-state';

const question = (quizId = 'quiz-1', remainingMs = 30_000): QuizQuestion => ({
  quizId,
  imageUrl: `/api/v1/rooms/room-1/quizzes/${quizId}/image`,
  options: [
    { taxonId: 'Culex tarsalis', nameZh: '环跗库蚊', nameEn: 'Western encephalitis mosquito' },
    { taxonId: 'Culex pipiens', nameZh: '尖音库蚊', nameEn: 'Northern house mosquito' },
  ],
  launchedAt: '2026-12-06T01:00:00.000Z',
  closesAt: '2026-12-06T01:00:30.000Z',
  remainingMs,
});
const result = (quizId = 'quiz-1'): QuizResult => ({
  quizId,
  answer: { taxonId: 'Culex pipiens', nameZh: '尖音库蚊', nameEn: 'Northern house mosquito', lifeStage: 'larva', notes: 'Long siphon' },
  counts: [
    { taxonId: 'Culex tarsalis', count: 1 },
    { taxonId: 'Culex pipiens', count: 3 },
  ],
  answered: 4,
  correct: 3,
  revealedAt: '2026-12-06T01:00:20.000Z',
});
const launched = (at: number, asked = question()) => reduceQuiz(null, { type: 'launched', question: asked, receivedAt: at })!;

describe('class quiz state', () => {
  it("counts down from the time left the server sent, on the page's own clock", () => {
    const quiz = launched(1_000_000);
    expect(secondsLeft(quiz, 1_000_000)).toBe(30);
    expect(secondsLeft(quiz, 1_000_000 + 29_001)).toBe(1);
    expect(secondsLeft(quiz, 1_000_000 + 30_000)).toBe(0);
    expect(mayAnswer(quiz, 1_000_000 + 10_000)).toBe(true);
    expect(mayAnswer(quiz, 1_000_000 + 30_000)).toBe(false);
  });

  it("keeps the trainee's answer, ignores what concerns another question, and shows the result once revealed", () => {
    let quiz: QuizState | null = launched(0);
    quiz = reduceQuiz(quiz, { type: 'answered', quizId: 'quiz-1', taxonId: 'Culex pipiens' });
    expect(quiz).toMatchObject({ yourAnswer: 'Culex pipiens' });
    expect(mayAnswer(quiz!, 1000)).toBe(false);
    // The same question pushed again (a late duplicate) keeps the answer; another question's result changes nothing.
    expect(reduceQuiz(quiz, { type: 'launched', question: question(), receivedAt: 5 })).toBe(quiz);
    expect(reduceQuiz(quiz, { type: 'revealed', result: result('quiz-0') })).toBe(quiz);
    quiz = reduceQuiz(quiz, { type: 'revealed', result: result() });
    expect(quiz).toMatchObject({ yourAnswer: 'Culex pipiens', result: { correct: 3 } });
    expect(secondsLeft(quiz!, 0)).toBe(0);
    expect(barsOf(quiz!).map((bar) => [bar.taxonId, bar.count, bar.share])).toEqual([
      ['Culex tarsalis', 1, 25],
      ['Culex pipiens', 3, 75],
    ]);
    // A new question starts afresh.
    expect(reduceQuiz(quiz, { type: 'launched', question: question('quiz-2'), receivedAt: 0 })).toMatchObject({
      question: { quizId: 'quiz-2' },
      yourAnswer: null,
      result: null,
    });
  });

  it("takes the presenter's tallies while the question is open, in the options' order, with no answers as zero", () => {
    let quiz: QuizState | null = launched(0);
    expect(barsOf(quiz).map((bar) => bar.share)).toEqual([0, 0]);
    quiz = reduceQuiz(quiz, {
      type: 'tally',
      tally: { quizId: 'quiz-1', counts: [{ taxonId: 'Culex pipiens', count: 2 }], answered: 2, present: 5 },
    });
    expect(barsOf(quiz!).map((bar) => [bar.taxonId, bar.count])).toEqual([
      ['Culex tarsalis', 0],
      ['Culex pipiens', 2],
    ]);
    expect(reduceQuiz(quiz, { type: 'tally', tally: { quizId: 'quiz-0', counts: [], answered: 9, present: 9 } })).toBe(quiz);
  });

  it("restores the join answer's question after a reconnection, and forgets the last one on a new join", () => {
    const joined = reduce(initialRoomState('room-1'), {
      type: 'joined',
      answer: {
        kind: 'class',
        you: { peerId: 'p', userId: 'u', displayName: 'T', role: 'trainee', handRaised: false, microphoneGrantedUntil: null },
        peers: [],
        recording: null,
        history: [],
      },
    });
    const restored = reduce(joined, {
      type: 'quiz',
      event: {
        type: 'snapshot',
        snapshot: { question: question('quiz-1', 12_000), yourAnswer: 'Culex tarsalis', result: null, tally: null },
        receivedAt: 100,
      },
    });
    expect(restored.quiz).toMatchObject({ yourAnswer: 'Culex tarsalis', deadline: 12_100 });
    expect(
      reduce(restored, { type: 'joined', answer: { kind: 'class', you: joined.me!, peers: [], recording: null, history: [] } }).quiz,
    ).toBeNull();
  });

  it('lets the class host launch and its trainees answer; nobody in a consultation', () => {
    expect(canRunQuiz({ kind: 'class', role: 'host' })).toBe(true);
    expect(canRunQuiz({ kind: 'class', role: 'trainee' })).toBe(false);
    expect(canRunQuiz({ kind: 'consultation', role: 'host' })).toBe(false);
    expect(canAnswerQuiz({ kind: 'class', role: 'trainee' })).toBe(true);
    expect(canAnswerQuiz({ kind: 'class', role: 'host' })).toBe(false);
    expect(canAnswerQuiz({ kind: 'consultation', role: 'participant' })).toBe(false);
  });
});
