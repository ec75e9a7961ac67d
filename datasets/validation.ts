import { readFile } from 'node:fs/promises';
import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import { countOf } from './table.js';

/** Every problem found in a data file at once, so a curator fixes them in one pass instead of one per run. */
export class DataProblems extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`${subject}: ${countOf(problems.length, 'problem')}\n  - ${problems.join('\n  - ')}`);
    this.name = 'DataProblems';
  }
}

/**
 * Schema violations as `<JSON pointer> <message>` lines, `prefix` before each pointer. A union's failure becomes one
 * line naming what each branch accepts; the branches' own lines are dropped. TypeBox stops after 8 raw errors,
 * so validate large arrays element by element to report them all.
 */
export function schemaProblems(schema: TSchema, value: unknown, prefix = ''): string[] {
  const errors = Value.Errors(schema, value);
  return errors
    .filter((error) => !error.schemaPath.includes('/anyOf/') && error.keyword !== 'boolean')
    .map((error) => {
      const where = prefix + error.instancePath || '/';
      if (error.keyword === 'enum') return `${where} must be ${expectation(error)}`;
      if (error.keyword !== 'anyOf') return `${where} ${error.message}${extraProperties(error.params)}`;
      const branches = errors.filter(
        (branch) => branch.instancePath === error.instancePath && branch.schemaPath.startsWith(`${error.schemaPath}/anyOf/`),
      );
      return `${where} must be ${branches.map(expectation).join(' or ')}`;
    });
}

function expectation(error: TLocalizedValidationError): string {
  const params = error.params as { allowedValues?: unknown[]; type?: string };
  if (error.keyword === 'enum' && params.allowedValues) return `one of ${params.allowedValues.join(', ')}`;
  if (error.keyword === 'type' && params.type) return params.type === 'null' ? 'null' : `a ${params.type}`;
  return error.message.replace(/^must (be )?/, '');
}

function extraProperties(params: unknown): string {
  const extra = (params as { additionalProperties?: unknown }).additionalProperties;
  return Array.isArray(extra) ? `: ${extra.join(', ')}` : '';
}

/** A JSON file's value; unreadable or malformed files become `DataProblems` naming the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DataProblems(file, [(error as Error).message]);
  }
}
