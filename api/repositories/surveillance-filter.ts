import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../domain/access.js';
import type { Database } from '../db/schema.js';
import {
  CONFIDENCE_BAND_FLOORS,
  CONFIDENCE_BANDS,
  type ConfidenceBand,
  type IdentificationSource,
  type SiteType,
  type SpecimenStatus,
  type TrapMethod,
  type TriageQueue,
  type VectorGroup,
} from '../domain/vocabulary.js';
import { escapeLike, unitInScope } from './scope-filter.js';

/**
 * The surveillance filters (contract `SurveillanceFilters`) as the repositories apply them, with names already
 * resolved: the taxon to its lineage, the district to its unit path.
 */
export interface SurveillanceFilter {
  /** The lineage path of a taxon: specimens of it and of everything below it. */
  taxonLineage?: string | undefined;
  group?: VectorGroup | undefined;
  portCode?: string | undefined;
  /** The unit path of a district: specimens of its ports. */
  districtPath?: string | undefined;
  siteType?: SiteType | undefined;
  trapMethod?: TrapMethod | undefined;
  status?: SpecimenStatus | undefined;
  collectedFrom?: Date | undefined;
  collectedTo?: Date | undefined;
  confidence?: ConfidenceBand | undefined;
  queue?: TriageQueue | undefined;
  identifiedBy?: IdentificationSource | undefined;
  createdBy?: string | undefined;
}

/** The upper bound of a confidence band (exclusive): the floor of the band above it. */
function ceilingOf(band: ConfidenceBand): number | undefined {
  const above = CONFIDENCE_BANDS[CONFIDENCE_BANDS.indexOf(band) - 1];
  return above && CONFIDENCE_BAND_FLOORS[above];
}

/** True for specimens matching every filter that is set; in a query that selects from `specimens`. */
export function matchesSurveillanceFilter(eb: ExpressionBuilder<Database, 'specimens'>, filter: SurveillanceFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.taxonLineage !== undefined) {
    conditions.push(
      eb(
        'specimens.taxon_id',
        'in',
        eb
          .selectFrom('taxa')
          .select('taxa.id')
          .where('taxa.lineage', 'like', escapeLike(filter.taxonLineage) + '%'),
      ),
    );
  }
  if (filter.districtPath !== undefined) {
    conditions.push(
      eb(
        'specimens.unit_id',
        'in',
        eb
          .selectFrom('units')
          .select('units.id')
          .where('units.path', 'like', escapeLike(filter.districtPath) + '%'),
      ),
    );
  }
  if (filter.portCode !== undefined) {
    conditions.push(eb('specimens.port_id', 'in', eb.selectFrom('ports').select('ports.id').where('ports.code', '=', filter.portCode)));
  }
  if (filter.group !== undefined) conditions.push(eb('specimens.taxon_group', '=', filter.group));
  if (filter.siteType !== undefined) conditions.push(eb('specimens.site_type', '=', filter.siteType));
  if (filter.trapMethod !== undefined) conditions.push(eb('specimens.trap_method', '=', filter.trapMethod));
  if (filter.status !== undefined) conditions.push(eb('specimens.status', '=', filter.status));
  if (filter.collectedFrom !== undefined) conditions.push(eb('specimens.collected_at', '>=', filter.collectedFrom));
  if (filter.collectedTo !== undefined) conditions.push(eb('specimens.collected_at', '<=', filter.collectedTo));
  if (filter.queue !== undefined) conditions.push(eb('specimens.triage_queue', '=', filter.queue));
  if (filter.identifiedBy !== undefined) conditions.push(eb('specimens.identified_by', '=', filter.identifiedBy));
  if (filter.createdBy !== undefined) conditions.push(eb('specimens.created_by', '=', filter.createdBy));
  if (filter.confidence !== undefined) {
    conditions.push(eb('specimens.ai_confidence', '>=', CONFIDENCE_BAND_FLOORS[filter.confidence]));
    const ceiling = ceilingOf(filter.confidence);
    if (ceiling !== undefined) conditions.push(eb('specimens.ai_confidence', '<', ceiling));
  }
  return conditions.length > 0 ? eb.and(conditions) : sql<SqlBool>`true`;
}

/** In the caller's scope and matching the filters; for a query over `specimens` or a rollup aliased `specimens`. */
export function specimenInScopeMatching(scope: Scope, filter: SurveillanceFilter): Expression<SqlBool> {
  const eb = expressionBuilder<Database, 'specimens'>();
  return eb.and([unitInScope(eb, eb.ref('specimens.unit_id'), scope), matchesSurveillanceFilter(eb, filter)]);
}
