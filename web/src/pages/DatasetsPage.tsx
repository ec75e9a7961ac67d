import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { datasetSnapshotsQuery } from '../api/dataset-queries';
import { NewSnapshotForm } from '../components/datasets/NewSnapshotForm';
import { SnapshotDetail } from '../components/datasets/SnapshotDetail';
import { ErrorMessage } from '../components/ErrorMessage';
import { ListBody } from '../components/ListBody';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';

/**
 * `#/admin/datasets` (administrators): the dataset snapshots of confirmed specimens that models are trained on, newest
 * first; a new one is taken with the form, and one chosen from the list shows its statistics and provenance.
 */
export function DatasetsPage() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { data, error, isPending, refetch } = useQuery(datasetSnapshotsQuery);
  const [chosen, setChosen] = useState<string | null>(null);
  const snapshots = data ?? [];

  return (
    <section className="page" data-testid="datasets-page">
      <h1 className="page-title">{t('datasets.title')}</h1>
      <p className="muted">{t('datasets.intro')}</p>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      <ListBody
        pending={isPending}
        error={error}
        empty={snapshots.length === 0}
        emptyText={t('datasets.none')}
        emptyTestId="snapshots-empty"
      >
        <table className="data-table" data-testid="snapshots-table">
          <thead>
            <tr>
              <th scope="col">{t('datasets.name')}</th>
              <th scope="col">{t('datasets.created')}</th>
              <th scope="col">{t('datasets.specimens')}</th>
              <th scope="col">{t('datasets.images')}</th>
              <th scope="col">{t('datasets.splits')}</th>
            </tr>
          </thead>
          <tbody>
            {snapshots.map((snapshot) => (
              <tr key={snapshot.id} data-testid="snapshot-row" data-snapshot={snapshot.name} aria-selected={chosen === snapshot.id}>
                <td>
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => setChosen(snapshot.id)}
                    data-testid="snapshot-open"
                  >
                    {snapshot.name}
                  </button>
                </td>
                <td>
                  {formatDateTime(snapshot.createdAt, lng)}
                  <div className="muted small">{snapshot.createdBy?.displayName ?? t('datasets.commandLine')}</div>
                </td>
                <td>{snapshot.specimens}</td>
                <td>{snapshot.images}</td>
                <td>{t('datasets.splitCounts', snapshot.splits)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListBody>
      {chosen && <SnapshotDetail id={chosen} />}
      <NewSnapshotForm onCreated={(snapshot) => setChosen(snapshot.id)} />
    </section>
  );
}
