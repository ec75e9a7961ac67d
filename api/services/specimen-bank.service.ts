import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { scopeOf, type Actor, type Scope } from '../domain/access.js';
import { forbidden, notFound, unprocessable } from '../domain/errors.js';
import type { LookAlike } from '../domain/look-alike.js';
import {
  marksTeachingSpecimens,
  type BankSpecimenRecord,
  type BankTaxonRecord,
  type BankTaxonRefRecord,
  type TeachingMarkRecord,
  type TeachingSpecimen,
} from '../domain/specimen-bank.js';
import type { TaxonRecord } from '../domain/taxon.js';
import type { TeachingMark, VectorGroup } from '../domain/vocabulary.js';
import { recordAudit } from '../repositories/audit.repository.js';
import type { LookAlikeRepository } from '../repositories/look-alike.repository.js';
import type { SpecimenBankRepository } from '../repositories/specimen-bank.repository.js';
import type { SpecimenRepository } from '../repositories/specimen.repository.js';
import type { TaxonRepository } from '../repositories/taxon.repository.js';
import type { Transactions } from '../repositories/transactions.js';

/** Look-alikes shown beside a taxon's entry. */
const LOOK_ALIKES_SHOWN = 6;
/** Photos shown of each look-alike. */
const LOOK_ALIKE_PHOTOS = 3;

export interface BankLookAlikeRecord extends LookAlike {
  taxon: BankTaxonRefRecord;
  specimens: number;
  photos: TeachingSpecimen[];
}

export interface BankEntryRecord {
  taxon: TaxonRecord;
  specimens: { items: BankSpecimenRecord[]; total: number };
  lookAlikes: BankLookAlikeRecord[];
}

/**
 * The specimen bank (ADR 0027): confirmed specimens browsed by taxon as a reference collection, each taxon with the
 * taxa people mistake it for. Everyone signed in browses it within their scope; experts and administrators mark
 * specimens as teaching examples or hide poor ones, which trainees and staff then never see.
 */
export class SpecimenBankService {
  constructor(
    private readonly transactions: Transactions,
    private readonly bank: SpecimenBankRepository,
    private readonly specimens: SpecimenRepository,
    private readonly taxa: TaxonRepository,
    private readonly lookAlikes: LookAlikeRepository,
  ) {}

  listTaxa(actor: Actor, query: { group?: VectorGroup | undefined; q?: string | undefined }): Promise<BankTaxonRecord[]> {
    const text = query.q?.trim().toLowerCase();
    return this.bank.taxa(scopeOf(actor), { group: query.group, text, includeHidden: marksTeachingSpecimens(actor.role) });
  }

  async entry(actor: Actor, taxonId: string, page: { limit: number; offset: number }): Promise<BankEntryRecord> {
    const taxon = await this.taxa.get(taxonId);
    if (!taxon) throw notFound(`Taxon ${taxonId}`);
    const scope = scopeOf(actor);
    const includeHidden = marksTeachingSpecimens(actor.role);
    const listed = await this.bank.listings(scope, taxonId, includeHidden, page);
    const ids = listed.items.map((listing) => listing.specimenId);
    const details = new Map((await this.specimens.findManyInScope(ids, scope)).map((specimen) => [specimen.id, specimen]));
    const stills = await this.bank.stillsOf(ids);
    const items = listed.items.flatMap((listing) => {
      const specimen = details.get(listing.specimenId);
      return specimen ? [{ specimen, listing, stills: stills.get(listing.specimenId) ?? [] }] : [];
    });
    return {
      taxon,
      specimens: { items, total: listed.total },
      lookAlikes: await this.lookAlikesOf(scope, taxonId, includeHidden),
    };
  }

  async mark(
    actor: Actor,
    specimenId: string,
    body: { mark: TeachingMark; note?: string | null | undefined },
  ): Promise<TeachingMarkRecord> {
    requireMarker(actor);
    const note = body.note?.trim() || null;
    return this.transactions.run(async (trx) => {
      const before = await this.markableMark(trx, actor, specimenId);
      if (before && before.mark === body.mark && before.note === note) return before;
      const after = await this.bank.setMark(trx, specimenId, { mark: body.mark, note, markedBy: actor.id });
      await recordAudit(trx, {
        userId: actor.id,
        action: 'specimen.teaching_marked',
        entityType: 'specimen',
        entityId: specimenId,
        before: before && { mark: before.mark, note: before.note },
        after: { mark: after.mark, note: after.note },
      });
      return after;
    });
  }

  async clearMark(actor: Actor, specimenId: string): Promise<void> {
    requireMarker(actor);
    await this.transactions.run(async (trx) => {
      const before = await this.markableMark(trx, actor, specimenId);
      if (!before) return;
      await this.bank.clearMark(trx, specimenId);
      await recordAudit(trx, {
        userId: actor.id,
        action: 'specimen.teaching_unmarked',
        entityType: 'specimen',
        entityId: specimenId,
        before: { mark: before.mark, note: before.note },
        after: null,
      });
    });
  }

  /** The specimen's mark (null: none), once it is found in scope, locked, and confirmed. */
  private async markableMark(trx: Transaction<Database>, actor: Actor, specimenId: string): Promise<TeachingMarkRecord | null> {
    const status = await this.bank.lockInScope(trx, specimenId, scopeOf(actor));
    if (!status) throw notFound('Specimen');
    if (status !== 'confirmed')
      throw unprocessable('specimen_not_confirmed', `Only confirmed specimens teach; this one is ${status.replace('_', ' ')}`, { status });
    return this.bank.markOf(trx, specimenId);
  }

  /** The taxon's look-alikes with their names, how many of their specimens the caller sees, and a few teaching photos. */
  private async lookAlikesOf(scope: Scope, taxonId: string, includeHidden: boolean): Promise<BankLookAlikeRecord[]> {
    const found = (await this.lookAlikes.lookAlikesOf([taxonId], LOOK_ALIKES_SHOWN)).get(taxonId) ?? [];
    const ids = found.map((lookAlike) => lookAlike.taxonId);
    const refs = await this.bank.taxonRefs(ids);
    const counts = new Map((await this.bank.taxa(scope, { ids, includeHidden })).map((row) => [row.taxon.id, row.specimens]));
    const photos = await this.bank.teachingSpecimens(scope, {
      taxa: ids,
      perTaxon: LOOK_ALIKE_PHOTOS,
      limit: LOOK_ALIKE_PHOTOS * ids.length,
    });
    return found.flatMap((lookAlike) => {
      const taxon = refs.get(lookAlike.taxonId);
      if (!taxon) return [];
      const specimens = counts.get(lookAlike.taxonId) ?? 0;
      return [{ ...lookAlike, taxon, specimens, photos: photos.filter((photo) => photo.taxonId === lookAlike.taxonId) }];
    });
  }
}

function requireMarker(actor: Actor): void {
  if (!marksTeachingSpecimens(actor.role)) throw forbidden('Only experts and administrators mark teaching specimens');
}
