import type { Taxon } from '../contract/index.js';
import type { TaxonRecord } from '../domain/taxon.js';

export function presentTaxon(taxon: TaxonRecord): Taxon {
  return { ...taxon, updatedAt: taxon.updatedAt.toISOString() };
}
