import { stat } from 'node:fs/promises';
import { describeImport, importFolder } from '../import.js';
import { parseCommandLine, runCommand, UsageError } from './arguments.js';

const USAGE =
  'usage: npm run datasets:import -- <folder> [--name NAME] [--out datasets/manifests/NAME.json] [--mapping datasets/mappings/X.json]';

await runCommand(USAGE, async () => {
  const { target: folder, values } = parseCommandLine(
    { name: { type: 'string' }, out: { type: 'string' }, mapping: { type: 'string' } },
    'folder to import',
  );
  const isFolder = await stat(folder).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new UsageError(`${folder} is not a folder`);
  if (
    values.mapping &&
    !(await stat(values.mapping).then(
      (info) => info.isFile(),
      () => false,
    ))
  )
    throw new UsageError(`mapping file ${values.mapping} does not exist`);
  console.log(describeImport(await importFolder({ folder, name: values.name, out: values.out, mapping: values.mapping })));
});
