// The notices of alerts raised while the app is open (the live push's `alert.raised`): newest first, a few at most,
// each until it is dismissed or its alert is dealt with (`alert.changed` to another status than open).
import type { AlertNotice } from '@contract';
import { noticeStore } from './notice-store';

export const MAX_ALERT_NOTICES = 3;

/** The notices with `notice` first (a notice of the same alert is replaced), the oldest beyond `max` dropped. */
export function withNotice(notices: readonly AlertNotice[], notice: AlertNotice, max = MAX_ALERT_NOTICES): readonly AlertNotice[] {
  return [notice, ...notices.filter((shown) => shown.alertId !== notice.alertId)].slice(0, max);
}

export function withoutNotice(notices: readonly AlertNotice[], alertId: string): readonly AlertNotice[] {
  return notices.some((shown) => shown.alertId === alertId) ? notices.filter((shown) => shown.alertId !== alertId) : notices;
}

/** A changed alert: its notice goes once someone has acted on it, else it is brought up to date. */
export function afterAlertChange(notices: readonly AlertNotice[], notice: AlertNotice): readonly AlertNotice[] {
  if (notice.status !== 'open') return withoutNotice(notices, notice.alertId);
  return notices.map((shown) => (shown.alertId === notice.alertId ? notice : shown));
}

const store = noticeStore<AlertNotice>();

export const showAlertNotice = (notice: AlertNotice): void => store.update((notices) => withNotice(notices, notice));
export const noteAlertChange = (notice: AlertNotice): void => store.update((notices) => afterAlertChange(notices, notice));
export const dismissAlertNotice = (alertId: string): void => store.update((notices) => withoutNotice(notices, alertId));
export const clearAlertNotices = (): void => store.clear();
export const useAlertNotices = (): readonly AlertNotice[] => store.use();
