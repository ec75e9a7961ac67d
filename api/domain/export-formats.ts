import type { SpecimenRecord } from './specimen.js';
import type { ExportFormat, IdentificationSource, TaxonRank, TriageQueue, VectorGroup } from './vocabulary.js';

/** A port as exports name and place it (WGS84 degrees). */
export type ExportPort = Pick<SpecimenRecord['port'], 'code' | 'nameZh' | 'nameEn' | 'type'> & { longitude: number; latitude: number };

/** One specimen as the CSV and Darwin Core exports write it: its row, its port, its current taxon and who named it. */
export type SpecimenExportRow = Pick<
  SpecimenRecord,
  | 'id'
  | 'siteType'
  | 'locationDetail'
  | 'trapMethod'
  | 'collectedAt'
  | 'collector'
  | 'count'
  | 'lifeStage'
  | 'sex'
  | 'notes'
  | 'status'
  | 'createdAt'
> & {
  port: ExportPort;
  unitCode: string;
  /** The creator's username. */
  createdBy: string;
  /** Its current taxon (ADR 0019), with the lineage's ranks: `{ family: 'Culicidae', genus: 'Aedes', … }`. */
  taxon: { id: string; rank: TaxonRank; group: VectorGroup; ranks: Partial<Record<TaxonRank, string>> } | null;
  identifiedBy: IdentificationSource | null;
  aiConfidence: number | null;
  triageQueue: TriageQueue | null;
  /** Who named the current taxon and when: the experts who confirmed it, or the model (`ai`). */
  identification: {
    /** Confirmed as a detection (by experts, or accepted from the AI by triage). */
    confirmed: boolean;
    experts: string[];
    model: string | null;
    at: Date | null;
  };
};

/** One port with what the query found there: a GeoJSON feature. */
export interface PortExportRow {
  port: ExportPort;
  specimens: number;
  individuals: number;
  detections: number;
}

/**
 * A file written a row at a time: `head`, then `line` for each row (`index` from 0), then `tail`. Pure: the caller
 * streams the text wherever it goes, so no export holds more than a batch of rows.
 */
export interface ExportWriter<Row> {
  head: string;
  line(row: Row, index: number): string;
  tail: string;
}

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  dwc: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json',
};

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', dwc: 'csv', geojson: 'geojson' };

/** The name a downloaded export is offered under: `vectordesk-dwc-2026-12-05T01-02-03.csv`. */
export function exportDownloadName(format: ExportFormat, createdAt: Date): string {
  const stamp = createdAt.toISOString().slice(0, 19).replace(/:/g, '-');
  return `vectordesk-${format === 'dwc' ? 'darwin-core' : 'specimens'}-${stamp}.${EXPORT_EXTENSIONS[format]}`;
}

/** One RFC 4180 record: fields quoted when they hold a comma, a quote or a line break (quotes doubled), CRLF-ended. */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return fields.map((field) => (field === null ? '' : quoteCsv(String(field)))).join(',') + '\r\n';
}

