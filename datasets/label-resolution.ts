import { MANIFEST_LIFE_STAGES, type ManifestLifeStage } from './manifest.js';
import { GROUPS, type Group, type Taxonomy } from './taxonomy.js';

export interface Label {
  group: Group;
  lifeStage: ManifestLifeStage | null;
  taxon: string;
}

export interface RawLabel {
  group: string;
  /** Empty or null: not known. */
  lifeStage: string | null;
  /** Empty or null: the source names nothing below the group. */
  taxon: string | null;
}

/**
 * Checks a source's label against the taxonomy. A missing taxon becomes the group's own taxon (the file's `groupTaxa`:
 * a mosquito of unknown genus is `Culicidae`, an unnamed rodent `Rodentia`, a non-vector `not_vector`), so every image
 * has one. Returns the label, or why it is not one.
 */
export function resolveLabel(raw: RawLabel, taxonomy: Taxonomy): { label: Label } | { problem: string } {
  const group = GROUPS.find((candidate) => candidate === raw.group);
  if (!group) return { problem: `group ${JSON.stringify(raw.group)} is not one of ${GROUPS.join(', ')}` };
  const lifeStage = raw.lifeStage ? MANIFEST_LIFE_STAGES.find((stage) => stage === raw.lifeStage) : null;
  if (lifeStage === undefined)
    return { problem: `life stage ${JSON.stringify(raw.lifeStage)} is not one of ${MANIFEST_LIFE_STAGES.join(', ')} (or empty)` };
  const taxon = raw.taxon ? taxonomy.get(raw.taxon) : taxonomy.groupTaxon(group);
  if (!taxon) return { problem: `taxon ${JSON.stringify(raw.taxon)} is not in the taxonomy` };
  if (taxon.group !== group) return { problem: `taxon ${taxon.id} is a ${taxon.group}, not a ${group}` };
  return { label: { group, lifeStage, taxon: taxon.id } };
}
