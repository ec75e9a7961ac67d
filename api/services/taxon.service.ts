import type { Actor } from '../domain/access.js';
import type { TaxonRecord } from '../domain/taxon.js';
import { forbidden, notFound } from '../domain/errors.js';
import type { TaxonRank, VectorGroup } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { TaxonRepository } from '../repositories/taxon.repository.js';

export interface TaxonQuery {
  q?: string;
  group?: VectorGroup;
  rank?: TaxonRank;
  watchList?: boolean;
  limit: number;
}

/**
 * The curated taxa. Everyone signed in may search and read them (they belong to no unit); administrators put taxa
 * on the watch list and take them off, each change audited.
 */
export class TaxonService {
  constructor(private readonly taxa: TaxonRepository) {}

  search({ q, ...filters }: TaxonQuery): Promise<TaxonRecord[]> {
    return this.taxa.search({ ...filters, text: (q ?? '').trim().toLowerCase() });
  }

  async get(id: string): Promise<TaxonRecord> {
    const taxon = await this.taxa.get(id);
    if (!taxon) throw notFound(`Taxon ${id}`);
    return taxon;
  }

  async setWatchList(actor: Actor, id: string, watchList: boolean): Promise<TaxonRecord> {
    if (actor.role !== 'admin') throw forbidden('Only administrators change the watch list');
    const taxon = await this.taxa.setWatchList(id, watchList, actor.id, (trx, before, after) =>
      recordAudit(trx, {
        userId: actor.id,
        action: 'taxon.watch_list_changed',
        entityType: 'taxon',
        entityId: id,
        before: { watchList: before.watch_list },
        after: { watchList: after.watch_list },
      }),
    );
    if (!taxon) throw notFound(`Taxon ${id}`);
    return taxon;
  }
}
