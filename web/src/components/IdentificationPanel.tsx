import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  IdentificationTimings,
  ImageAnswer,
  LifeStage,
  SpecimenIdentification,
  SpecimenImage,
  TaxonProbability,
  VectorGroup,
} from '@contract';
import { useEnumLabel } from '../enums';
import { formatDateTime } from '../format';
import { useLanguage, localeFor, type Language } from '../i18n';
import { formatPercent, NOT_VECTOR_TAXON, percentValue } from '../identification';
import { CommittedLevel, LevelTag } from './CommittedLevel';
import { TaxonName } from './TaxonName';

interface Props {
  identification: SpecimenIdentification | null;
  /** The specimen's photos, to show a small thumbnail next to each per-photo answer. */
  images: readonly SpecimenImage[];
}

/**
 * "Mosquito · Adult": the group and life stage in the UI language (values a newer server adds show as themselves);
 * empty where the taxon already says it all (not a vector).
 */
function useGroupAndStage(): (group: string | null, lifeStage: string | null, taxon: string | null) => string {
  const enumLabel = useEnumLabel();
  return (group, lifeStage, taxon) =>
    [
      group && taxon !== NOT_VECTOR_TAXON ? enumLabel('group', group as VectorGroup) : null,
      lifeStage ? enumLabel('lifeStage', lifeStage as LifeStage) : null,
    ]
      .filter(Boolean)
      .join(' · ');
}

function formatMsNumber(ms: number, lng: Language): string {
  return new Intl.NumberFormat(localeFor(lng), { maximumFractionDigits: ms < 10 ? 1 : 0 }).format(ms);
}

