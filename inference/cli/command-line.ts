import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command-line program of `inference/`: its name and usage line, for every complaint about how it was called. */
export class CommandLine {
  constructor(
    private readonly name: string,
    readonly usage: string,
  ) {}

  /** Strict `util.parseArgs`; unknown or malformed options end the program with exit status 2. */
  parse<T extends Options>(options: T) {
    try {
      return parseArgs({ options, allowPositionals: true, strict: true });
    } catch (error) {
      return this.fail((error as Error).message);
    }
  }

  /** Unusable arguments: the reason and the usage line on stderr, exit status 2. */
  fail(message: string): never {
    console.error(`${this.name}: ${message}\n${this.usage}`);
    process.exit(2);
  }
}
