import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ModelInfo } from '@contract';
import { modelsQuery } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { ModelVersionActions } from '../components/models/ModelVersionActions';
import { Retraining } from '../components/models/Retraining';
import { ShadowComparisons } from '../components/models/ShadowComparisons';
import { useLanguage } from '../i18n';
import { formatPercent } from '../identification';

function Metrics({ model }: { model: ModelInfo }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const { top1, top3, ece, rejectionAuroc } = model.metrics ?? {};
  const shown = [
    top1 === undefined ? null : t('models.top1', { value: formatPercent(top1, lng) }),
    top3 === undefined ? null : t('models.top3', { value: formatPercent(top3, lng) }),
    ece === undefined ? null : t('models.ece', { value: ece.toFixed(3) }),
    rejectionAuroc === undefined || rejectionAuroc === null ? null : t('models.auroc', { value: rejectionAuroc.toFixed(3) }),
  ].filter(Boolean);
  return <>{shown.length > 0 ? shown.join(' · ') : t('common.none')}</>;
}

function State({ model }: { model: ModelInfo }) {
  const { t } = useTranslation();
  if (!model.verified) {
    return (
      <>
        <span className="badge badge-rejected" data-testid="model-broken">
          {t('models.broken')}
        </span>
        <div className="muted small">{model.error}</div>
      </>
    );
  }
  return (
    <>
      {model.active && (
        <span className="badge badge-confirmed" data-testid="model-active">
          {t('models.active')}
        </span>
      )}{' '}
      {model.shadow && (
        <span className="badge badge-in_review" data-testid="model-shadow">
          {t('models.shadow')}
        </span>
      )}
    </>
  );
}

/**
 * `#/admin/models` (administrators): every model package version with its card metrics and which ones serve; a version is
 * activated or run in shadow from here, the shadow runs compared with the primary answers, and a model retrained from a
 * dataset snapshot (registered only if it passes the non-regression gate).
 */
export function ModelsPage() {
  const { t } = useTranslation();
  const { data, error, isPending, refetch } = useQuery(modelsQuery);
  const models = data?.items ?? [];
  const shadowModels = models.filter((model) => model.shadow).map((model) => model.ref);

  return (
    <section className="page" data-testid="models-page">
      <h1 className="page-title">{t('models.title')}</h1>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : models.length === 0 ? (
        !error && (
          <p className="empty" data-testid="models-empty">
            {t('models.none')}
          </p>
        )
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="models-table">
            <thead>
              <tr>
                <th scope="col">{t('models.model')}</th>
                <th scope="col">{t('models.task')}</th>
                <th scope="col">{t('models.metrics')}</th>
                <th scope="col">{t('models.state')}</th>
                <th scope="col">{t('models.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {models.map((model) => (
                <tr key={model.ref} data-testid="model-row" data-model={model.ref} data-active={model.active} data-shadow={model.shadow}>
                  <td>
                    <code>{model.ref}</code>
                  </td>
                  <td>
                    {model.task ? t(`models.tasks.${model.task}`) : t('common.none')}
                    {model.parentLabel && <div className="muted small">{model.parentLabel}</div>}
                    {model.replaces && <div className="muted small">{t('models.replaces', { name: model.replaces })}</div>}
                  </td>
                  <td>
                    <Metrics model={model} />
                  </td>
                  <td>
                    <State model={model} />
                  </td>
                  <td>
                    <ModelVersionActions model={model} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <ShadowComparisons shadowModels={shadowModels} />}
      {data && <Retraining modelNames={[...new Set(models.map((model) => model.name))]} />}
    </section>
  );
}
