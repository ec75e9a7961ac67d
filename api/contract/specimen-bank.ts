import { Type, type Static } from 'typebox';
import { RoomEventRecord } from '../../rtc/protocol.js';
import { LIFE_STAGES, SEXES, TAXON_RANKS, TEACHING_MARKS, VECTOR_GROUPS } from '../domain/vocabulary.js';
import { DateTime, errorResponses, Items, Nullable, Page, pageQuery, PersonRef, Uuid } from './common.js';
import { endpoint } from './endpoint.js';
import { PortRef, SpecimenImage } from './specimens.js';
import { Taxon, TaxonId } from './taxa.js';

/** A taxon named in the bank: enough to show it in either language and link to its entry. */
export const BankTaxonRef = Type.Object(
  {
    id: TaxonId,
    rank: Type.Enum(TAXON_RANKS),
    group: Type.Enum(VECTOR_GROUPS),
    nameZh: Type.String(),
    nameEn: Type.String(),
    watchList: Type.Boolean(),
  },
  { title: 'BankTaxonRef' },
);

export const BankTaxon = Type.Object(
  {
    taxon: BankTaxonRef,
    specimens: Type.Integer({ minimum: 0, description: 'Confirmed specimens of it the caller may see' }),
    examples: Type.Integer({ minimum: 0, description: 'Of those, the ones experts marked as teaching examples' }),
  },
  { title: 'BankTaxon' },
);

export const BankTaxaQuery = Type.Object(
  {
    group: Type.Optional(Type.Enum(VECTOR_GROUPS)),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a scientific, Chinese or English name or synonym' })),
  },
  { additionalProperties: false },
);

/** What an expert said of a specimen when naming it the taxon it was confirmed as (in review or in a consultation). */
export const ExpertNote = Type.Object({ author: PersonRef, notes: Type.String(), at: DateTime }, { title: 'ExpertNote' });

export const SpecimenTeachingMark = Type.Object(
  {
    mark: Type.Enum(TEACHING_MARKS, {
      description: '`example`: shown first and preferred for questions; `hidden`: kept from trainees and staff',
    }),
    note: Nullable(Type.String()),
    markedBy: PersonRef,
    markedAt: DateTime,
  },
  { title: 'SpecimenTeachingMark' },
);

/** A photo of the specimen shared as the still of a consultation about it, with the marks left on it. */
export const ConsultationStill = Type.Object(
  {
    roomId: Uuid,
    roomTitle: Type.String(),
    image: SpecimenImage,
    sharedBy: Type.String({ description: 'Display name of who shared it' }),
    sharedAt: DateTime,
    annotations: Type.Array(RoomEventRecord, {
      description: '`annotation` events drawn on it, oldest first, since its last clear (image-relative coordinates, 0–1)',
    }),
  },
  { title: 'ConsultationStill' },
);

export const BankSpecimen = Type.Object(
  {
    id: Uuid,
    port: PortRef,
    collectedAt: DateTime,
    confirmedAt: DateTime,
    lifeStage: Nullable(Type.Enum(LIFE_STAGES)),
    sex: Nullable(Type.Enum(SEXES)),
    images: Type.Array(SpecimenImage),
    expertNotes: Type.Array(ExpertNote, { description: 'Oldest first' }),
    mark: Nullable(SpecimenTeachingMark, { description: 'Hidden specimens reach experts and administrators only' }),
    stills: Type.Array(ConsultationStill, { description: 'Oldest first' }),
  },
  { title: 'BankSpecimen' },
);

export const BankLookAlike = Type.Object(
  {
    taxon: BankTaxonRef,
    confusions: Type.Integer({ minimum: 0, description: 'Times the two were confused: the AI against experts, wrong answers' }),
    sibling: Type.Boolean({ description: 'Under the same parent at the same rank' }),
    specimens: Type.Integer({ minimum: 0, description: 'Its confirmed specimens the caller may see' }),
    photos: Type.Array(Type.Object({ specimenId: Uuid, image: SpecimenImage }), {
      description: 'A few photos of its teaching specimens in scope, examples first',
    }),
  },
  { title: 'BankLookAlike' },
);

