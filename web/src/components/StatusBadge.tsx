import { useTranslation } from 'react-i18next';
import type { SpecimenStatus } from '../api/types';

export function StatusBadge({ status }: { status: SpecimenStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${status}`} data-testid="specimen-status" data-status={status}>
      {t(`enums.status.${status}`, { defaultValue: status })}
    </span>
  );
}
