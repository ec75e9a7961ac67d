import type { AlertNotice } from '../contract/index.js';
import type { AlertNoticeRecord } from '../domain/alert.js';

export function presentAlertNotice({ unitPath: _unitPath, ...notice }: AlertNoticeRecord): AlertNotice {
  return { ...notice, createdAt: notice.createdAt.toISOString() };
}
