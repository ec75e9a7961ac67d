import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { Page } from '../../api/contract/common.js';
import { Specimen, type Specimen as SpecimenAnswer } from '../../api/contract/specimens.js';
import { nullableForSerialization } from '../../api/http/serialization.js';

const image = {
  id: '00000000-0000-4000-8000-000000000001',
  sha256: 'a'.repeat(64),
  width: 1600,
  height: 1200,
  format: 'jpeg',
  bytes: 350_000,
  originalFilename: null,
  originalUrl: '/api/v1/images/00000000-0000-4000-8000-000000000001/original',
  thumbnailUrl: '/api/v1/images/00000000-0000-4000-8000-000000000001/thumbnail',
  qualityWarnings: [{ problem: 'blurred', value: 42.5, limit: 60 }],
} as SpecimenAnswer['images'][number];

const answer = {
  group: 'mosquito',
  lifeStage: 'adult',
  taxon: 'Aedes albopictus',
  confidence: 0.91,
  rejected: false,
  committedLevel: 'species',
  levels: { group: { taxon: 'mosquito', confidence: 0.99 }, genus: null, species: { taxon: 'Aedes albopictus', confidence: 0.91 } },
  topK: [{ taxon: 'Aedes albopictus', p: 0.91 }],
  model: 'vector-species@3',
  models: ['vector-group@2', 'vector-species@3'],
} as const;

/** Two specimens: one with every nullable part filled in, one with each of them null. */
const specimens = [
  {
    id: '00000000-0000-4000-8000-000000000002',
    unitId: '00000000-0000-4000-8000-000000000003',
    port: { id: '00000000-0000-4000-8000-000000000004', code: 'CNNGB-BL', nameZh: '北仑', nameEn: 'Beilun', type: 'sea' },
    siteType: 'container',
    locationDetail: 'MSCU 123 "quoted" \\ 集装箱',
    trapMethod: 'light_trap',
    collectedAt: '2026-05-01T00:00:00.000Z',
    collector: 'Li',
    count: 3,
    lifeStage: 'adult',
    sex: 'female',
    notes: 'line\nbreak',
    position: { latitude: 29.93, longitude: 121.856, accuracyMetres: 15 },
    status: 'confirmed',
    createdBy: { id: '00000000-0000-4000-8000-000000000005', username: 'staff.beilun', displayName: 'Beilun staff' },
    createdAt: '2026-05-01T01:00:00.000Z',
    updatedAt: '2026-05-01T02:00:00.000Z',
    images: [image],
    identification: {
      status: 'done',
      requestedAt: '2026-05-01T01:00:00.000Z',
      completedAt: '2026-05-01T01:01:00.000Z',
      error: null,
      ...answer,
      timings: { queueMs: 1, preprocessMs: 2, inferenceMs: 3, batchImages: 1 },
      images: [
        { imageId: image.id, ...answer },
        { imageId: '00000000-0000-4000-8000-000000000009', error: 'unreadable' },
      ],
    },
    identifications: [
      {
        id: '00000000-0000-4000-8000-000000000006',
        source: 'expert',
        group: 'mosquito',
        lifeStage: null,
        taxon: 'Aedes albopictus',
        confidence: 1,
        rejected: false,
        committedLevel: null,
        model: null,
        author: { id: '00000000-0000-4000-8000-000000000007', username: 'expert.ningbo', displayName: 'Expert' },
        roomId: null,
        notes: null,
        createdAt: '2026-05-01T03:00:00.000Z',
      },
    ],
    triage: {
      queue: 'review',
      reasons: [{ code: 'confidence_below', queue: 'review', detail: 'below 0.95' }],
      triagedAt: '2026-05-01T01:01:00.000Z',
    },
    review: {
      round: 1,
      reviewUnit: { id: '00000000-0000-4000-8000-000000000008', code: 'NINGBO', level: 'district', nameZh: '宁波', nameEn: 'Ningbo' },
      agreementsNeeded: 1,
      decisions: [],
    },
    detectionId: '00000000-0000-4000-8000-00000000000a',
  },
  {
    id: '00000000-0000-4000-8000-00000000000b',
    unitId: '00000000-0000-4000-8000-000000000003',
    port: { id: '00000000-0000-4000-8000-000000000004', code: 'CNNGB-BL', nameZh: '北仑', nameEn: 'Beilun', type: 'sea' },
    siteType: 'ship',
    locationDetail: null,
    trapMethod: null,
    collectedAt: '2026-05-01T00:00:00.000Z',
    collector: null,
    count: 1,
    lifeStage: null,
    sex: null,
    notes: null,
    position: null,
    status: 'submitted',
    createdBy: { id: '00000000-0000-4000-8000-000000000005', username: 'staff.beilun', displayName: 'Beilun staff' },
    createdAt: '2026-05-01T01:00:00.000Z',
    updatedAt: '2026-05-01T01:00:00.000Z',
    images: [],
    identification: null,
    identifications: [],
    triage: null,
    review: { round: 1, reviewUnit: null, agreementsNeeded: 1, decisions: [] },
    detectionId: null,
  },
] as SpecimenAnswer[];

describe('response serialization', () => {
  const schema = Page(Specimen);
  const page = { items: specimens, total: 2, limit: 50, offset: 0 };

  it('writes a page of specimens exactly as from the contract schema, without anyOf for nullable values', () => {
    const rewritten = nullableForSerialization(schema);
    expect(JSON.stringify(rewritten)).not.toMatch(/"anyOf":\[[^\]]*\{"type":"null"\}\]/);
    // The contract itself is untouched.
    expect(JSON.stringify(schema)).toContain('{"type":"null"}');
    const written = fastJsonStringify(rewritten as Schema)(page);
    expect(written).toBe(fastJsonStringify(schema as unknown as Schema)(page));
    expect(JSON.parse(written)).toEqual(page);
  });

  it('keeps unions of two schemas that are not null as they are', () => {
    const union = { anyOf: [{ type: 'string' }, { type: 'number' }] };
    expect(nullableForSerialization({ type: 'object', properties: { value: union } })).toEqual({
      type: 'object',
      properties: { value: union },
    });
    expect(nullableForSerialization({ anyOf: [{ enum: ['a', 'b'] }, { type: 'null' }], description: 'd' })).toEqual({
      enum: ['a', 'b', null],
      type: ['string', 'null'],
      description: 'd',
    });
  });
});
