import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints, urlOf } from '@contract';
import { datasetSnapshotQuery } from '../../api/dataset-queries';
import { useEnumLabel } from '../../enums';
import { formatDateTime } from '../../format';
import { useLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { TaxonName } from '../TaxonName';

function Tally({ label, items }: { label: string; items: readonly { key: string; specimens: number }[] }) {
  const { t } = useTranslation();
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd>{items.map((item) => `${item.key || t('common.none')} (${item.specimens})`).join(', ')}</dd>
    </div>
  );
}

/** One snapshot: its filters, images per label and split, where its specimens came from, and its manifest to download. */
export function SnapshotDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const { data: snapshot, error, refetch } = useQuery(datasetSnapshotQuery(id));
  if (!snapshot) return <ErrorMessage error={error} onRetry={() => void refetch()} />;
  const { filters, provenance } = snapshot;
  const none = t('common.none');

  return (
    <section className="card" data-testid="snapshot-detail" data-snapshot={snapshot.name}>
      <div className="card-head">
        <h2 className="card-title">{snapshot.name}</h2>
        {/* A plain download: the session cookie authorises it. */}
        <a
          className="btn btn-secondary btn-small"
          href={urlOf(endpoints.datasetSnapshotManifest, { params: { id } })}
          download
          data-testid="snapshot-manifest"
        >
          {t('datasets.manifest')}
        </a>
      </div>
      <dl className="dl">
        <div className="dl-row">
          <dt>{t('datasets.sha256')}</dt>
          <dd>
            <code data-testid="snapshot-sha256">{snapshot.manifestSha256}</code>
          </dd>
        </div>
        <div className="dl-row">
          <dt>{t('datasets.filters')}</dt>
          <dd data-testid="snapshot-filters">
            {t('datasets.filterSummary', {
              taxa: filters.taxa?.join(', ') ?? none,
              units: filters.units?.length ?? 0,
              from: filters.from ?? none,
              to: filters.to ?? none,
            })}
          </dd>
        </div>
        <div className="dl-row">
          <dt>{t('datasets.confirmed')}</dt>
          <dd>
            {formatDateTime(provenance.confirmedFrom, lng)} – {formatDateTime(provenance.confirmedTo, lng)}
          </dd>
        </div>
        <div className="dl-row">
          <dt>{t('datasets.licence')}</dt>
          <dd>{provenance.licence}</dd>
        </div>
        <Tally label={t('datasets.units')} items={provenance.units} />
        <Tally label={t('datasets.ports')} items={provenance.ports} />
        <Tally label={t('datasets.experts')} items={provenance.experts} />
      </dl>
      <div className="table-wrap">
        <table className="data-table" data-testid="snapshot-statistics">
          <thead>
            <tr>
              <th scope="col">{t('datasets.taxon')}</th>
              <th scope="col">{t('datasets.lifeStage')}</th>
              <th scope="col">{t('datasets.train')}</th>
              <th scope="col">{t('datasets.val')}</th>
              <th scope="col">{t('datasets.test')}</th>
              <th scope="col">{t('datasets.total')}</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.statistics.map((label) => (
              <tr key={`${label.group}|${label.lifeStage ?? ''}|${label.taxon}`} data-testid="snapshot-label" data-taxon={label.taxon}>
                <td>
                  <TaxonName taxon={label.taxon} />
                  <div className="muted small">{enumLabel('group', label.group)}</div>
                </td>
                <td>{label.lifeStage ? enumLabel('lifeStage', label.lifeStage) : none}</td>
                <td>{label.train}</td>
                <td>{label.val}</td>
                <td>{label.test}</td>
                <td>{label.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
