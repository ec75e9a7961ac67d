import type { SurveillanceFilters } from '../contract/index.js';
import { badRequest, unprocessable } from '../domain/errors.js';
import { lineagePath } from '../domain/taxon.js';
import type { OrganisationRepository } from '../repositories/organisation.repository.js';
import type { SurveillanceFilter } from '../repositories/surveillance-filter.js';
import type { TaxonRepository } from '../repositories/taxon.repository.js';

/**
 * Turns the surveillance filters of a request into what the repositories apply, refusing what names nothing: a taxon
 * the taxonomy lacks (422 `unknown_taxon`), a code that is no district (422 `unknown_district`), `from` after `to`
 * (400 `invalid_date_range`). Scope is not decided here: every repository query applies the caller's own.
 */
export class SurveillanceFilterResolver {
  constructor(
    private readonly taxa: Pick<TaxonRepository, 'get'>,
    private readonly organisation: Pick<OrganisationRepository, 'findUnitByCode'>,
  ) {}

  async resolve(filters: SurveillanceFilters): Promise<SurveillanceFilter> {
    const { taxon, district, from, to, ...plain } = filters;
    const collectedFrom = from === undefined ? undefined : new Date(from);
    const collectedTo = to === undefined ? undefined : new Date(to);
    if (collectedFrom && collectedTo && collectedFrom > collectedTo) throw badRequest('invalid_date_range', '"from" is after "to"');
    return {
      ...plain,
      collectedFrom,
      collectedTo,
      taxonLineage: await this.lineageOf(taxon),
      districtPath: await this.districtPathOf(district),
    };
  }

  private async lineageOf(taxon: string | undefined): Promise<string | undefined> {
    if (taxon === undefined) return undefined;
    const record = await this.taxa.get(taxon);
    if (!record) throw unprocessable('unknown_taxon', `The taxonomy has no taxon "${taxon}"`, { taxon });
    return lineagePath(record.lineage);
  }

  private async districtPathOf(code: string | undefined): Promise<string | undefined> {
    if (code === undefined) return undefined;
    const unit = await this.organisation.findUnitByCode(code);
    if (!unit || unit.level !== 'district')
      throw unprocessable('unknown_district', `No district has the code "${code}"`, { district: code });
    return unit.path;
  }
}
