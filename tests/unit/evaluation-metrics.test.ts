import { describe, expect, it } from 'vitest';
import { auroc, evaluate, expectedCalibrationError } from '../../inference/evaluation.js';

describe('evaluation metrics', () => {
  it('computes top-k, per-class precision/recall and the confusion matrix', () => {
    const report = evaluate(
      ['a', 'b', 'c'],
      [
        { probabilities: [0.7, 0.2, 0.1], label: 0 },
        { probabilities: [0.6, 0.3, 0.1], label: 1 },
        { probabilities: [0.1, 0.8, 0.1], label: 1 },
        { probabilities: [0.5, 0.1, 0.4], label: 2 },
        { probabilities: [0.4, 0.3, 0.3], label: null },
      ],
      0.55,
    );
    expect(report.top1).toBe(0.5);
    expect(report.top3).toBe(1);
    expect(report.confusion).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    expect(report.perClass.a).toEqual({ precision: 1 / 3, recall: 1, support: 1 });
    expect(report.perClass.b).toEqual({ precision: 1, recall: 0.5, support: 2 });
    expect(report.unknowns).toBe(1);
    expect(report.atThreshold).toEqual({ threshold: 0.55, knownAccepted: 0.75, unknownRejected: 1 });
  });

  it('measures calibration error: zero when confidence matches accuracy', () => {
    const calibrated = [
      ...Array.from({ length: 8 }, () => ({ probabilities: [0.8, 0.2], label: 0 })),
      ...Array.from({ length: 2 }, () => ({ probabilities: [0.8, 0.2], label: 1 })),
    ];
    expect(expectedCalibrationError(calibrated)).toBeCloseTo(0, 12);
    const overconfident = Array.from({ length: 10 }, (_, index) => ({ probabilities: [0.99, 0.01], label: index < 5 ? 0 : 1 }));
    expect(expectedCalibrationError(overconfident)).toBeCloseTo(0.49, 12);
  });

  it('computes AUROC with ties counted half', () => {
    expect(auroc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auroc([0.1], [0.9])).toBe(0);
    expect(auroc([0.5], [0.5])).toBe(0.5);
    expect(auroc([0.9, 0.4], [0.5, 0.1])).toBe(0.75);
  });
});
