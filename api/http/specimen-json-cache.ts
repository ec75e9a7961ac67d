import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { FastifyReply } from 'fastify';
import { LRUCache } from 'lru-cache';
import { Specimen } from '../contract/index.js';
import type { SpecimenRecord } from '../domain/specimen.js';
import { presentSpecimen } from '../presenters/index.js';
import type { SpecimenRevision } from '../repositories/specimen.repository.js';
import { nullableForSerialization } from './serialization.js';

/** A page of the specimen list as its rows' revisions, with the epoch of what they name (`listRevisionsInScope`). */
export interface RevisedPage {
  items: SpecimenRevision[];
  total: number;
  referencesEpoch: string;
}

interface CachedAnswer {
  /** The specimen's revision and the references epoch, as `version` joins them. */
  version: string;
  json: Buffer;
}

/**
 * Each specimen's answer as the list writes it — presented and serialized to JSON — kept per specimen under its
 * revision (ADR 0040). A page is then one read of its rows' ids and revisions, the answers of the specimens that
 * changed since (or were never read) read whole, and the JSON put together from the kept answers: no JSON built by the
 * database, parsed, presented and serialized again for a specimen nothing has changed.
 *
 * Correct by construction: the revision comes from the same statement as the page, every change to what an answer
 * shows raises it (triggers, migration 0024), and any change to a port, unit or person — whose names answers quote —
 * raises the references epoch. A kept answer is tagged with the revision it was read at and the epoch of the page that
 * asked for it, which it is at least as new as (it was read after that page); a page takes it only when both match
 * its own. Each process keeps its own answers; none answers what its database no longer says.
 */
export class SpecimenJsonCache {
  private readonly answers: LRUCache<string, CachedAnswer>;
  private readonly serialize = fastJsonStringify(nullableForSerialization(Specimen) as Schema);

  constructor(maxBytes: number) {
    this.answers = new LRUCache({ maxSize: maxBytes, sizeCalculation: (answer, id) => answer.json.length + id.length });
  }

  /**
   * The list's answer for `page`: `Page(Specimen)` as JSON, from the kept answers and, for the rest, the records `load`
   * reads. Undefined when `load` no longer finds one of them (it left the caller's scope, or was deleted, after the
   * page was read): the caller reads the page again the ordinary way.
   */
  async pageJson(
    page: RevisedPage & { limit: number; offset: number },
    load: (ids: string[]) => Promise<SpecimenRecord[]>,
  ): Promise<Buffer | undefined> {
    const { referencesEpoch } = page;
    const answers = page.items.map(({ id, revision }) => {
      const kept = this.answers.get(id);
      return kept?.version === version(revision, referencesEpoch) ? kept.json : undefined;
    });
    const stale = page.items.filter((_, index) => answers[index] === undefined).map(({ id }) => id);
    if (stale.length > 0) {
      const loaded = new Map((await load(stale)).map((record) => [record.id, this.keep(record, referencesEpoch)]));
      if (loaded.size < stale.length) return undefined;
      // A record read now may be newer than the page's revision of it: it is kept, and written, as it was read.
      page.items.forEach(({ id }, index) => (answers[index] ??= loaded.get(id)));
    }
    const { total, limit, offset } = page;
    return Buffer.concat([
      Buffer.from('{"items":['),
      ...answers.flatMap((json, index) => (index === 0 ? [json!] : [COMMA, json!])),
      Buffer.from(`],"total":${total},"limit":${limit},"offset":${offset}}`),
    ]);
  }

  private keep(record: SpecimenRecord, referencesEpoch: string): Buffer {
    const json = Buffer.from(this.serialize(presentSpecimen(record)));
    this.answers.set(record.id, { version: version(record.revision, referencesEpoch), json });
    return json;
  }
}

/** Sends a page {@link SpecimenJsonCache.pageJson} wrote: the JSON the route's response schema describes, written already. */
export function sendPageJson(reply: FastifyReply, json: Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

function version(revision: string, referencesEpoch: string): string {
  return `${revision}@${referencesEpoch}`;
}

const COMMA = Buffer.from(',');
