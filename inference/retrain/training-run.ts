import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export interface TrainingRun {
  /** The Python of the training environment (`.venv/bin/python`, made by `scripts/setup-training-env.sh`). */
  python: string;
  /** `models/training/train_all.py`. */
  script: string;
  args: string[];
  /** Each epoch the trainer finishes: its number and the most it may run (it may stop early). */
  onEpoch: (epoch: number, maxEpochs: number) => void;
  signal?: AbortSignal;
}

/** Lines of output kept for the error of a failed run. */
const KEPT_LINES = 20;

/**
 * Runs the Python trainer as a child process (it owns training, export and the package files), reading its progress
 * from the JSON line it prints after each epoch. Rejects with the last lines of its output when it fails.
 */
export async function runTraining({ python, script, args, onEpoch, signal }: TrainingRun): Promise<void> {
  await access(python).catch(() => {
    throw new Error(`no training environment: ${python} is missing (run bash scripts/setup-training-env.sh)`);
  });
  const child = spawn(python, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > KEPT_LINES) tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    keep(line);
    const epoch = epochOf(line);
    if (epoch) onEpoch(epoch.epoch, epoch.maxEpochs);
  });
  createInterface({ input: child.stderr }).on('line', keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`training failed (exit code ${code}):\n${tail.join('\n')}`);
}

/** `{"epoch": 3, …, "maxEpochs": 12}` (train.py's line after each epoch, maybe followed by `  *`), else null. */
export function epochOf(line: string): { epoch: number; maxEpochs: number } | null {
  if (!line.startsWith('{"epoch"')) return null;
  try {
    const entry = JSON.parse(line.replace(/\s+\*$/, '')) as { epoch?: unknown; maxEpochs?: unknown };
    return typeof entry.epoch === 'number' && typeof entry.maxEpochs === 'number'
      ? { epoch: entry.epoch, maxEpochs: entry.maxEpochs }
      : null;
  } catch {
    return null;
  }
}
