import path from 'node:path';
import { writeCombinedManifest } from '../combine.js';
import { describeManifest } from '../stats.js';
import { parseCommandLine, runCommand, UsageError } from './arguments.js';

const USAGE = 'usage: npm run datasets:combine -- <combined manifest.json> --from <manifest.json> --from <manifest.json> … [--name N]';

/**
 * Several split manifests as one, each image in its own split (as the retrain command combines them, ADR 0032), for
 * training a model on more than one dataset by hand. The sources' roots must be folders of one parent (as the shared
 * datasets are): the combined manifest finds them there, so it links nothing and can be committed.
 */
await runCommand(USAGE, async () => {
  const { target, values } = parseCommandLine(
    { from: { type: 'string', multiple: true, default: [] }, name: { type: 'string' } },
    'combined manifest file',
  );
  if (values.from.length < 2) throw new UsageError(`give at least two --from manifests, got ${values.from.length}`);
  const name = values.name ?? path.basename(path.dirname(path.resolve(target)));
  const { manifest, parts } = await writeCombinedManifest(target, name, values.from, 'shared-parent');
  for (const part of parts)
    console.log(
      `${part.manifest}: ${part.images} images under ${part.folder}/${part.duplicates ? `, ${part.duplicates} already held by an earlier source` : ''}`,
    );
  console.log(await describeManifest(target, manifest));
  console.log(`\nwrote ${target}`);
});
