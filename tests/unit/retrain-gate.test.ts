import { describe, expect, it } from 'vitest';
import { evaluate, gateReports, type EvaluationReport } from '../../inference/evaluation.js';

/** A report over `labels` where class i has `hits[i]` of `support[i]` test images right (the rest called class 0 or 1). */
function reportOf(labels: string[], support: number[], hits: number[]): EvaluationReport {
  const examples = labels.flatMap((_, index) =>
    Array.from({ length: support[index]! }, (_unused, n) => {
      const predicted = n < hits[index]! ? index : index === 0 ? 1 : 0;
      return { probabilities: labels.map((__, k) => (k === predicted ? 0.9 : 0.1 / (labels.length - 1))), label: index };
    }),
  );
  return evaluate(labels, examples, 0.5);
}

describe('the non-regression gate', () => {
  const labels = ['a', 'b', 'c'];
  const active = reportOf(labels, [10, 10, 10], [8, 8, 8]);

  it('passes a candidate equal to the active version (ties pass)', () => {
    const gate = gateReports(active, reportOf(labels, [10, 10, 10], [8, 8, 8]), 0.02);
    expect(gate.passed).toBe(true);
    expect(gate.failures).toEqual([]);
    expect(gate.perClass.map((row) => row.delta)).toEqual([0, 0, 0]);
    expect(gate.active.top1).toBeCloseTo(0.8);
  });

  it('passes a class that loses no more than the margin while overall top-1 improves', () => {
    const gate = gateReports(active, reportOf(labels, [10, 10, 10], [10, 7, 8]), 0.1);
    expect(gate.passed).toBe(true);
    expect(gate.perClass.find((row) => row.label === 'b')).toMatchObject({ active: 0.8, candidate: 0.7, passed: true });
  });

  it('fails a class that loses more than the margin, naming it and by how much, even when top-1 improves', () => {
    const gate = gateReports(active, reportOf(labels, [10, 10, 10], [10, 6, 10]), 0.1);
    expect(gate.passed).toBe(false);
    expect(gate.candidate.top1).toBeGreaterThan(gate.active.top1);
    expect(gate.perClass.filter((row) => !row.passed).map((row) => row.label)).toEqual(['b']);
    expect(gate.perClass.find((row) => row.label === 'b')!.delta).toBeCloseTo(-0.2);
    expect(gate.failures).toEqual(['recall of b 60.0 % < 80.0 % − 10.0 % (-20.0 %)']);
  });

  it('fails a lower overall top-1 even when every class stays within the margin', () => {
    const gate = gateReports(active, reportOf(labels, [10, 10, 10], [8, 8, 7]), 0.2);
    expect(gate.passed).toBe(false);
    expect(gate.perClass.every((row) => row.passed)).toBe(true);
    expect(gate.failures).toEqual(['top-1 76.7 % < 80.0 % of the active version']);
  });

  it('fails a candidate that lacks a class of the active version, and passes a class without test images', () => {
    const withEmpty = reportOf(['a', 'b', 'c', 'd'], [10, 10, 10, 0], [8, 8, 8, 0]);
    const candidate = reportOf(['a', 'b', 'd'], [10, 10, 0], [9, 9, 0]);
    const gate = gateReports(withEmpty, candidate, 0.02);
    expect(gate.passed).toBe(false);
    expect(gate.failures).toContain('class c is missing from the candidate');
    expect(gate.perClass.find((row) => row.label === 'c')).toMatchObject({ candidate: null, delta: null, passed: false });
    expect(gate.perClass.find((row) => row.label === 'd')).toMatchObject({ support: 0, passed: true });
  });

  it('uses the margin as an absolute share of recall, the bound itself included', () => {
    const candidate = reportOf(labels, [10, 10, 10], [9, 7, 9]);
    expect(gateReports(active, candidate, 0.1).passed).toBe(true);
    expect(gateReports(active, candidate, 0.09).passed).toBe(false);
  });
});
