import { parseArgs } from 'node:util';
import { SNAPSHOT_NAME_PATTERN } from '../../datasets/snapshot.js';
import { formatTable } from '../../datasets/table.js';
import { loadConfig } from '../config.js';
import type { SnapshotFilters } from '../contract/datasets.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { AppError } from '../domain/errors.js';
import type { DatasetSnapshotRecord } from '../repositories/dataset-snapshot.repository.js';
import { datasetSnapshotService } from '../services/dataset-snapshot.service.js';

// `npm run datasets:export`: a dataset snapshot of confirmed specimens, on the database the service uses (DATABASE_URL,
// else the embedded one under DATA_DIR: stop the service first, PGlite allows one process per data directory).
const USAGE =
  'usage: npm run datasets:export -- --name <name> [--taxa "Aedes,Culex pipiens"] [--units <unit code or id>,…] [--from YYYY-MM-DD] [--to YYYY-MM-DD]';

class UsageError extends Error {}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function parseRequest(): { name: string; taxa?: string[]; units?: string[]; from?: string; to?: string } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        name: { type: 'string' },
        taxa: { type: 'string' },
        units: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.name) throw new UsageError('--name is required');
  if (!SNAPSHOT_NAME_PATTERN.test(values.name))
    throw new UsageError(`--name must be letters, digits, . _ and -, up to 100, got ${JSON.stringify(values.name)}`);
  for (const option of ['from', 'to'] as const) {
    const day = values[option];
    const time = Date.parse(`${day}T00:00:00Z`);
    if (day !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(day)))
      throw new UsageError(`--${option} must be a day, YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  return { name: values.name, taxa: list(values.taxa), units: list(values.units), from: values.from, to: values.to };
}

function describe(record: DatasetSnapshotRecord, folder: string): string {
  const { provenance } = record;
  const tally = (items: { key: string; specimens: number }[]) => items.map((item) => `${item.key || '-'} ${item.specimens}`).join(', ');
  const rows = record.statistics.map((label) => [
    `${label.group}|${label.lifeStage ?? ''}|${label.taxon}`,
    label.train,
    label.val,
    label.test,
    label.total,
  ]);
  const sum = (split: 'train' | 'val' | 'test' | 'total') => record.statistics.reduce((total, label) => total + label[split], 0);
  return [
    `dataset snapshot ${record.name}: ${record.images} images of ${record.specimens} specimens, written to ${folder}`,
    `manifest sha256 ${record.manifestSha256}`,
    `confirmed ${provenance.confirmedFrom} to ${provenance.confirmedTo}; licence: ${provenance.licence}`,
    `units: ${tally(provenance.units)}`,
    `ports: ${tally(provenance.ports)}`,
    `experts: ${tally(provenance.experts)}`,
    '',
    formatTable(
      ['label (group|life stage|taxon)', 'train', 'val', 'test', 'total'],
      [...rows, ['total', sum('train'), sum('val'), sum('test'), sum('total')]],
    ),
  ].join('\n');
}

try {
  const request = parseRequest();
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir, schema: config.databaseSchema });
  try {
    await migrateToLatest(database.db);
    const filters: SnapshotFilters = {};
    if (request.taxa) filters.taxa = request.taxa;
    if (request.units) {
      const units = await database.db.selectFrom('units').select(['id', 'code']).execute();
      filters.units = request.units.map((unit) => units.find((row) => row.code === unit || row.id === unit)?.id ?? unit);
      const unknown = request.units.filter((unit) => !units.some((row) => row.code === unit || row.id === unit));
      if (unknown.length > 0) throw new UsageError(`--units: no unit with the code or id ${unknown.join(', ')}`);
    }
    if (request.from) filters.from = request.from;
    if (request.to) filters.to = request.to;
    const service = datasetSnapshotService(database.db, config);
    const record = await service.take({ name: request.name, filters }, null);
    console.log(describe(record, service.folderOf(record)));
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof AppError) {
    const details = Array.isArray(error.details) ? error.details.map((line) => `\n  - ${String(line)}`).join('') : '';
    console.error(`error: ${error.message} (${error.code})${details}`);
    process.exitCode = error.statusCode === 400 ? 2 : 1;
  } else {
    throw error;
  }
}
