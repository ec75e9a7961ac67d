import { useTranslation } from 'react-i18next';
import type { SpecimenIdentification } from '@contract';
import { useLanguage } from '../i18n';
import { formatPercent } from '../identification';
import { TaxonName } from './TaxonName';

type Answer = Pick<SpecimenIdentification, 'committedLevel' | 'levels'>;
type NamedLevel = 'species' | 'genus' | 'group';

/** From the most specific level to the least. */
const LEVELS: readonly NamedLevel[] = ['species', 'genus', 'group'];

/**
 * The level the AI committed to and the next finer level it was not sure of, e.g. "AI: genus Aedes (91 %), species
 * not certain: Aedes albopictus 48 %". Nothing for answers stored before levels were recorded.
 */
export function CommittedLevel({ answer, testId = 'committed-level' }: { answer: Answer; testId?: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { committedLevel, levels } = answer;
  if (!committedLevel || !levels) return null;
  const committed = committedLevel === 'none' ? null : levels[committedLevel];
  const finer = LEVELS.slice(0, committedLevel === 'none' ? LEVELS.length : LEVELS.indexOf(committedLevel))
    .reverse()
    .find((level) => levels[level] !== null);
  const unsure = finer ? levels[finer] : null;
  return (
    <p className="committed-level" data-testid={testId} data-level={committedLevel}>
      {committed ? (
        <span className="committed-level-answer">
          {t('identification.level.committed', { level: t(`identification.level.name.${committedLevel as NamedLevel}`) })}{' '}
          <TaxonName taxon={committed.taxon} /> ({formatPercent(committed.confidence, lng)})
        </span>
      ) : (
        <span className="committed-level-answer">{t('identification.level.none')}</span>
      )}
      {finer && unsure && (
        <span className="committed-level-unsure muted" data-testid={`${testId}-unsure`} data-level={finer}>
          {' — '}
          {t('identification.level.notCertain', { level: t(`identification.level.name.${finer}`) })} <TaxonName taxon={unsure.taxon} />{' '}
          {formatPercent(unsure.confidence, lng)}
        </span>
      )}
    </p>
  );
}

/** The committed level's name alone, for a table cell ("genus"); nothing when unknown or rejected. */
export function LevelTag({ answer }: { answer: Answer }) {
  const { t } = useTranslation();
  const level = answer.committedLevel;
  if (!level || level === 'none') return null;
  return (
    <span className="id-badge-level" data-testid="identification-level" data-level={level}>
      {t(`identification.level.name.${level}`)}
    </span>
  );
}
