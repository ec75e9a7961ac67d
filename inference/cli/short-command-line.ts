import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * The longest command line a process that loads ONNX models is given. onnxruntime-node 1.30 crashes (a segmentation
 * fault while creating a session) in a process whose command line is longer than about 28 KB, which a shell glob of a
 * few hundred photos reaches; this leaves room for the runtime's own flags.
 */
const MAX_COMMAND_LINE_BYTES = 16 * 1024;

const commandLineBytes = () =>
  [process.execPath, ...process.execArgv, ...process.argv.slice(1)].reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);

/** Whether this process's own command line is too long to load the models in. */
export const commandLineTooLong = () => commandLineBytes() > MAX_COMMAND_LINE_BYTES;

/**
 * Runs this same program again with `options` and `--files-from -`, handing it `files` on standard input, so the process
 * that loads the models has a short command line whatever this one was given; its output is this one's. Resolves to
 * its exit status.
 */
export function relaunchWithFileList(options: readonly string[], files: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...options, '--files-from', '-'], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    child.stdin.end(files.join('\n') + '\n');
  });
}
