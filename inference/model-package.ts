import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { InputSpec } from './preprocessing.js';

const Probability = Type.Number({ minimum: 0, maximum: 1 });
const rgb = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

const LabelSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  taxon: Type.String({ minLength: 1 }),
  group: Type.Enum(['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector']),
  lifeStage: Type.Union([Type.String(), Type.Null()]),
  rank: Type.String(),
});

/** `model.json` as written by `models/training` (see docs/adr/0005). Unknown extra fields are kept. */
export const ModelCardSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
  version: Type.String({ minLength: 1 }),
  task: Type.Enum(['group', 'species']),
  parentLabel: Type.Union([Type.String(), Type.Null()]),
  /** The package this refiner takes the place of under the same parent label (it names at least what that one did). */
  replaces: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
  labels: Type.Array(LabelSchema, { minItems: 2 }),
  input: Type.Object({
    size: Type.Integer({ minimum: 16, maximum: 1024 }),
    resize: Type.Enum(['contain', 'cover']),
    padColor: rgb,
    mean: rgb,
    std: rgb,
    layout: Type.Literal('NCHW'),
  }),
  calibration: Type.Object({ temperature: Type.Number({ exclusiveMinimum: 0 }) }),
  rejection: Type.Object({
    method: Type.Literal('max_softmax'),
    /** For the model's own (most specific) rank. */
    threshold: Probability,
    /** A species model's threshold for backing off to the genus; without it, `threshold`. */
    levels: Type.Optional(Type.Object({ genus: Type.Optional(Probability) })),
  }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});
export type ModelCard = Static<typeof ModelCardSchema> & { input: InputSpec };
export type ModelLabel = Static<typeof LabelSchema>;
const checkCard = Compile(ModelCardSchema);

export interface ModelPackage {
  card: ModelCard;
  directory: string;
  onnxPath: string;
  /** `name@version`: how results, logs and the CLI name a model. */
  ref: string;
}

export class ModelPackageError extends Error {}

/** Reads a package directory and proves `model.onnx` is the file the card describes (sha256). */
export async function loadModelPackage(directory: string): Promise<ModelPackage> {
  let card: unknown;
  try {
    card = JSON.parse(await readFile(path.join(directory, 'model.json'), 'utf8'));
  } catch (error) {
    throw new ModelPackageError(`${directory}: model.json is missing or not JSON (${(error as Error).message})`);
  }
  if (!checkCard.Check(card)) {
    const problems = [...checkCard.Errors(card)].slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new ModelPackageError(`${directory}: model.json is invalid: ${problems.join('; ')}`);
  }
  const onnxPath = path.join(directory, 'model.onnx');
  let bytes: Buffer;
  try {
    bytes = await readFile(onnxPath);
  } catch {
    throw new ModelPackageError(`${directory}: model.onnx is missing`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== card.sha256) {
    throw new ModelPackageError(`${directory}: model.onnx sha256 ${actual} does not match model.json (${card.sha256})`);
  }
  return { card: card as ModelCard, directory, onnxPath, ref: `${card.name}@${card.version}` };
}

/**
 * Every package under `modelsDir` (`<name>/<version>/model.json`), newest version of each name first.
 * Versions are compared as dotted numbers (`2026.11.27` > `2026.2.1`).
 */
export async function findModelPackageDirs(modelsDir: string): Promise<Map<string, string[]>> {
  const byName = new Map<string, string[]>();
  for (const name of await readdirOrEmpty(modelsDir)) {
    const versions: string[] = [];
    for (const version of await readdirOrEmpty(path.join(modelsDir, name))) {
      const entries = await readdirOrEmpty(path.join(modelsDir, name, version));
      if (entries.includes('model.json')) versions.push(version);
    }
    if (versions.length > 0)
      byName.set(
        name,
        versions.sort(compareVersionsDescending).map((version) => path.join(modelsDir, name, version)),
      );
  }
  return byName;
}

function compareVersionsDescending(a: string, b: string): number {
  const left = a.split(/[.-]/);
  const right = b.split(/[.-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = Number(right[index] ?? 0) - Number(left[index] ?? 0);
    if (difference !== 0 && !Number.isNaN(difference)) return difference;
    const text = (right[index] ?? '').localeCompare(left[index] ?? '');
    if (text !== 0) return text;
  }
  return 0;
}

async function readdirOrEmpty(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() || entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
