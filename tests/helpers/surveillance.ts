import type { Db } from '../../api/db/database.js';
import type { SurveillanceFilters } from '../../api/contract/index.js';
import {
  CONFIDENCE_BAND_FLOORS,
  type AlertStatus,
  type IdentificationSource,
  type SiteType,
  type SpecimenStatus,
  type TrapMethod,
  type TriageQueue,
  type VectorGroup,
} from '../../api/domain/vocabulary.js';
import { as, type Client } from './client.js';
import type { BackendName } from './database.js';
import { createTestApp } from './test-app.js';

/**
 * A specimen as a surveillance test writes it, timestamps and all, straight into the tables (the triggers of
 * migrations 0009 and 0011 then keep the specimen's current identification and the monthly counts, as in production).
 */
export interface SeedSpecimen {
  port: 'CNNGB-BL' | 'CNNGB-LS' | 'CNSHA-YS';
  siteType: SiteType;
  trapMethod: TrapMethod | null;
  collectedAt: string;
  /** Submission; a day after collection unless given. */
  createdAt?: string;
  count: number;
  status: SpecimenStatus;
  queue?: TriageQueue;
  /** The AI's primary answer, made at `at` (default: an hour after submission). */
  ai?: { taxon: string; group: VectorGroup; confidence: number; at?: string };
  /** The identify job's request, done at `completedAt`. */
  request?: { completedAt: string };
  /** An expert's first review decision. */
  review?: { at: string };
  detection?: { taxon: string; by: IdentificationSource; at?: string };
  alert?: { status: AlertStatus; acknowledgedAt?: string };
}

/** The taxa the surveillance tests use: their group and themselves with everything above them. */
export const SEED_TAXA_INFO: Record<string, { group: VectorGroup; within: string[] }> = {
  'Aedes albopictus': { group: 'mosquito', within: ['Aedes albopictus', 'Aedes', 'Culicidae'] },
  'Aedes aegypti': { group: 'mosquito', within: ['Aedes aegypti', 'Aedes', 'Culicidae'] },
  'Culex pipiens': { group: 'mosquito', within: ['Culex pipiens', 'Culex', 'Culicidae'] },
  'Rattus norvegicus': { group: 'rodent', within: ['Rattus norvegicus', 'Rattus', 'Muridae', 'Rodentia'] },
  'Haemaphysalis longicornis': { group: 'tick', within: ['Haemaphysalis longicornis', 'Haemaphysalis', 'Ixodidae', 'Ixodida'] },
  not_vector: { group: 'not_vector', within: ['not_vector'] },
};
const GROUP_OF = (taxon: string) => SEED_TAXA_INFO[taxon]!.group;

/** The demo organisation: the district of each port, and which ports each demo user's scope holds. */
export const DISTRICT_OF: Record<SeedSpecimen['port'], string> = { 'CNNGB-BL': 'NINGBO', 'CNNGB-LS': 'NINGBO', 'CNSHA-YS': 'SHANGHAI' };
export const PORTS_SEEN_BY: Record<string, readonly SeedSpecimen['port'][]> = {
  'expert.hq': ['CNNGB-BL', 'CNNGB-LS', 'CNSHA-YS'],
  'expert.ningbo': ['CNNGB-BL', 'CNNGB-LS'],
  'staff.beilun': ['CNNGB-BL'],
};

const HOUR_MS = 3_600_000;
const later = (iso: string, hours: number) => new Date(new Date(iso).getTime() + hours * HOUR_MS);

