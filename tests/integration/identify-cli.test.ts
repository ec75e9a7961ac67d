import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { jpegImage, pngImage, truncatedJpeg } from '../helpers/images.js';

const GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'];
const MODEL_REF = /^[a-z0-9-]+@[\w.-]+$/;

describe('npm run -s identify -- --json <files…>', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-identify-'));
    await writeFile(path.join(dir, 'photo.jpg'), await jpegImage(1, 240, 180));
    await writeFile(path.join(dir, 'photo.png'), await pngImage(2, 100, 100));
    await writeFile(path.join(dir, 'notes.txt'), 'not an image');
    await writeFile(path.join(dir, 'cut.jpg'), await truncatedJpeg());
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints one JSON object per file, in order, echoing each path as given', async () => {
    const files = ['photo.jpg', 'photo.png', 'missing.jpg', 'notes.txt', 'cut.jpg'].map((name) =>
      path.relative(process.cwd(), path.join(dir, name)),
    );
    const result = await runCli('inference/cli/identify.ts', ['--json', ...files]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.file)).toEqual(files);

    for (const line of lines.slice(0, 2)) {
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining(['file', 'group', 'lifeStage', 'taxon', 'confidence', 'rejected', 'topK', 'model']),
      );
      expect(GROUPS).toContain(line.group);
      expect(typeof line.taxon).toBe('string');
      expect(typeof line.rejected).toBe('boolean');
      if (line.rejected) expect(line.taxon).toBe('unknown');
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(1);
      expect(line.model).toMatch(MODEL_REF);
      const topK = line.topK as { taxon: string; p: number }[];
      expect(topK.length).toBeGreaterThan(0);
      expect(topK.length).toBeLessThanOrEqual(3);
      for (const entry of topK) expect(Object.keys(entry).sort()).toEqual(['p', 'taxon']);
      if (line.group === 'mosquito') expect(['adult', 'larva']).toContain(line.lifeStage);
    }
    expect(lines[2]).toEqual({ file: files[2], error: 'file not found' });
    expect(lines[3]).toMatchObject({ file: files[3], error: expect.stringContaining('not a readable image') });
    expect(lines[4]).toMatchObject({ file: files[4], error: expect.stringContaining('not a readable image') });
  });

  it('handles hundreds of files in one call', async () => {
    const files = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const file = path.join(dir, `many-${index}.jpg`);
        await writeFile(file, await jpegImage(index, 64, 48));
        return file;
      }),
    );
    const result = await runCli('inference/cli/identify.ts', ['--json', ...files]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; error?: string });
    expect(lines.map((line) => line.file)).toEqual(files);
    expect(lines.filter((line) => line.error)).toEqual([]);
  });

  it('exits non-zero only for unusable arguments', async () => {
    const noFiles = await runCli('inference/cli/identify.ts', ['--json']);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toContain('no image files given');
    const unknownFlag = await runCli('inference/cli/identify.ts', ['--jsn', 'a.jpg']);
    expect(unknownFlag.code).toBe(2);
    const badModels = await runCli('inference/cli/identify.ts', ['--json', '--models-dir', dir, 'photo.jpg']);
    expect(badModels.code).toBe(2);
    expect(badModels.stderr).toContain('cannot load models');
  });
});
