import { describe, expect, it } from 'vitest';
import { GROUPS } from '../../datasets/taxonomy.js';
import { VECTOR_GROUPS } from '../../api/domain/vocabulary.js';

describe('the domain vocabulary', () => {
  it('names the same vector groups as the training taxonomy the models are built from', () => {
    expect([...VECTOR_GROUPS]).toEqual([...GROUPS]);
  });
});