/** Writes the specimens (submitted by staff.beilun, reviewed by expert.ningbo) and returns their ids in order. */
export async function seedSpecimens(db: Db, specimens: readonly SeedSpecimen[]): Promise<string[]> {
  const ports = new Map((await db.selectFrom('ports').select(['id', 'code', 'unit_id']).execute()).map((port) => [port.code, port]));
  const user = async (username: string) =>
    db.selectFrom('users').select(['id', 'unit_id']).where('username', '=', username).executeTakeFirstOrThrow();
  const staff = await user('staff.beilun');
  const expert = await user('expert.ningbo');
  const ids: string[] = [];
  for (const seed of specimens) {
    const port = ports.get(seed.port)!;
    const createdAt = seed.createdAt ? new Date(seed.createdAt) : later(seed.collectedAt, 24);
    const { id } = await db
      .insertInto('specimens')
      .values({
        unit_id: port.unit_id,
        port_id: port.id,
        site_type: seed.siteType,
        location_detail: null,
        trap_method: seed.trapMethod,
        collected_at: seed.collectedAt,
        collector: null,
        count: seed.count,
        life_stage: null,
        sex: null,
        notes: null,
        status: seed.status,
        created_by: staff.id,
        created_at: createdAt,
        triage_queue: seed.queue ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(id);
    if (seed.request) {
      await db
        .insertInto('identification_requests')
        .values({
          specimen_id: id,
          status: 'done',
          requested_at: createdAt,
          enqueued_at: createdAt,
          completed_at: new Date(seed.request.completedAt),
          error: null,
        })
        .execute();
    }
    if (seed.ai) {
      await db
        .insertInto('identifications')
        .values({
          specimen_id: id,
          source: 'ai',
          model_key: 'seed',
          model: 'seed',
          group: seed.ai.group,
          life_stage: null,
          taxon: seed.ai.taxon,
          confidence: seed.ai.confidence,
          rejected: false,
          top_k: JSON.stringify([{ taxon: seed.ai.taxon, p: seed.ai.confidence }]),
          timings: null,
          failed_images: '[]',
          author_id: null,
          created_at: seed.ai.at ? new Date(seed.ai.at) : later(createdAt.toISOString(), 1),
        })
        .execute();
    }
    if (seed.review) {
      await db
        .insertInto('reviews')
        .values({
          specimen_id: id,
          reviewer_id: expert.id,
          review_unit_id: expert.unit_id,
          round: 1,
          decision: 'confirm',
          taxon_id: seed.detection?.taxon ?? null,
          life_stage: null,
          sex: null,
          notes: null,
          identification_id: null,
          created_at: new Date(seed.review.at),
        })
        .execute();
    }
    if (seed.detection) {
      const { id: detectionId } = await db
        .insertInto('detections')
        .values({
          specimen_id: id,
          taxon_id: seed.detection.taxon,
          port_id: port.id,
          unit_id: port.unit_id,
          site_type: seed.siteType,
          collected_at: seed.collectedAt,
          count: seed.count,
          life_stage: null,
          sex: null,
          identified_by: seed.detection.by,
          first_levels: '[]',
          watch_list: false,
          ...(seed.detection.at ? { created_at: new Date(seed.detection.at) } : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (seed.alert) {
        await db
          .insertInto('alerts')
          .values({
            detection_id: detectionId,
            specimen_id: id,
            taxon_id: seed.detection.taxon,
            port_id: port.id,
            unit_id: port.unit_id,
            responsible_unit_id: expert.unit_id,
            reasons: JSON.stringify(['watch_list']),
            status: seed.alert.status,
            acknowledged_at: seed.alert.acknowledgedAt ? new Date(seed.alert.acknowledgedAt) : null,
          })
          .execute();
      }
    }
  }
  return ids;
}

/** The ISO 8601 week of a UTC instant, `YYYY-Www`: computed here by date arithmetic, not by the database. */
export function isoWeek(iso: string): string {
  const date = new Date(iso);
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - weekday + 3);
  // The week's Thursday decides its year; its ordinal day in that year, its number.
  const week = Math.floor((day.getTime() - Date.UTC(day.getUTCFullYear(), 0, 1)) / 86_400_000 / 7) + 1;
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The continuous percentile of `values` (linear interpolation between the two nearest ranks), as SQL's percentile_cont. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.toSorted((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

const SEED_PORTS = ['CNNGB-BL', 'CNNGB-LS', 'CNSHA-YS'] as const;
const SEED_SITES = ['ship', 'aircraft', 'container', 'port_area'] as const;
const SEED_TRAPS = ['light_trap', 'co2_trap', null] as const;
const SEED_STATUSES = ['confirmed', 'in_review', 'confirmed', 'needs_photos', 'rejected', 'submitted'] as const;
const SEED_TAXA = ['Aedes albopictus', 'Culex pipiens', 'Rattus norvegicus', 'Aedes albopictus', 'Haemaphysalis longicornis', 'not_vector'];
const SEED_CONFIDENCES = [0.95, 0.7, 0.3, 0.92, 0.6, 0.89];
const SEED_QUEUES = ['auto', 'review', 'critical'] as const;

/**
 * A varied set of specimens: three ports, four site types, four months across a year's end (ISO week 2026-W01 starts
 * on 2025-12-29), every status and confidence band, AI and expert detections, open and acknowledged alerts, and a
 * few submitted today.
 */
export function variedSpecimens(now: Date): SeedSpecimen[] {
  return Array.from({ length: 48 }, (_, i): SeedSpecimen => {
    const collectedAt = new Date(Date.UTC(2025, 10, 1) + ((i * 37) % 120) * 86_400_000 + (i % 24) * HOUR_MS).toISOString();
    const status = SEED_STATUSES[i % SEED_STATUSES.length]!;
    const aiTaxon = SEED_TAXA[(i * 5) % SEED_TAXA.length]!;
    const ai = status === 'submitted' ? undefined : { taxon: aiTaxon, group: GROUP_OF(aiTaxon), confidence: SEED_CONFIDENCES[i % 6]! };
    const detectedBy = i % 4 < 2 ? 'ai' : 'expert';
    const detection =
      status === 'confirmed' && aiTaxon !== 'not_vector'
        ? { taxon: detectedBy === 'expert' && i % 8 === 2 ? 'Aedes aegypti' : aiTaxon, by: detectedBy as IdentificationSource }
        : undefined;
    return {
      port: SEED_PORTS[i % 3]!,
      siteType: SEED_SITES[(i * 3 + Math.floor(i / 4)) % 4]!,
      trapMethod: SEED_TRAPS[i % 3]!,
      collectedAt,
      ...(i % 7 === 0 ? { createdAt: now.toISOString() } : {}),
      count: 1 + ((i * 13) % 9),
      status,
      ...(ai ? { ai, queue: SEED_QUEUES[i % 3]! } : {}),
      ...(detection ? { detection, ...(i % 3 === 1 ? { alert: { status: i % 2 === 0 ? 'open' : 'acknowledged' } as const } : {}) } : {}),
    };
  });
}

/** What the specimen's row says of it once written: its current taxon, group and who identified it. */
export function currentOf(seed: SeedSpecimen) {
  const taxon = seed.detection?.taxon ?? seed.ai?.taxon ?? null;
  return {
    taxon,
    group: taxon === null ? null : GROUP_OF(taxon),
    identifiedBy: seed.detection?.by ?? (seed.ai ? ('ai' as const) : null),
  };
}

/** Whether a seeded specimen matches the surveillance filters, decided from what the test wrote. */
export function seedMatches(seed: SeedSpecimen, filters: SurveillanceFilters): boolean {
  const current = currentOf(seed);
  const confidence = seed.ai?.confidence;
  const band =
    confidence === undefined
      ? undefined
      : confidence >= CONFIDENCE_BAND_FLOORS.high
        ? 'high'
        : confidence >= CONFIDENCE_BAND_FLOORS.medium
          ? 'medium'
          : 'low';
  const collected = new Date(seed.collectedAt).getTime();
  const checks = [
    filters.taxon === undefined || (current.taxon !== null && SEED_TAXA_INFO[current.taxon]!.within.includes(filters.taxon)),
    filters.group === undefined || current.group === filters.group,
    filters.portCode === undefined || seed.port === filters.portCode,
    filters.district === undefined || DISTRICT_OF[seed.port] === filters.district,
    filters.siteType === undefined || seed.siteType === filters.siteType,
    filters.trapMethod === undefined || seed.trapMethod === filters.trapMethod,
    filters.status === undefined || seed.status === filters.status,
    filters.from === undefined || collected >= new Date(filters.from).getTime(),
    filters.to === undefined || collected <= new Date(filters.to).getTime(),
    filters.confidence === undefined || band === filters.confidence,
    filters.queue === undefined || seed.queue === filters.queue,
    filters.identifiedBy === undefined || current.identifiedBy === filters.identifiedBy,
  ];
  return checks.every(Boolean);
}

/** One of every filter, each picking a different part of {@link variedSpecimens}. */
export const EVERY_FILTER: SurveillanceFilters[] = [
  {},
  { taxon: 'Aedes' },
  { taxon: 'Culicidae' },
  { taxon: 'Aedes aegypti' },
  { group: 'rodent' },
  { portCode: 'CNNGB-LS' },
  { district: 'SHANGHAI' },
  { siteType: 'container' },
  { trapMethod: 'co2_trap' },
  { status: 'confirmed' },
  { from: '2025-12-01T00:00:00.000Z', to: '2025-12-31T23:59:59.999Z' },
  { from: '2025-12-10T12:00:00.000Z', to: '2026-01-15T06:00:00.000Z' },
  { from: '2025-11-15T00:00:00.000Z', to: '2026-01-20T00:00:00.000Z' },
  { to: '2026-01-01T00:00:00.000Z' },
  { confidence: 'high' },
  { confidence: 'medium' },
  { confidence: 'low' },
  { queue: 'critical' },
  { identifiedBy: 'expert' },
  { group: 'mosquito', district: 'NINGBO', status: 'confirmed' },
];

/** The real app with `seeds` written, and a signed-in client for each user of {@link PORTS_SEEN_BY}. */
export async function surveillanceApp(backend: BackendName, seeds: readonly SeedSpecimen[]) {
  const t = await createTestApp(backend, { IDENTIFY_JOBS_IN_API: 'false' });
  const ids = await seedSpecimens(t.database.db, seeds);
  const clients = new Map<string, Client>();
  for (const username of Object.keys(PORTS_SEEN_BY)) clients.set(username, await as(t, username));
  return { t, ids, clients };
}
