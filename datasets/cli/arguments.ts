import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DataProblems } from '../validation.js';

/** A mistake in how the command was called: answered with the usage line and exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs`, strict, expecting exactly one positional argument (`what`); its complaints become `UsageError`s. */
export function parseCommandLine<T extends Options>(options: T, what: string) {
  let parsed;
  try {
    parsed = parseArgs({ options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${parsed.positionals.length}`);
  return { target: parsed.positionals[0]!, values: parsed.values };
}

export function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

/** Runs a CLI's body: usage mistakes exit 2 with the usage line, bad data exits 1 with every problem listed. */
export async function runCommand(usage: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n${usage}`);
      process.exitCode = 2;
    } else if (error instanceof DataProblems) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
