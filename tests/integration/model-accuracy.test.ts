import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelPackage } from '../../inference/model-package.js';
import { evaluateModel, labelledImages } from '../../inference/model-evaluation.js';
import { newestPackageDir, SHARED_DATASET_DIR, sharedDatasetAvailable, trainingManifest } from '../helpers/models.js';

interface RecordedMetrics {
  top1: number;
  ece: number;
  rejectionAuroc: number | null;
}

/** The issue's targets on the held-out test split (group / species top-1, ECE, rejection AUROC). */
function missedTargets(task: 'group' | 'species', metrics: RecordedMetrics): string[] {
  const missed: string[] = [];
  if (metrics.top1 < (task === 'group' ? 0.95 : 0.85)) missed.push('top1');
  if (metrics.ece > 0.05) missed.push('ECE');
  if (metrics.rejectionAuroc !== null && metrics.rejectionAuroc < 0.95) missed.push('Rejection AUROC');
  return missed;
}

/**
 * On the real held-out photographs: the service's own evaluation (Node preprocessing + onnxruntime-node)
 * reproduces what the trainer recorded in each model card, and the headline targets hold where the card claims them.
 */
describe.skipIf(!sharedDatasetAvailable)(
  `accuracy on the held-out test split of the shared photographs ${sharedDatasetAvailable ? '' : `— skipped: vectors-v1 and vectors-v2 are not both under ${SHARED_DATASET_DIR}`}`,
  () => {
    for (const name of ['vector-group', 'tick-species', 'mosquito-genus', 'mosquito-species', 'larva-genus']) {
      it(`${name} reproduces its recorded test metrics on the test split of the data it was trained on`, async () => {
        const modelPackage = await loadModelPackage(await newestPackageDir(name));
        const recorded = (
          JSON.parse(await readFile(path.join(modelPackage.directory, 'model.json'), 'utf8')) as { metrics: { test: RecordedMetrics } }
        ).metrics.test;
        const { report } = await evaluateModel(modelPackage, await labelledImages(await trainingManifest(modelPackage.directory), 'test'));
        // One image either way may flip between runtimes at a decision boundary.
        const oneImage = 1 / report.examples + 1e-9;
        expect(Math.abs(report.top1 - recorded.top1)).toBeLessThanOrEqual(oneImage);
        expect(Math.abs(report.ece - recorded.ece)).toBeLessThanOrEqual(0.02);
      });

      it(`${name}: its card says which targets it misses, and by how much`, async () => {
        const modelPackage = await loadModelPackage(await newestPackageDir(name));
        const recorded = (
          JSON.parse(await readFile(path.join(modelPackage.directory, 'model.json'), 'utf8')) as { metrics: { test: RecordedMetrics } }
        ).metrics.test;
        const card = await readFile(path.join(modelPackage.directory, 'MODEL_CARD.md'), 'utf8');
        const missedSection = card.split('## Targets missed')[1]?.split('\n## ')[0] ?? '';
        for (const metric of ['top1', 'ECE', 'Rejection AUROC']) {
          const missed = missedTargets(modelPackage.card.task, recorded).includes(metric);
          expect(missedSection.includes(`- ${metric} `), `${name} ${metric} missed=${missed}`).toBe(missed);
        }
      });
    }
  },
);