export const BankEntry = Type.Object(
  {
    taxon: Taxon,
    specimens: Page(BankSpecimen),
    lookAlikes: Type.Array(BankLookAlike, { description: 'The most confused first, then siblings' }),
  },
  { title: 'BankEntry' },
);

export const BankEntryQuery = Type.Object({ ...pageQuery(50, 12) }, { additionalProperties: false });

export const TeachingMarkBody = Type.Object(
  {
    mark: Type.Enum(TEACHING_MARKS),
    note: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'Why: what it teaches, or what is wrong with it' }))),
  },
  { title: 'TeachingMarkBody', additionalProperties: false },
);

const markDescription =
  'Experts and administrators whose scope holds the specimen; confirmed specimens only (422 `specimen_not_confirmed`). ' +
  "Audited. A specimen outside the caller's scope answers 404 like a missing one.";

export const specimenBankEndpoints = {
  listBankTaxa: endpoint({
    method: 'GET',
    url: '/api/v1/bank/taxa',
    schema: {
      operationId: 'listBankTaxa',
      tags: ['specimen bank'],
      summary: "The taxa with confirmed specimens in the caller's scope, in taxonomic order, with counts",
      querystring: BankTaxaQuery,
      response: { 200: Items(BankTaxon), ...errorResponses(400, 401) },
    },
  }),
  getBankEntry: endpoint({
    method: 'GET',
    url: '/api/v1/bank/taxa/:id',
    schema: {
      operationId: 'getBankEntry',
      tags: ['specimen bank'],
      summary: "One taxon's reference entry: its confirmed specimens in scope (examples first, newest next) and its look-alikes",
      description:
        "Each specimen comes with its photos, the confirming experts' notes, its teaching mark and the annotated stills of " +
        'consultations about it. Hidden specimens are left out for trainees and staff. 404 for a taxon the taxonomy does not know.',
      params: Type.Object({ id: TaxonId }),
      querystring: BankEntryQuery,
      response: { 200: BankEntry, ...errorResponses(400, 401, 404) },
    },
  }),
  markBankSpecimen: endpoint({
    method: 'PUT',
    url: '/api/v1/bank/specimens/:id/mark',
    schema: {
      operationId: 'markBankSpecimen',
      tags: ['specimen bank'],
      summary: 'Mark a confirmed specimen as a teaching example, or hide a poor one',
      description: markDescription,
      params: Type.Object({ id: Uuid }),
      body: TeachingMarkBody,
      response: { 200: SpecimenTeachingMark, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
  clearBankSpecimenMark: endpoint({
    method: 'DELETE',
    url: '/api/v1/bank/specimens/:id/mark',
    schema: {
      operationId: 'clearBankSpecimenMark',
      tags: ['specimen bank'],
      summary: "Clear a specimen's teaching mark",
      description: markDescription,
      params: Type.Object({ id: Uuid }),
      response: { 204: Type.Null({ description: 'Unmarked' }), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }),
};

export type BankTaxonRef = Static<typeof BankTaxonRef>;
export type BankTaxon = Static<typeof BankTaxon>;
export type BankTaxaQuery = Static<typeof BankTaxaQuery>;
export type ExpertNote = Static<typeof ExpertNote>;
export type SpecimenTeachingMark = Static<typeof SpecimenTeachingMark>;
export type ConsultationStill = Static<typeof ConsultationStill>;
export type BankSpecimen = Static<typeof BankSpecimen>;
export type BankLookAlike = Static<typeof BankLookAlike>;
export type BankEntry = Static<typeof BankEntry>;
export type BankEntryQuery = Static<typeof BankEntryQuery>;
export type TeachingMarkBody = Static<typeof TeachingMarkBody>;
