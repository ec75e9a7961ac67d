import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { TaxonId } from '../../api/contract/taxa.js';
import { GROUPS, parseTaxonomy, taxonomy } from '../../datasets/taxonomy.js';
import { DataProblems } from '../../datasets/validation.js';

const SPECIES_IN_SHARED_DATA = [
  'Aedes cinereus',
  'Aedes excrucians',
  'Aedes melanimon',
  'Aedes pullatus',
  'Aedes japonicus',
  'Aedes koreicus',
  'Armigeres subalbatus',
  'Culex pipiens',
  'Hyalomma dromedarii',
  'Hyalomma excavatum',
  'Hyalomma impeltatum',
  'Hyalomma scupense',
  'Culex restuans',
  'Culex tarsalis',
  'Culiseta inornata',
  'Amblyomma americanum',
  'Dermacentor variabilis',
  'Ixodes scapularis',
];
const PORT_VECTORS = [
  'Aedes aegypti',
  'Aedes albopictus',
  'Culex quinquefasciatus',
  'Culex pipiens',
  'Culex tritaeniorhynchus',
  'Anopheles sinensis',
  'Anopheles minimus',
  'Anopheles dirus',
  'Anopheles anthropophagus',
  'Ixodes persulcatus',
  'Dermacentor silvarum',
  'Amblyomma americanum',
  'Rhipicephalus microplus',
  'Hyalomma asiaticum',
  'Haemaphysalis longicornis',
  'Rattus norvegicus',
  'Rattus rattus',
  'Mus musculus',
  'Suncus murinus',
  'Xenopsylla cheopis',
  'Pulex irritans',
  'Ctenocephalides felis',
  'Periplaneta americana',
  'Blattella germanica',
  'Musca domestica',
  'Chrysomya megacephala',
];
const WATCH_LIST = [
  'Aedes aegypti',
  'Aedes albopictus',
  'Anopheles stephensi',
  'Anopheles gambiae',
  'Culex quinquefasciatus',
  'Rhipicephalus sanguineus',
  'Hyalomma marginatum',
  'Haemaphysalis longicornis',
  'Xenopsylla cheopis',
  'Rattus norvegicus',
  'Rattus rattus',
];

function problemsOf(taxa: unknown[], groupTaxa: Record<string, string> = {}, diseases: unknown = {}): readonly string[] {
  // Every group but the mosquitoes gets a root of its own, so each case sees only its own problems.
  const roots = GROUPS.filter((group) => group !== 'mosquito').map((group) => taxon(`${group} root`, 'order', null, group));
  const defaults = Object.fromEntries([['mosquito', 'Culicidae'], ...roots.map((root) => [root.group, root.id])]);
  try {
    parseTaxonomy({ groupTaxa: { ...defaults, ...groupTaxa }, diseases, taxa: [...taxa, ...roots] });
  } catch (error) {
    if (error instanceof DataProblems) return error.problems;
    throw error;
  }
  throw new Error('expected the taxonomy to be refused');
}

function taxon(id: string, rank: string, parent: string | null, group = 'mosquito') {
  return {
    id,
    rank,
    parent,
    group,
    nameZh: '测试',
    nameEn: id,
    watchList: false,
  };
}

