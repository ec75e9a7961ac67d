import type { Alert, AlertNotice } from '../contract/index.js';
import type { AlertNoticeRecord, AlertRecord, AlertView } from '../domain/alert.js';
import { presentTaxon } from './taxa.js';

export function presentAlertNotice({ unitPath: _unitPath, ...notice }: AlertNoticeRecord): AlertNotice {
  return { ...notice, createdAt: notice.createdAt.toISOString() };
}

export function presentAlert({ alert, deliveries, canAct }: AlertView): Alert {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  const unit = ({ path: _path, ...fields }: AlertRecord['unit']) => fields;
  return {
    ...alert,
    taxon: presentTaxon(alert.taxon),
    unit: unit(alert.unit),
    responsibleUnit: unit(alert.responsibleUnit),
    collectedAt: alert.collectedAt.toISOString(),
    createdAt: alert.createdAt.toISOString(),
    acknowledgedAt: iso(alert.acknowledgedAt),
    confirmedAt: iso(alert.confirmedAt),
    dismissedAt: iso(alert.dismissedAt),
    canAct,
    deliveries: deliveries.map((delivery) => ({
      ...delivery,
      lastAttemptAt: iso(delivery.lastAttemptAt),
      deliveredAt: iso(delivery.deliveredAt),
    })),
  };
}
