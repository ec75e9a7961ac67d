import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LevelAnswer } from '../identification-chain.js';
import { VectorIdentifier, type Identification } from '../identifier.js';
import { CommandLine } from './command-line.js';
import { imageList } from './image-list.js';
import { commandLineTooLong, relaunchWithFileList } from './short-command-line.js';

/**
 * `npm run -s identify -- --json <image files or folders…> [--files-from list|-]`: one JSON object per line and file,
 * in the order named (a folder's images in name order). Exits non-zero only for unusable arguments; an unreadable file
 * gives a line with `"error"`.
 */
const cli: CommandLine = new CommandLine(
  'identify',
  'usage: npm run -s identify -- [--json] [--models-dir models] [--threads N] [--files-from <list file>|-] <image files or folders…>',
);
const FILES_PER_BATCH = 32;

interface Line {
  file: string;
  [field: string]: unknown;
}

async function main(): Promise<void> {
  const { values, positionals } = cli.parse({
    json: { type: 'boolean', default: false },
    'models-dir': { type: 'string', default: process.env.MODELS_DIR ?? 'models' },
    threads: { type: 'string' },
    'files-from': { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(cli.usage);
    return;
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) cli.fail('--threads must be a positive integer');
  const files = await imageList(positionals, values['files-from']).catch((error: Error) =>
    cli.fail(`cannot read the file list: ${error.message}`),
  );
  if (files.length === 0) cli.fail('no image files given');
  if (commandLineTooLong()) {
    const options = [
      ...(values.json ? ['--json'] : []),
      '--models-dir',
      values['models-dir'],
      ...(threads ? ['--threads', String(threads)] : []),
    ];
    process.exitCode = await relaunchWithFileList(options, files);
    return;
  }

  let identifier: VectorIdentifier;
  try {
    identifier = await VectorIdentifier.fromModelsDir(path.resolve(values['models-dir']), threads ? { intraOpNumThreads: threads } : {});
  } catch (error) {
    cli.fail(`cannot load models: ${(error as Error).message}`);
  }
  const print = (line: Line) => console.log(values.json ? JSON.stringify(line) : describe(line));
  for (let start = 0; start < files.length; start += FILES_PER_BATCH) {
    const batch = files.slice(start, start + FILES_PER_BATCH);
    const contents = await Promise.all(
      batch.map((file) =>
        readFile(file).catch((error: NodeJS.ErrnoException) => new Error(error.code === 'ENOENT' ? 'file not found' : error.message)),
      ),
    );
    const readable = batch.flatMap((file, index) => (contents[index] instanceof Error ? [] : [index]));
    const outcomes = await identifier.identifySpecimens(readable.map((index) => [contents[index] as Buffer]));
    const byIndex = new Map(readable.map((index, position) => [index, outcomes[position]!]));
    batch.forEach((file, index) => {
      const content = contents[index];
      const outcome = byIndex.get(index);
      if (content instanceof Error) print({ file, error: content.message });
      else if (!outcome || 'error' in outcome) print({ file, error: outcome?.error ?? 'not a readable image' });
      else print({ file, ...present(outcome.identification) });
    });
  }
  await Promise.all(identifier.classifiers.map((classifier) => classifier.release()));
}

function present(identification: Identification) {
  const { group, lifeStage, taxon, confidence, rejected, committedLevel, levels, topK, model, models } = identification;
  const level = (answer: LevelAnswer | null) => answer && { taxon: answer.taxon, confidence: round(answer.confidence) };
  return {
    group,
    lifeStage,
    taxon,
    confidence: round(confidence),
    rejected,
    committedLevel,
    levels: { group: level(levels.group), genus: level(levels.genus), species: level(levels.species) },
    topK: topK.map(({ taxon: t, p }) => ({ taxon: t, p: round(p) })),
    model,
    models,
  };
}

function describe(line: Line): string {
  if ('error' in line) return `${line.file}\terror: ${String(line.error)}`;
  return `${line.file}\t${String(line.taxon)}\t${String(line.confidence)}\t${String(line.group)}${line.lifeStage ? ` (${String(line.lifeStage)})` : ''}`;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

await main();