describe('taxonomy', () => {
  it('names every species of the shared data, the port vectors and the watch list, each under its genus and group', () => {
    for (const id of [...SPECIES_IN_SHARED_DATA, ...PORT_VECTORS, ...WATCH_LIST]) {
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
    expect(
      Object.fromEntries(
        ['Culex tritaeniorhynchus', 'Anopheles anthropophagus', 'Ixodes persulcatus', 'Suncus murinus'].map((id) => [
          id,
          taxonomy.get(id)?.nameZh,
        ]),
      ),
    ).toEqual({
      'Culex tritaeniorhynchus': '三带喙库蚊',
      'Anopheles anthropophagus': '嗜人按蚊',
      'Ixodes persulcatus': '全沟硬蜱',
      'Suncus murinus': '臭鼩',
    });
  });

  it('fills in synonyms and the names of the diseases a taxon carries', () => {
    const albopictus = taxonomy.get('Aedes albopictus')!;
    expect(albopictus.synonyms).toEqual(expect.arrayContaining(['Stegomyia albopicta', '亚洲虎蚊', '花蚊子']));
    expect(albopictus.diseases).toEqual(
      expect.arrayContaining([
        { nameZh: '登革热', nameEn: 'Dengue' },
        { nameZh: '基孔肯雅热', nameEn: 'Chikungunya fever' },
        { nameZh: '寨卡病毒病', nameEn: 'Zika virus disease' },
      ]),
    );
    expect(taxonomy.get('Anopheles anthropophagus')?.synonyms).toContain('Anopheles lesteri');
    expect(taxonomy.get('Xenopsylla cheopis')?.diseases).toContainEqual({ nameZh: '鼠疫', nameEn: 'Plague' });
    expect(taxonomy.get('Culicidae')).toMatchObject({ diseases: [] });
    expect(taxonomy.get('not_vector')).toMatchObject({ synonyms: [], diseases: [] });
  });

  it('names every taxon by an id the API accepts', () => {
    for (const { id } of taxonomy.taxa) expect(Value.Check(TaxonId, id) && !id.includes('/'), id).toBe(true);
  });

  it('walks lineages and finds the taxon that stands for a whole group', () => {
    expect(taxonomy.lineage('Ixodes scapularis').map((entry) => entry.id)).toEqual(['Ixodes scapularis', 'Ixodes', 'Ixodidae', 'Ixodida']);
    expect(taxonomy.isWithin('Culex quinquefasciatus', 'Culicidae')).toBe(true);
    expect(taxonomy.isWithin('Culex quinquefasciatus', 'Aedes')).toBe(false);
    expect(GROUPS.map((group) => taxonomy.groupTaxon(group).id)).toEqual([
      'Culicidae',
      'Ixodida',
      'Rodentia',
      'Siphonaptera',
      'Blattodea',
      'Diptera',
      'not_vector',
    ]);
  });

  it('keeps the house shrew in the rodent group without calling it a rodent', () => {
    expect(taxonomy.lineage('Suncus murinus').map((entry) => entry.id)).toEqual(['Suncus murinus', 'Suncus', 'Soricidae', 'Eulipotyphla']);
    expect(taxonomy.get('Suncus murinus')?.group).toBe('rodent');
    expect(taxonomy.isWithin('Suncus murinus', 'Rodentia')).toBe(false);
    expect(taxonomy.taxa.filter((entry) => entry.group === 'rodent' && entry.parent === null).map((entry) => entry.id)).toEqual([
      'Rodentia',
      'Eulipotyphla',
    ]);
    expect(taxonomy.groupTaxon('rodent').id).toBe('Rodentia');
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

  it("refuses a group's taxon that is missing, not a root or of another group", () => {
    const tree = [taxon('Culicidae', 'family', null), taxon('Aedes', 'genus', 'Culicidae')];
    expect(problemsOf(tree, { mosquito: 'Aedes', tick: 'Culicidae', fly: 'Muscidae' })).toEqual([
      'groupTaxa.mosquito: Aedes is not a parentless taxon of the group mosquito',
      'groupTaxa.tick: Culicidae is not a parentless taxon of the group tick',
      'groupTaxa.fly: Muscidae is not in the taxonomy',
    ]);
  });

  it('refuses synonyms that are listed twice or name another taxon, and diseases it does not know', () => {
    const diseases = { dengue: { nameZh: '登革热', nameEn: 'Dengue' } };
    expect(
      problemsOf(
        [
          taxon('Culicidae', 'family', null),
          taxon('Aedes', 'genus', 'Culicidae'),
          { ...taxon('Aedes aegypti', 'species', 'Aedes'), synonyms: ['Aedes', 'Stegomyia aegypti', 'Stegomyia aegypti'] },
          { ...taxon('Aedes albopictus', 'species', 'Aedes'), diseases: ['dengue', 'dengue', 'zika'] },
        ],
        {},
        diseases,
      ),
    ).toEqual([
      'Aedes aegypti: synonym Aedes is a taxon of its own',
      'Aedes aegypti: a synonym is listed twice',
      'Aedes albopictus: disease zika is not in diseases',
      'Aedes albopictus: a disease is listed twice',
    ]);
  });
});
