import { Type, type Static, type TString } from 'typebox';
import taxonomyJson from './taxonomy.json' with { type: 'json' };
import { DataProblems, schemaProblems } from './validation.js';

export const GROUPS = ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'] as const;
export type Group = (typeof GROUPS)[number];

/** Broadest first: a parent's rank always comes before its child's. `not_vector` alone has rank `none`. */
export const RANKS = ['order', 'family', 'genus', 'species', 'none'] as const;
export type Rank = (typeof RANKS)[number];

const NonEmpty = Type.String({ minLength: 1 });

const DiseaseNameSchema = Type.Object({ nameZh: NonEmpty, nameEn: NonEmpty }, { additionalProperties: false });

const TaxonEntrySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'Scientific name, or `not_vector`' }),
    rank: Type.Enum(RANKS),
    parent: Type.Union([NonEmpty, Type.Null()]),
    group: Type.Enum(GROUPS),
    nameZh: NonEmpty,
    nameEn: NonEmpty,
    watchList: Type.Boolean({ description: 'Port-relevant invasive taxon, watched for even where no training data names it' }),
    synonyms: Type.Optional(
      Type.Array(NonEmpty, { description: 'Other scientific names and common names in either language, for search' }),
    ),
    diseases: Type.Optional(Type.Array(NonEmpty, { description: 'Keys of `diseases`: what it carries' })),
  },
  { additionalProperties: false },
);

const TaxonomySchema = Type.Object(
  {
    groupTaxa: Type.Object(Object.fromEntries(GROUPS.map((group) => [group, NonEmpty])) as Record<Group, TString>, {
      additionalProperties: false,
      description: "Per group, the parentless taxon that labels an image its source names only by group (the group model's label)",
    }),
    diseases: Type.Record(Type.String({ pattern: '^[a-z][a-z_]*$' }), DiseaseNameSchema, {
      description: 'Every disease a taxon names, once, by key',
    }),
    taxa: Type.Array(TaxonEntrySchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type DiseaseName = Static<typeof DiseaseNameSchema>;

/** A taxon as the file lists it, with its synonyms and the names of the diseases it carries filled in. */
export type Taxon = Omit<Static<typeof TaxonEntrySchema>, 'synonyms' | 'diseases'> & {
  synonyms: readonly string[];
  diseases: readonly DiseaseName[];
};

export class Taxonomy {
  readonly #byId: ReadonlyMap<string, Taxon>;

  /** Use `parseTaxonomy`, which checks the tree this class relies on. */
  constructor(
    readonly taxa: readonly Taxon[],
    private readonly groupTaxa: Readonly<Record<Group, string>>,
  ) {
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

  /**
   * The taxon that labels an image its source names only by group (`Culicidae` for a mosquito). A group may have more
   * than one root — the rodent group holds the house shrew (order Eulipotyphla) beside the rodents — so the file names it.
   */
  groupTaxon(group: Group): Taxon {
    return this.#byId.get(this.groupTaxa[group])!;
  }

  watchList(): Taxon[] {
    return this.taxa.filter((taxon) => taxon.watchList);
  }
}

export function parseTaxonomy(value: unknown, subject = 'taxonomy'): Taxonomy {
  const shapeProblems = schemaProblems(TaxonomySchema, value);
  if (shapeProblems.length > 0) throw new DataProblems(subject, shapeProblems);
  const { groupTaxa, diseases, taxa } = value as Static<typeof TaxonomySchema>;
  const problems: string[] = [];
  const byId = new Map<string, Static<typeof TaxonEntrySchema>>();
  for (const taxon of taxa) {
    if (byId.has(taxon.id)) problems.push(`${taxon.id}: listed twice`);
    byId.set(taxon.id, taxon);
  }
  for (const taxon of taxa) {
    problems.push(...listProblems(taxon, byId, diseases));
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
  for (const group of GROUPS) {
    const taxon = byId.get(groupTaxa[group]);
    if (!taxon) problems.push(`groupTaxa.${group}: ${groupTaxa[group]} is not in the taxonomy`);
    else if (taxon.group !== group || taxon.parent !== null)
      problems.push(`groupTaxa.${group}: ${taxon.id} is not a parentless taxon of the group ${group}`);
  }
  if (problems.length > 0) throw new DataProblems(subject, problems);
  return new Taxonomy(
    taxa.map(({ synonyms = [], diseases: carried = [], ...taxon }) => ({
      ...taxon,
      synonyms,
      diseases: carried.map((key) => diseases[key]!),
    })),
    groupTaxa,
  );
}

/** A synonym that is another taxon's id would make a search answer the wrong taxon first. */
function listProblems(
  taxon: Static<typeof TaxonEntrySchema>,
  byId: ReadonlyMap<string, unknown>,
  diseases: Readonly<Record<string, DiseaseName>>,
): string[] {
  const problems: string[] = [];
  const synonyms = taxon.synonyms ?? [];
  for (const synonym of synonyms) if (byId.has(synonym)) problems.push(`${taxon.id}: synonym ${synonym} is a taxon of its own`);
  if (new Set(synonyms).size !== synonyms.length) problems.push(`${taxon.id}: a synonym is listed twice`);
  const carried = taxon.diseases ?? [];
  for (const key of carried) if (!Object.hasOwn(diseases, key)) problems.push(`${taxon.id}: disease ${key} is not in diseases`);
  if (new Set(carried).size !== carried.length) problems.push(`${taxon.id}: a disease is listed twice`);
  return problems;
}

/** The checked-in vocabulary every dataset, model and API answer uses (ADR 0005). */
export const taxonomy: Taxonomy = parseTaxonomy(taxonomyJson, 'datasets/taxonomy.json');
