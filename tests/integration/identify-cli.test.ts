import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
        expect.arrayContaining([
          'file',
          'group',
          'lifeStage',
          'taxon',
          'confidence',
          'rejected',
          'committedLevel',
          'levels',
          'topK',
          'model',
        ]),
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

  it('identifies 1,000 files named on a command line longer than the runtime survives, a folder, and a list file', async () => {
    const many = path.join(dir, 'a-thousand-photos-from-the-port-of-ningbo');
    await mkdir(many);
    const files = await Promise.all(
      Array.from({ length: 1000 }, async (_, index) => {
        const file = path.join(many, `trap-${String(index).padStart(4, '0')}.jpg`);
        await writeFile(file, await jpegImage(index, 64, 48));
        return file;
      }),
    );
    // Well over the ~28 KB at which onnxruntime-node 1.30 crashes while creating a session.
    expect(files.join(' ').length).toBeGreaterThan(40_000);
    const named = await runCli('inference/cli/identify.ts', ['--json', ...files]);
    expect(named.code, named.stderr).toBe(0);
    const lines = jsonLines(named.stdout);
    expect(lines.map((line) => line.file)).toEqual(files);
    expect(lines.filter((line) => line.error)).toEqual([]);

    // A folder is its images in name order (other files skipped); a list file adds its lines after the named ones.
    const folder = path.join(dir, 'folder');
    await mkdir(path.join(folder, 'b-inner'), { recursive: true });
    await writeFile(path.join(folder, 'c.png'), await pngImage(3, 60, 40));
    await writeFile(path.join(folder, 'a.jpg'), await jpegImage(4, 64, 48));
    await writeFile(path.join(folder, 'b-inner', 'z.JPG'), await jpegImage(5, 64, 48));
    await writeFile(path.join(folder, 'readme.txt'), 'not a photo');
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${files[7]!}\r\n\n  ${path.join(dir, 'missing.jpg')}  \n`);
    const listed = await runCli('inference/cli/identify.ts', ['--json', folder, '--files-from', list]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonLines(listed.stdout).map((line) => line.file)).toEqual([
      path.join(folder, 'a.jpg'),
      path.join(folder, 'b-inner', 'z.JPG'),
      path.join(folder, 'c.png'),
      files[7],
      path.join(dir, 'missing.jpg'),
    ]);
    expect(jsonLines(listed.stdout).at(-1)).toEqual({ file: path.join(dir, 'missing.jpg'), error: 'file not found' });
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
    const noList = await runCli('inference/cli/identify.ts', ['--json', '--files-from', path.join(dir, 'no-such-list.txt')]);
    expect(noList.code).toBe(2);
    expect(noList.stderr).toContain('cannot read the file list');
  });
});

function jsonLines(stdout: string): { file: string; error?: string }[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { file: string; error?: string });
}