function TopK({ items, best, rejected }: { items: readonly TaxonProbability[]; best: string | null; rejected: boolean }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const titleId = useId();
  if (items.length === 0) return null;
  return (
    <div className="topk-block">
      <h3 className="section-title" id={titleId}>
        {t('identification.topK')}
      </h3>
      <ol className="topk" data-testid="identification-topk" aria-labelledby={titleId}>
        {items.map(({ taxon, p }) => {
          const pct = percentValue(p);
          const text = formatPercent(p, lng);
          const isBest = !rejected && taxon === best;
          return (
            <li key={taxon} className={`topk-row${isBest ? ' is-best' : ''}`} data-testid="topk-row" data-taxon={taxon} data-p={p}>
              <span className="topk-taxon">
                <TaxonName taxon={taxon} vernacular />
              </span>
              <span
                className="topk-bar"
                role="meter"
                aria-label={t('identification.probabilityOf', { taxon })}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={pct}
                aria-valuetext={text}
              >
                <span className="topk-fill" data-testid="topk-bar" data-value={pct} style={{ width: `${pct}%` }} />
              </span>
              <span className="topk-value">{text}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function Timings({ timings }: { timings: IdentificationTimings }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const ms = (value: number): string => t('identification.ms', { value: formatMsNumber(value, lng) });
  return (
    <p className="identification-timings muted small" data-testid="identification-timings">
      {t('identification.timings', {
        queue: ms(timings.queueMs),
        preprocess: ms(timings.preprocessMs),
        inference: ms(timings.inferenceMs),
        count: timings.batchImages,
      })}
    </p>
  );
}

function PerImage({ answers, images }: { answers: readonly ImageAnswer[]; images: readonly SpecimenImage[] }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const groupAndStage = useGroupAndStage();
  const titleId = useId();
  if (answers.length === 0) return null;
  return (
    <div className="identification-images">
      <h3 className="section-title" id={titleId}>
        {t('identification.images')}
      </h3>
      <div className="mini-table-wrap">
        <table className="mini-table" data-testid="identification-images" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">{t('identification.photo')}</th>
              <th scope="col">{t('identification.result')}</th>
              <th scope="col" className="num">
                {t('identification.confidence')}
              </th>
              <th scope="col">{t('identification.model')}</th>
            </tr>
          </thead>
          <tbody>
            {answers.map((answer) => {
              const index = images.findIndex((img) => img.id === answer.imageId);
              const image = index >= 0 ? images[index] : undefined;
              const label = index >= 0 ? t('identification.photoN', { n: index + 1 }) : t('identification.photo');
              const failed = 'error' in answer;
              return (
                <tr
                  key={answer.imageId}
                  data-testid="identification-image-row"
                  data-image-id={answer.imageId}
                  data-status={failed ? 'failed' : 'done'}
                >
                  <td>
                    <span className="mini-photo">
                      {image ? (
                        <img src={image.thumbnailUrl} alt="" loading="lazy" className="mini-thumb" />
                      ) : (
                        <span className="mini-thumb" aria-hidden="true" />
                      )}
                      <span title={image?.originalFilename ?? undefined}>{label}</span>
                    </span>
                  </td>
                  {failed ? (
                    <td colSpan={3} className="identification-image-error" data-testid="identification-image-error">
                      {t('identification.imageFailed', { error: answer.error })}
                    </td>
                  ) : (
                    <>
                      <td>
                        <TaxonName taxon={answer.taxon} rejected={answer.rejected} short /> <LevelTag answer={answer} />
                        {groupAndStage(answer.group, answer.lifeStage, answer.taxon) && (
                          <div className="muted small">{groupAndStage(answer.group, answer.lifeStage, answer.taxon)}</div>
                        )}
                      </td>
                      <td className="num">{formatPercent(answer.confidence, lng)}</td>
                      <td>
                        <code className="small">{answer.model}</code>
                      </td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The automatic identification of a specimen: pending, its answer, or why it failed. Re-renders as pushes arrive. */
export function IdentificationPanel({ identification, images }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const groupAndStage = useGroupAndStage();
  const titleId = useId();
  const status = identification?.status ?? 'none';

  let body;
  if (!identification) {
    body = (
      <p className="muted" data-testid="identification-none">
        {t('identification.none')}
      </p>
    );
  } else if (identification.status === 'pending') {
    body = (
      <div className="identification-pending" data-testid="identification-pending">
        <span className="spinner" aria-hidden="true" />
        <div>
          <p className="identification-pending-title">{t('identification.pending')}</p>
          <p className="muted small">{t('identification.pendingHint')}</p>
          <p className="muted small">{t('identification.requestedAt', { time: formatDateTime(identification.requestedAt, lng) })}</p>
        </div>
      </div>
    );
  } else if (identification.status === 'failed') {
    body = (
      <>
        <div className="alert alert-error" data-testid="identification-failed">
          <p className="alert-message">{t('identification.failed')}</p>
          {identification.error && <p className="identification-error">{identification.error}</p>}
        </div>
        <PerImage answers={identification.images} images={images} />
      </>
    );
  } else {
    const { taxon, rejected, confidence, model, models, timings } = identification;
    const others = models.filter((m) => m !== model);
    const groupStage = groupAndStage(identification.group, identification.lifeStage, taxon);
    body = (
      <>
        <div className="identification-summary">
          <div className="identification-answer">
            <div className="identification-taxon" data-testid="identification-taxon">
              <TaxonName taxon={taxon ?? 'unknown'} rejected={rejected === true} vernacular />
            </div>
            <CommittedLevel answer={identification} />
            {groupStage && (
              <div className="identification-group" data-testid="identification-group">
                <span className="muted">{t('identification.group')}</span> {groupStage}
              </div>
            )}
            {rejected && <p className="field-warning">{t('identification.rejectedHint')}</p>}
          </div>
          {confidence !== null && (
            <div className="identification-confidence" title={t('identification.confidenceHint')}>
              <span className="identification-confidence-value" data-testid="identification-confidence">
                {formatPercent(confidence, lng)}
              </span>
              <span className="muted small">{t('identification.confidence')}</span>
            </div>
          )}
        </div>

        <TopK items={identification.topK} best={taxon} rejected={rejected === true} />

        <dl className="dl identification-meta">
          <div className="dl-row">
            <dt>{t('identification.model')}</dt>
            <dd>
              {model ? <code data-testid="identification-model">{model}</code> : t('common.none')}
              {others.length > 0 && (
                <div className="muted small" data-testid="identification-models">
                  {t('identification.models')}{' '}
                  {others.map((m, i) => (
                    <span key={m}>
                      {i > 0 && ', '}
                      <code>{m}</code>
                    </span>
                  ))}
                </div>
              )}
            </dd>
          </div>
        </dl>

        <PerImage answers={identification.images} images={images} />
        {timings && <Timings timings={timings} />}
      </>
    );
  }

  return (
    <section
      className="card identification"
      data-testid="identification"
      data-status={status}
      aria-labelledby={titleId}
      aria-busy={status === 'pending'}
    >
      <div className="identification-head">
        <h2 className="card-title" id={titleId}>
          {t('identification.title')}
        </h2>
        {identification?.completedAt && (
          <span className="muted small">{t('identification.completedAt', { time: formatDateTime(identification.completedAt, lng) })}</span>
        )}
      </div>
      <div aria-live="polite">{body}</div>
    </section>
  );
}
