import { Type, type Static } from 'typebox';
import taxonomyJson from './taxonomy.json' with { type: 'json' };
import { DataProblems, schemaProblems } from './validation.js';

export const GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'] as const;
export type Group = (typeof GROUPS)[number];

/** Broadest first: a parent's rank always comes before its child's. `not_vector` alone has rank `none`. */
export const RANKS = ['order', 'family', 'genus', 'species', 'none'] as const;
export type Rank = (typeof RANKS)[number];

const TaxonSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'Scientific name, or `not_vector`' }),
    rank: Type.Enum(RANKS),
    parent: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    group: Type.Enum(GROUPS),
    nameZh: Type.String({ minLength: 1 }),
    nameEn: Type.String({ minLength: 1 }),
    watchList: Type.Boolean({ description: 'Port-relevant invasive taxon, watched for even where no training data names it' }),
  },
  { additionalProperties: false },
);
const TaxonomySchema = Type.Object({ taxa: Type.Array(TaxonSchema, { minItems: 1 }) }, { additionalProperties: false });

export type Taxon = Static<typeof TaxonSchema>;

export class Taxonomy {
  readonly #byId: ReadonlyMap<string, Taxon>;

  /** Use `parseTaxonomy`, which checks the tree this class relies on. */
  constructor(readonly taxa: readonly Taxon[]) {
    this.#byId = new Map(taxa.map((taxon) => [taxon.id, taxon]));
  }

  get(id: string): Taxon | undefined {
    return this.#byId.get(id);
  }

  /** The taxon and its ancestors, narrowest first. */
  lineage(id: string): Taxon[] {
    const chain: Taxon[] = [];
    let taxon = this.#byId.get(id);
    while (taxon) {
      chain.push(taxon);
      taxon = taxon.parent === null ? undefined : this.#byId.get(taxon.parent);
    }
    return chain;
  }

  isWithin(id: string, ancestorId: string): boolean {
    return this.lineage(id).some((taxon) => taxon.id === ancestorId);
  }

  /** The one parentless taxon of a group (`Culicidae` for mosquitoes): the label of an image its source names no further. */
  groupTaxon(group: Group): Taxon | undefined {
    const roots = this.taxa.filter((taxon) => taxon.group === group && taxon.parent === null);
    return roots.length === 1 ? roots[0] : undefined;
  }

  watchList(): Taxon[] {
    return this.taxa.filter((taxon) => taxon.watchList);
  }
}

export function parseTaxonomy(value: unknown, subject = 'taxonomy'): Taxonomy {
  const shapeProblems = schemaProblems(TaxonomySchema, value);
  if (shapeProblems.length > 0) throw new DataProblems(subject, shapeProblems);
  const { taxa } = value as Static<typeof TaxonomySchema>;
  const problems: string[] = [];
  const byId = new Map<string, Taxon>();
  for (const taxon of taxa) {
    if (byId.has(taxon.id)) problems.push(`${taxon.id}: listed twice`);
    byId.set(taxon.id, taxon);
  }
  for (const taxon of taxa) {
    if (taxon.parent === null) continue;
    const parent = byId.get(taxon.parent);
    if (!parent) {
      problems.push(`${taxon.id}: parent ${taxon.parent} is not in the taxonomy`);
      continue;
    }
    if (parent.group !== taxon.group) problems.push(`${taxon.id}: group ${taxon.group} differs from its parent's (${parent.group})`);
    // Ranks must narrow from parent to child; this also rules out cycles.
    if (RANKS.indexOf(parent.rank) >= RANKS.indexOf(taxon.rank))
      problems.push(`${taxon.id}: rank ${taxon.rank} is not narrower than its parent's (${parent.rank})`);
    if (taxon.rank === 'species' && (parent.rank !== 'genus' || !taxon.id.startsWith(`${parent.id} `))) {
      problems.push(`${taxon.id}: a species must be named "<genus> <epithet>" under its genus`);
    }
  }
  if (problems.length > 0) throw new DataProblems(subject, problems);
  return new Taxonomy(taxa);
}

/** The checked-in vocabulary every dataset, model and API answer uses (ADR 0005). */
export const taxonomy: Taxonomy = parseTaxonomy(taxonomyJson, 'datasets/taxonomy.json');
