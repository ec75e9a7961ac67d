import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { shadowComparisonQuery } from '../../api/model-queries';
import { ErrorMessage } from '../ErrorMessage';
import { ShadowComparisonCard } from './ShadowComparisonCard';

/** For each version now run in shadow (`name@version`), how its answers compare with the primary ones so far. */
export function ShadowComparisons({ shadowModels }: { shadowModels: readonly string[] }) {
  const { t } = useTranslation();
  const results = useQueries({ queries: shadowModels.map((shadowModel) => shadowComparisonQuery(shadowModel)) });

  return (
    <section className="shadow-comparisons" data-testid="shadow-comparisons">
      <h2>{t('models.comparison')}</h2>
      {shadowModels.length === 0 && (
        <p className="empty" data-testid="shadow-comparisons-none">
          {t('models.noShadow')}
        </p>
      )}
      {shadowModels.map((shadowModel, index) => {
        const { data, error, isPending, refetch } = results[index]!;
        return (
          <div key={shadowModel} data-testid="shadow-model" data-model={shadowModel}>
            <ErrorMessage error={error} onRetry={() => void refetch()} />
            {isPending ? (
              <p className="muted">{t('common.loading')}</p>
            ) : data?.items.length === 0 ? (
              <p className="empty" data-testid="shadow-comparison-empty">
                {t('models.nothingCompared', { ref: shadowModel })}
              </p>
            ) : (
              data?.items.map((comparison) => <ShadowComparisonCard key={comparison.shadowModelKey} comparison={comparison} />)
            )}
          </div>
        );
      })}
    </section>
  );
}
