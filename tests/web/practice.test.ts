// The practice progress page's pure parts: the confusion chart, what is due, and percentages.
import { describe, expect, it } from 'vitest';
import type { PracticeConfusion, PracticeTaxonProgress } from '@contract';
import { confusionChartOption, dueCards, percent } from '../../web/src/practice';

const confusion = (week: string, taxon: string, takenFor: string, count: number): PracticeConfusion => ({ week, taxon, takenFor, count });

describe('the confusion chart', () => {
  it('stacks each pair per week, weeks in order, the most confused pair first, empty weeks as zero', () => {
    const option = confusionChartOption(
      [
        confusion('2026-11-23', 'Aedes vexans', 'Culex pipiens', 1),
        confusion('2026-11-16', 'Culex pipiens', 'Culex quinquefasciatus', 1),
        confusion('2026-11-23', 'Culex pipiens', 'Culex quinquefasciatus', 2),
      ],
      (pair) => `${pair.taxon} / ${pair.takenFor}`,
    );
    expect(option.xAxis).toMatchObject({ data: ['2026-11-16', '2026-11-23'] });
    expect(option.series).toEqual([
      expect.objectContaining({ name: 'Culex pipiens / Culex quinquefasciatus', stack: 'confusions', data: [1, 2] }),
      expect.objectContaining({ name: 'Aedes vexans / Culex pipiens', stack: 'confusions', data: [0, 1] }),
    ]);
  });
});

describe('progress figures', () => {
  const card = (taxon: string, dueAt: string): PracticeTaxonProgress => ({ taxon, answered: 1, correct: 0, accuracy: 0, box: 1, dueAt });

  it('lists the cards due by now', () => {
    const cards = [card('Aedes vexans', '2026-12-01T07:00:00Z'), card('Culex pipiens', '2026-12-02T07:00:00Z')];
    expect(dueCards(cards, new Date('2026-12-01T08:00:00Z')).map((due) => due.taxon)).toEqual(['Aedes vexans']);
  });

  it('writes shares as whole percentages, and nothing answered as a dash', () => {
    expect([percent(0.755), percent(1), percent(0), percent(null)]).toEqual(['76 %', '100 %', '0 %', '-']);
  });
});
