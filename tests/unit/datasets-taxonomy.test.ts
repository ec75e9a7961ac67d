import { describe, expect, it } from 'vitest';
import { parseTaxonomy, taxonomy } from '../../datasets/taxonomy.js';
import { DataProblems } from '../../datasets/validation.js';

const SPECIES_IN_SHARED_DATA = [
  'Aedes cinereus',
  'Aedes excrucians',
  'Aedes melanimon',
  'Aedes pullatus',
  'Culex pipiens',
  'Culex restuans',
  'Culex tarsalis',
  'Culiseta inornata',
  'Amblyomma americanum',
  'Dermacentor variabilis',
  'Ixodes scapularis',
];
const WATCH_LIST = [
  'Aedes aegypti',
  'Aedes albopictus',
  'Anopheles stephensi',
  'Culex quinquefasciatus',
  'Rhipicephalus sanguineus',
  'Hyalomma marginatum',
  'Haemaphysalis longicornis',
  'Xenopsylla cheopis',
  'Rattus norvegicus',
  'Rattus rattus',
];

function problemsOf(taxa: unknown[]): readonly string[] {
  try {
    parseTaxonomy({ taxa });
  } catch (error) {
    if (error instanceof DataProblems) return error.problems;
    throw error;
  }
  throw new Error('expected the taxonomy to be refused');
}

const taxon = (id: string, rank: string, parent: string | null, group = 'mosquito') => ({
  id,
  rank,
  parent,
  group,
  nameZh: '测试',
  nameEn: id,
  watchList: false,
});

describe('taxonomy', () => {
  it('names every species of the shared data and the watch list, each under its genus and group', () => {
    for (const id of [...SPECIES_IN_SHARED_DATA, ...WATCH_LIST]) {
      const [species, genus] = taxonomy.lineage(id);
      expect(species?.rank, id).toBe('species');
      expect(genus?.rank, id).toBe('genus');
      expect(species?.nameZh, id).toMatch(/\p{Script=Han}/u);
    }
    expect(
      taxonomy
        .watchList()
        .map((entry) => entry.id)
        .sort(),
    ).toEqual([...WATCH_LIST].sort());
    expect(taxonomy.get('Aedes albopictus')).toMatchObject({ nameZh: '白纹伊蚊', group: 'mosquito' });
    expect(taxonomy.get('Rattus norvegicus')).toMatchObject({ nameZh: '褐家鼠', group: 'rodent' });
  });

  it('walks lineages and finds the taxon that stands for a whole group', () => {
    expect(taxonomy.lineage('Ixodes scapularis').map((entry) => entry.id)).toEqual(['Ixodes scapularis', 'Ixodes', 'Ixodidae', 'Ixodida']);
    expect(taxonomy.isWithin('Culex quinquefasciatus', 'Culicidae')).toBe(true);
    expect(taxonomy.isWithin('Culex quinquefasciatus', 'Aedes')).toBe(false);
    expect(
      ['mosquito', 'tick', 'rodent', 'flea', 'cockroach', 'fly', 'not_vector'].map((group) => taxonomy.groupTaxon(group as never)?.id),
    ).toEqual(['Culicidae', 'Ixodida', 'Rodentia', 'Siphonaptera', 'Blattodea', 'Muscidae', 'not_vector']);
  });

  it('refuses a tree that is not one', () => {
    expect(
      problemsOf([
        taxon('Culicidae', 'family', null),
        taxon('Culicidae', 'family', null),
        taxon('Aedes', 'genus', 'Culicidae', 'tick'),
        taxon('Culex', 'genus', 'Culicinae'),
        taxon('Culex pipiens', 'species', 'Culicidae'),
        taxon('Anopheles', 'family', 'Culicidae'),
      ]),
    ).toEqual([
      'Culicidae: listed twice',
      "Aedes: group tick differs from its parent's (mosquito)",
      'Culex: parent Culicinae is not in the taxonomy',
      'Culex pipiens: a species must be named "<genus> <epithet>" under its genus',
      "Anopheles: rank family is not narrower than its parent's (family)",
    ]);
    expect(problemsOf([{ ...taxon('Culicidae', 'family', null), nameZh: '', group: 'bat' }])).toEqual([
      '/taxa/0/group must be one of mosquito, tick, rodent, flea, cockroach, fly, not_vector',
      '/taxa/0/nameZh must not have fewer than 1 characters',
    ]);
  });
});
