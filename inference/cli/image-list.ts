import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** File endings the identify CLI takes from a folder: the formats the image decoder reads. */
const IMAGE_ENDINGS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.heif']);

/**
 * The image files named on a command line: each file as given (even a missing one, which its line then reports), each
 * folder as the image files below it in name order, and the paths listed one per line in `filesFrom` (`-`: standard
 * input) after them, in the same way.
 */
export async function imageList(named: readonly string[], filesFrom: string | undefined): Promise<string[]> {
  const listed = filesFrom === undefined ? [] : linesOf(filesFrom === '-' ? await readStdin() : await readFile(filesFrom, 'utf8'));
  const files: string[] = [];
  for (const entry of [...named, ...listed]) files.push(...(await expand(entry)));
  return files;
}

function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function expand(entry: string): Promise<string[]> {
  const isFolder = await stat(entry).then(
    (found) => found.isDirectory(),
    () => false,
  );
  if (!isFolder) return [entry];
  const children = await readdir(entry, { withFileTypes: true });
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const child of children) {
    const childPath = path.join(entry, child.name);
    if (child.isDirectory()) files.push(...(await expand(childPath)));
    else if (child.isFile() && IMAGE_ENDINGS.has(path.extname(child.name).toLowerCase())) files.push(childPath);
  }
  return files;
}
