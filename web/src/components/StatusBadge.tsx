import type { SpecimenStatus } from '@contract';
import { useEnumLabel } from '../enums';

export function StatusBadge({ status }: { status: SpecimenStatus }) {
  const enumLabel = useEnumLabel();
  return (
    <span className={`badge badge-${status}`} data-testid="specimen-status" data-status={status}>
      {enumLabel('status', status)}
    </span>
  );
}
