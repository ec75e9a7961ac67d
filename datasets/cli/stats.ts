import { readManifest } from '../manifest.js';
import { describeManifest } from '../stats.js';
import { parseCommandLine, runCommand } from './arguments.js';

const USAGE = 'usage: npm run datasets:stats -- <manifest.json>';

await runCommand(USAGE, async () => {
  const { target: manifestFile } = parseCommandLine({}, 'manifest file');
  console.log(await describeManifest(manifestFile, await readManifest(manifestFile)));
});
