import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { labDetailsQuery, unitsQuery } from '../api/organisation-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { UnitBranchView } from '../components/organisation/UnitBranchView';
import { labsByUnit, unitTreeOf } from '../organisation';

/**
 * `#/admin/units` (administrators): headquarters → districts → port-level units with their ports and laboratories;
 * units are added and renamed, ports added and edited, labs added, edited, taken out of service and given managers.
 */
export function UnitsAdminPage() {
  const { t } = useTranslation();
  const units = useQuery(unitsQuery);
  const labs = useQuery(labDetailsQuery);
  const tree = unitTreeOf(units.data ?? []);
  return (
    <section className="page" data-testid="units-admin-page">
      <h1 className="page-title">{t('organisation.title')}</h1>
      <p className="muted">{t('organisation.intro')}</p>
      <ErrorMessage error={units.error} onRetry={() => void units.refetch()} />
      <ErrorMessage error={labs.error} onRetry={() => void labs.refetch()} />
      {units.isPending || labs.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <ul className="unit-tree" data-testid="unit-tree">
          {tree.map((branch) => (
            <UnitBranchView key={branch.unit.id} branch={branch} labsByUnit={labsByUnit(labs.data ?? [])} />
          ))}
        </ul>
      )}
    </section>
  );
}
