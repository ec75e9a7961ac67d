import { describe, expect, it } from 'vitest';
import { GROUPS, RANKS } from '../../datasets/taxonomy.js';
import { TAXON_RANKS, VECTOR_GROUPS } from '../../api/domain/vocabulary.js';

describe('the domain vocabulary', () => {
  it('names the same vector groups as the training taxonomy the models are built from', () => {
    expect([...VECTOR_GROUPS]).toEqual([...GROUPS]);
  });

  it('names the same taxonomic ranks, broadest first, as the training taxonomy', () => {
    expect([...TAXON_RANKS]).toEqual([...RANKS]);
  });
});
