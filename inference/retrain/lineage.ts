import { appendFile, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pct, type GateReport } from '../evaluation.js';

/** A dataset manifest a model was trained on, by name and the sha256 of its file. */
export interface DatasetRef {
  name: string;
  manifestSha256: string;
}

/** What `model.json` → `training` gains when a retrained package is registered. */
export interface Lineage {
  snapshots: DatasetRef[];
  base: DatasetRef[];
  /** `name@version` of the version it was measured against (the active one). */
  parent: string;
  gate: GateReport;
}

/**
 * Writes the lineage into the staged package (`model.json` keeps every other field; its sha256 is of model.onnx, which
 * does not change) and the card's "Lineage and gate" section, then moves it to `<modelsDir>/<name>/<version>/`.
 * Refuses to replace a version that exists.
 */
export async function registerPackage(staged: string, modelsDir: string, lineage: Lineage): Promise<string> {
  const cardFile = path.join(staged, 'model.json');
  const card = JSON.parse(await readFile(cardFile, 'utf8')) as { name: string; version: string; training?: Record<string, unknown> };
  const target = path.resolve(modelsDir, card.name, card.version);
  if (await exists(target)) throw new Error(`${card.name}@${card.version} is already registered (${target})`);
  card.training = { ...card.training, ...lineage };
  await writeFile(cardFile, `${JSON.stringify(card, null, 2)}\n`);
  await appendFile(path.join(staged, 'MODEL_CARD.md'), lineageSection(lineage));
  await mkdir(path.dirname(target), { recursive: true });
  await rename(staged, target).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EXDEV') throw error;
    // Staging on another file system: copied beside the target first, so the registry never sees half a package.
    const incoming = path.join(path.dirname(target), `.${card.version}.incoming`);
    await cp(staged, incoming, { recursive: true });
    await rename(incoming, target);
    await rm(staged, { recursive: true, force: true });
  });
  return target;
}

/** The card's section on where the version comes from and why it was let in. */
export function lineageSection({ snapshots, base, parent, gate }: Lineage): string {
  const datasets = (refs: DatasetRef[]) =>
    refs.length ? refs.map((ref) => `\`${ref.name}\` (sha256 \`${ref.manifestSha256}\`)`).join(', ') : 'none';
  const rows = gate.perClass.map(
    (row) =>
      `| ${row.label} | ${row.support} | ${pct(row.active)} | ${row.candidate === null ? 'missing' : pct(row.candidate)} | ${row.delta === null ? 'n/a' : pct(row.delta)} | ${row.passed ? 'yes' : 'no'} |`,
  );
  return [
    '',
    '## Lineage and gate',
    '',
    `- Trained on the snapshots ${datasets(snapshots)} and the base data ${datasets(base)}, every image in its own split.`,
    `- Measured against \`${parent}\`, the active version, on the same test split with the service's own evaluation.`,
    `- Non-regression gate (margin ${pct(gate.margin)} of recall per class; overall top-1 not lower): ${gate.passed ? 'passed' : 'failed'}.`,
    `  Top-1 ${pct(gate.active.top1)} → ${pct(gate.candidate.top1)}, ECE ${pct(gate.active.ece)} → ${pct(gate.candidate.ece)} on ${gate.candidate.examples} test images.`,
    '',
    '| class | test images | recall (active) | recall (this) | change | within margin |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
