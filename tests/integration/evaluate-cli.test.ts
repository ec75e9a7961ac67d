import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { jpegImage } from '../helpers/images.js';

describe('npm run models:evaluate', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-evaluate-'));
    // One folder per label id; a folder naming no label of the model holds unknowns.
    for (const [label, seed] of [
      ['tick', 1],
      ['rodent', 2],
      ['not_vector', 3],
      ['elephants', 4],
    ] as const) {
      await mkdir(path.join(folder, label));
      for (let index = 0; index < 3; index += 1)
        await writeFile(path.join(folder, label, `${index}.jpg`), await jpegImage(seed * 10 + index, 120, 90));
    }
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('prints top-1/top-3, per-class precision and recall, the confusion matrix, ECE and rejection AUROC', async () => {
    const result = await runCli('inference/cli/evaluate.ts', ['vector-group', folder]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^vector-group@\S+ on .* 9 labelled images, 3 unknowns$/m);
    expect(result.stdout).toMatch(/top-1 [\d.]+ %\s+top-3 [\d.]+ %\s+ECE [\d.]+ %\s+rejection AUROC [\d.]+/);
    expect(result.stdout).toMatch(/^class\s+precision\s+recall\s+support$/m);
    expect(result.stdout).toMatch(/^tick\s+[\d.]+ %\s+[\d.]+ %\s+3$/m);
    expect(result.stdout).toContain('confusion matrix');
  });

  it('compares two versions with the non-regression gate, and reports JSON', async () => {
    const result = await runCli('inference/cli/evaluate.ts', ['vector-group', folder, '--compare', 'vector-group', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      gate: { passed: boolean };
      report: { confusion: number[][]; perClass: Record<string, unknown> };
    };
    expect(report.gate).toMatchObject({ passed: true, failures: [] });
    expect(report.report.confusion).toHaveLength(5);
    expect(Object.keys(report.report.perClass)).toContain('not_vector');
  });

  it('measures test-time augmentation: each image with its mirror image as a second view', async () => {
    const result = await runCli('inference/cli/evaluate.ts', ['vector-group', folder, '--tta', 'flip', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { views, report } = JSON.parse(result.stdout) as { views: string; report: { examples: number; unknowns: number } };
    expect([views, report.examples, report.unknowns]).toEqual(['flip', 9, 3]);
    const text = await runCli('inference/cli/evaluate.ts', ['vector-group', folder, '--tta', 'flip']);
    expect(text.stdout).toMatch(/^vector-group@\S+ \(each image with its mirror image\) on /m);
    const refused = await runCli('inference/cli/evaluate.ts', ['vector-group', folder, '--tta', 'rotate']);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('--tta takes flip, got rotate')]);
  });

  it("reports top-1 per source of a manifest's images (a port's unit code in a snapshot)", async () => {
    const manifest = path.join(folder, 'sources.json');
    const image = (file: string, group: string, source: string) => ({
      path: file,
      group,
      lifeStage: null,
      taxon: null,
      split: 'test',
      source,
    });
    const images = [image('tick/0.jpg', 'tick', 'CNNGB'), image('tick/1.jpg', 'tick', 'CNNGB'), image('rodent/0.jpg', 'rodent', 'CNSHA')];
    await writeFile(manifest, JSON.stringify({ root: '.', images }));
    const result = await runCli('inference/cli/evaluate.ts', ['vector-group', manifest, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { bySource } = JSON.parse(result.stdout) as { bySource: { source: string; examples: number; top1: number }[] };
    expect(bySource.map(({ source, examples }) => [source, examples])).toEqual([
      ['CNNGB', 2],
      ['CNSHA', 1],
    ]);
    for (const { top1 } of bySource) expect(top1).toBeGreaterThanOrEqual(0);
    expect((await runCli('inference/cli/evaluate.ts', ['vector-group', manifest])).stdout).toMatch(/^CNNGB\s+2\s+[\d.]+ %$/m);
  });

  it('evaluates the whole chain level by level from a manifest', async () => {
    const manifest = path.join(folder, 'manifest.json');
    const image = (file: string, group: string, lifeStage: string | null, taxon: string) => ({
      path: file,
      group,
      lifeStage,
      taxon,
      split: 'test',
    });
    const images = [
      image('tick/0.jpg', 'tick', 'adult', 'Ixodes scapularis'),
      image('tick/1.jpg', 'tick', 'adult', 'Dermacentor variabilis'),
      image('rodent/0.jpg', 'rodent', null, 'Rodentia'),
      image('not_vector/0.jpg', 'not_vector', null, 'not_vector'),
    ];
    await writeFile(manifest, JSON.stringify({ root: '.', images }));
    const result = await runCli('inference/cli/evaluate.ts', ['--chain', manifest, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { models, levels } = JSON.parse(result.stdout) as {
      models: string[];
      levels: { examples: number; rejected: number; levels: Record<string, { coverage: number; judged: number; ece: number | null }> };
    };
    expect(models).toEqual(expect.arrayContaining([expect.stringMatching(/^vector-group@/), expect.stringMatching(/^tick-species@/)]));
    expect(levels.examples).toBe(4);
    const shares = ['group', 'genus', 'species'].map((level) => levels.levels[level]!.coverage);
    expect(shares.reduce((sum, share) => sum + share, levels.rejected)).toBeCloseTo(1, 12);
    expect(levels.levels.group!.judged).toBe(4);
    expect(levels.levels.group!.ece).toBeGreaterThanOrEqual(0);

    const text = await runCli('inference/cli/evaluate.ts', ['--chain', manifest]);
    expect(text.stdout).toMatch(/^species\s+\d+\s+[\d.]+ %/m);
    expect((await runCli('inference/cli/evaluate.ts', ['--chain', folder])).code).toBe(2);
  });

  it('exits 2 for unusable arguments', async () => {
    expect((await runCli('inference/cli/evaluate.ts', ['vector-group'])).code).toBe(2);
    expect((await runCli('inference/cli/evaluate.ts', ['no-such-model', folder])).code).toBe(2);
    expect((await runCli('inference/cli/evaluate.ts', ['vector-group', folder, '--split', 'nope'])).code).toBe(2);
  });
});
