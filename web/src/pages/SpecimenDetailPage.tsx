import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { specimenQuery, useWithdrawSpecimen } from '../api/queries';
import type { Specimen, SpecimenStatus } from '@contract';

/** Statuses a specimen may be withdrawn from: not yet a confirmed record, not already withdrawn. */
const WITHDRAWABLE: readonly SpecimenStatus[] = ['submitted', 'in_review', 'needs_photos'];
import { AddPhotos, NeedsPhotosBanner } from '../components/AddPhotos';
import { ErrorMessage } from '../components/ErrorMessage';
import { IdentificationPanel } from '../components/IdentificationPanel';
import { PositionText } from '../components/PositionText';
import { SpecimenReviewPanel } from '../components/ReviewState';
import { SpecimenRooms } from '../components/SpecimenRooms';
import { StatusBadge } from '../components/StatusBadge';
import { useCurrentUser } from '../current-user';
import { useEnumLabel, type EnumKind, type EnumValue } from '../enums';
import { formatBytes, formatDateTime, portName } from '../format';
import { useLanguage } from '../i18n';
import { reviewProgress } from '../review/progress';
import { Icon } from '../components/Icon';
import { QualityNote } from '../components/QualityNote';

const route = getRouteApi('/signed-in/specimens/$id');

function DetailRow({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** Experts and administrators withdraw a specimen that is not yet a record; confirmation comes from review. */
function WithdrawSpecimen({ specimen }: { specimen: Specimen }) {
  const { t } = useTranslation();
  const { mutate, isPending: saving, error } = useWithdrawSpecimen();

  return (
    <div className="status-editor">
      <button
        type="button"
        className="btn btn-secondary"
        disabled={saving}
        onClick={() => {
          if (window.confirm(t('detail.withdrawConfirm'))) mutate(specimen.id);
        }}
        data-testid="specimen-withdraw"
      >
        {saving ? t('common.saving') : t('detail.withdraw')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

/** One specimen: identification, consultations, photos and details; follows the live push. */
export function SpecimenDetailPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const user = useCurrentUser();
  const { id } = route.useParams();
  const { data: specimen, error, refetch } = useQuery(specimenQuery(id));

  const none = t('common.none');
  const text = (v: string | null | undefined): string => (v ? v : none);
  const optionalEnum = <K extends EnumKind>(kind: K, v: EnumValue<K> | null): string => (v ? enumLabel(kind, v) : none);

  if (error && !specimen) {
    const notFound = error instanceof ApiError && error.status === 404;
    return (
      <section className="page">
        <p>
          <Link to="/specimens">
            <Icon name="arrowLeft" /> {t('common.back')}
          </Link>
        </p>
        {notFound ? (
          <p className="empty" data-testid="specimen-not-found">
            {t('detail.notFound')}
          </p>
        ) : (
          <ErrorMessage error={error} onRetry={() => void refetch()} />
        )}
      </section>
    );
  }

  if (!specimen) {
    return (
      <section className="page">
        <p className="muted">{t('common.loading')}</p>
      </section>
    );
  }

  const s = specimen;
  const canReview = user.role === 'expert' || user.role === 'admin';
  const canAddPhotos = user.role !== 'trainee';
  const progress = reviewProgress(s);

  return (
    <section className="page" data-testid="specimen-detail" data-specimen-id={s.id}>
      <p>
        <Link to="/specimens">
          <Icon name="arrowLeft" /> {t('common.back')}
        </Link>
      </p>
      <div className="page-head">
        <h1 className="page-title">
          {t('detail.title')} <span className="port-code">{s.port.code}</span>{' '}
          <span className="muted">{formatDateTime(s.collectedAt, lng)}</span>
        </h1>
        <StatusBadge status={s.status} />
        {user.role === 'expert' && s.status === 'in_review' && (
          <Link className="btn btn-primary" to="/review/$specimenId" params={{ specimenId: s.id }} data-testid="open-review">
            {t('review.open')}
          </Link>
        )}
      </div>

      {progress.kind === 'needs_photos' && (
        <NeedsPhotosBanner
          specimenId={s.id}
          note={progress.request?.notes ?? null}
          by={progress.request?.reviewer.displayName ?? null}
          canAdd={canAddPhotos}
        />
      )}

      <IdentificationPanel identification={s.identification ?? null} images={s.images} />

      <SpecimenReviewPanel specimen={s} />

      <SpecimenRooms specimenId={s.id} user={user} />

      <div className="detail-grid">
        <div className="card">
          <h2 className="card-title">{t('detail.images')}</h2>
          {s.images.length === 0 ? (
            <p className="muted">{t('list.noImage')}</p>
          ) : (
            <ul className="gallery">
              {s.images.map((img) => (
                <li key={img.id} className="gallery-item" data-testid="specimen-image">
                  <a href={img.originalUrl} target="_blank" rel="noopener noreferrer" title={t('detail.openOriginal')}>
                    <img src={img.thumbnailUrl} alt={img.originalFilename ?? ''} loading="lazy" data-testid="specimen-thumbnail" />
                  </a>
                  <div className="gallery-caption">
                    {img.originalFilename && <span className="gallery-name">{img.originalFilename}</span>}
                    <span className="muted small">
                      {t('detail.imageInfo', {
                        width: img.width,
                        height: img.height,
                        format: img.format.toUpperCase(),
                        size: formatBytes(img.bytes, lng),
                      })}
                    </span>
                  </div>
                  <QualityNote problems={img.qualityWarnings} as="stored" />
                </li>
              ))}
            </ul>
          )}
          {canAddPhotos && progress.kind !== 'needs_photos' && (
            <details className="add-photos-details">
              <summary data-testid="add-photos-toggle">{t('addPhotos.title')}</summary>
              <AddPhotos specimenId={s.id} />
            </details>
          )}
        </div>

        <div className="card">
          <h2 className="card-title">{t('detail.fields')}</h2>
          <dl className="dl">
            <DetailRow label={t('detail.port')} testId="detail-port">
              <span className="port-code">{s.port.code}</span> {portName(s.port, lng)}
            </DetailRow>
            <DetailRow label={t('detail.portType')}>{enumLabel('portType', s.port.type)}</DetailRow>
            <DetailRow label={t('detail.siteType')} testId="detail-site-type">
              {enumLabel('siteType', s.siteType)}
            </DetailRow>
            <DetailRow label={t('detail.location')} testId="detail-location">
              {text(s.locationDetail)}
            </DetailRow>
            <DetailRow label={t('detail.position')} testId="detail-position">
              {s.position ? <PositionText position={s.position} /> : none}
            </DetailRow>
            <DetailRow label={t('detail.trapMethod')} testId="detail-trap-method">
              {optionalEnum('trapMethod', s.trapMethod)}
            </DetailRow>
            <DetailRow label={t('detail.collectedAt')} testId="detail-collected-at">
              <time dateTime={s.collectedAt}>{formatDateTime(s.collectedAt, lng)}</time>
            </DetailRow>
            <DetailRow label={t('detail.collector')} testId="detail-collector">
              {text(s.collector)}
            </DetailRow>
            <DetailRow label={t('detail.count')} testId="detail-count">
              {s.count}
            </DetailRow>
            <DetailRow label={t('detail.lifeStage')} testId="detail-life-stage">
              {optionalEnum('lifeStage', s.lifeStage)}
            </DetailRow>
            <DetailRow label={t('detail.sex')} testId="detail-sex">
              {optionalEnum('sex', s.sex)}
            </DetailRow>
            <DetailRow label={t('detail.notes')} testId="detail-notes">
              {s.notes ? <span className="pre-wrap">{s.notes}</span> : none}
            </DetailRow>
            <DetailRow label={t('detail.createdBy')}>
              {s.createdBy.displayName} <span className="muted">({s.createdBy.username})</span>
            </DetailRow>
            <DetailRow label={t('detail.createdAt')}>{formatDateTime(s.createdAt, lng)}</DetailRow>
            <DetailRow label={t('detail.updatedAt')}>{formatDateTime(s.updatedAt, lng)}</DetailRow>
            <DetailRow label={t('detail.id')}>
              <code className="small">{s.id}</code>
            </DetailRow>
          </dl>
          {/* A new status from the server starts a new choice. */}
          {canReview && WITHDRAWABLE.includes(s.status) && <WithdrawSpecimen specimen={s} />}
        </div>
      </div>
    </section>
  );
}