function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV writer from its columns: a header line, then each row's fields in the same order. */
function csvWriter<Row>(columns: readonly (readonly [name: string, value: (row: Row) => string | number | null])[], bom: string) {
  return {
    head: bom + csvRecord(columns.map(([name]) => name)),
    line: (row: Row) => csvRecord(columns.map(([, value]) => value(row))),
    tail: '',
  } satisfies ExportWriter<Row>;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * The specimen CSV, one row per specimen, for spreadsheets. It starts with a UTF-8 byte order mark: Excel in a
 * Chinese locale reads a CSV without one as GBK and garbles the ports' Chinese names.
 */
export const specimenCsvWriter: ExportWriter<SpecimenExportRow> = csvWriter<SpecimenExportRow>(
  [
    ['id', (row) => row.id],
    ['collectedAt', (row) => iso(row.collectedAt)],
    ['portCode', (row) => row.port.code],
    ['portNameZh', (row) => row.port.nameZh],
    ['portNameEn', (row) => row.port.nameEn],
    ['longitude', (row) => row.port.longitude],
    ['latitude', (row) => row.port.latitude],
    ['unit', (row) => row.unitCode],
    ['siteType', (row) => row.siteType],
    ['locationDetail', (row) => row.locationDetail],
    ['trapMethod', (row) => row.trapMethod],
    ['collector', (row) => row.collector],
    ['count', (row) => row.count],
    ['lifeStage', (row) => row.lifeStage],
    ['sex', (row) => row.sex],
    ['status', (row) => row.status],
    ['taxon', (row) => row.taxon?.id ?? null],
    ['taxonRank', (row) => row.taxon?.rank ?? null],
    ['group', (row) => row.taxon?.group ?? null],
    ['identifiedBy', (row) => row.identifiedBy],
    ['aiConfidence', (row) => row.aiConfidence],
    ['triageQueue', (row) => row.triageQueue],
    ['createdAt', (row) => iso(row.createdAt)],
    ['createdBy', (row) => row.createdBy],
    ['notes', (row) => row.notes],
  ],
  '\uFEFF',
);

/**
 * Kingdom, phylum, class and order of each vector group: the curated taxonomy starts at orders, mosquitoes at their
 * family (the order is the lineage's where it has one).
 */
const HIGHER_CLASSIFICATION: Record<VectorGroup, readonly [kingdom: string, phylum: string, className: string, order?: string] | null> = {
  mosquito: ['Animalia', 'Arthropoda', 'Insecta', 'Diptera'],
  fly: ['Animalia', 'Arthropoda', 'Insecta'],
  flea: ['Animalia', 'Arthropoda', 'Insecta'],
  cockroach: ['Animalia', 'Arthropoda', 'Insecta'],
  tick: ['Animalia', 'Arthropoda', 'Arachnida'],
  rodent: ['Animalia', 'Chordata', 'Mammalia'],
  not_vector: null,
};

/** The taxon a Darwin Core record is about; none for "not a vector", which names no taxon. */
const namedTaxon = (row: SpecimenExportRow) => (row.taxon && row.taxon.rank !== 'none' ? row.taxon : null);
const higher = (position: 0 | 1 | 2) => (row: SpecimenExportRow) => {
  const taxon = namedTaxon(row);
  return (taxon && HIGHER_CLASSIFICATION[taxon.group]?.[position]) ?? null;
};
const rankName = (rank: 'order' | 'family' | 'genus') => (row: SpecimenExportRow) => {
  const taxon = namedTaxon(row);
  if (!taxon) return null;
  return taxon.ranks[rank] ?? (rank === 'order' ? HIGHER_CLASSIFICATION[taxon.group]?.[3] : undefined) ?? null;
};
const known = <T extends string>(value: T | null) => (value === null || value === 'unknown' ? null : value);

/** The people or model who named the current taxon, `|`-separated as Darwin Core lists are. */
function identifiedBy(row: SpecimenExportRow): string | null {
  if (row.identifiedBy === 'expert') return row.identification.experts.join(' | ') || null;
  if (row.identifiedBy === 'ai')
    return row.identification.model ? `VectorDesk AI model ${row.identification.model}` : 'VectorDesk AI model';
  return null;
}

function verificationStatus(row: SpecimenExportRow): string | null {
  if (row.identifiedBy === null) return null;
  if (!row.identification.confirmed) return 'unverified';
  return row.identifiedBy === 'expert' ? 'verified by experts' : 'accepted from the AI model by triage rules';
}

/**
 * Darwin Core occurrences (https://dwc.tdwg.org/terms/), one per specimen, for GBIF and other biodiversity tools: a
 * trapped specimen is a `MaterialSample` (collected, kept by the port laboratory, not necessarily deposited in a
 * collection), placed at its port's coordinates. No byte order mark: the tools that read Darwin Core expect plain UTF-8.
 */
export const darwinCoreWriter: ExportWriter<SpecimenExportRow> = csvWriter<SpecimenExportRow>(
  [
    ['occurrenceID', (row) => `urn:uuid:${row.id}`],
    ['basisOfRecord', () => 'MaterialSample'],
    ['occurrenceStatus', () => 'present'],
    ['scientificName', (row) => namedTaxon(row)?.id ?? null],
    ['taxonRank', (row) => namedTaxon(row)?.rank ?? null],
    ['kingdom', higher(0)],
    ['phylum', higher(1)],
    ['class', higher(2)],
    ['order', rankName('order')],
    ['family', rankName('family')],
    ['genus', rankName('genus')],
    ['eventDate', (row) => iso(row.collectedAt)],
    ['decimalLatitude', (row) => row.port.latitude],
    ['decimalLongitude', (row) => row.port.longitude],
    ['geodeticDatum', () => 'WGS84'],
    ['countryCode', () => 'CN'],
    ['locationID', (row) => row.port.code],
    ['locality', (row) => [row.port.nameEn, row.locationDetail].filter(Boolean).join('; ')],
    ['individualCount', (row) => row.count],
    ['lifeStage', (row) => known(row.lifeStage)],
    ['sex', (row) => known(row.sex)],
    ['samplingProtocol', (row) => row.trapMethod?.replace(/_/g, ' ') ?? null],
    ['recordedBy', (row) => row.collector],
    ['identifiedBy', identifiedBy],
    ['dateIdentified', (row) => iso(row.identification.at)],
    ['identificationVerificationStatus', verificationStatus],
    ['institutionCode', (row) => row.unitCode],
    ['catalogNumber', (row) => row.id],
    ['occurrenceRemarks', (row) => row.notes],
  ],
  '',
);

/**
 * Ports as GeoJSON (RFC 7946): a FeatureCollection of Point features at [longitude, latitude] in WGS84, without a
 * `crs` member (the RFC fixes the reference system), each with the port's names and what the query found there.
 */
export const portGeoJsonWriter: ExportWriter<PortExportRow> = {
  head: '{"type":"FeatureCollection","features":[\n',
  line: (row, index) =>
    (index === 0 ? '' : ',\n') +
    JSON.stringify({
      type: 'Feature',
      id: row.port.code,
      geometry: { type: 'Point', coordinates: [row.port.longitude, row.port.latitude] },
      properties: {
        port: row.port.code,
        nameZh: row.port.nameZh,
        nameEn: row.port.nameEn,
        portType: row.port.type,
        specimens: row.specimens,
        individuals: row.individuals,
        detections: row.detections,
      },
    }),
  tail: '\n]}\n',
};
