// The alert inbox's pure parts: which actions an alert offers, the dismissal reason, the delivery summary, the tab in
// the URL, and the notices of alerts raised while the app is open.
import { describe, expect, it } from 'vitest';
import type { AlertNotice } from '@contract';
import {
  actionsFor,
  ALERT_PAGE_SIZE,
  alertListQueryFor,
  deliveryCounts,
  isDismissReason,
  MIN_DISMISS_REASON_LENGTH,
  parseAlertSearch,
  tabOf,
} from '../../web/src/alert-inbox';
import { afterAlertChange, MAX_ALERT_NOTICES, withNotice, withoutNotice } from '../../web/src/api/alert-notices';

describe('alert actions', () => {
  it('offers a responsible person what the status allows: acknowledge before confirm, dismiss until settled', () => {
    expect(actionsFor({ status: 'open', canAct: true })).toEqual(['acknowledge', 'dismiss']);
    expect(actionsFor({ status: 'acknowledged', canAct: true })).toEqual(['confirm', 'dismiss']);
    expect(actionsFor({ status: 'confirmed', canAct: true })).toEqual([]);
    expect(actionsFor({ status: 'dismissed', canAct: true })).toEqual([]);
  });

  it('offers nothing to someone who may only look', () => {
    expect(actionsFor({ status: 'open', canAct: false })).toEqual([]);
    expect(actionsFor({ status: 'acknowledged', canAct: false })).toEqual([]);
  });

  it('takes a dismissal reason of the length the contract asks, blanks aside', () => {
    expect(MIN_DISMISS_REASON_LENGTH).toBe(3);
    expect(isDismissReason('  no  ')).toBe(false);
    expect(isDismissReason('dup')).toBe(true);
    expect(isDismissReason('   ')).toBe(false);
  });

  it('counts the deliveries by status', () => {
    expect(deliveryCounts([{ status: 'delivered' }, { status: 'failed' }, { status: 'delivered' }])).toEqual({
      pending: 0,
      delivered: 2,
      failed: 1,
    });
    expect(deliveryCounts([])).toEqual({ pending: 0, delivered: 0, failed: 0 });
  });
});

describe('the alert inbox address', () => {
  it('shows open alerts unless the URL names another known status', () => {
    expect(tabOf(parseAlertSearch({}))).toBe('open');
    expect(tabOf(parseAlertSearch({ status: 'dismissed' }))).toBe('dismissed');
    expect(tabOf(parseAlertSearch({ status: 'archived' }))).toBe('open');
    expect(alertListQueryFor({ status: 'acknowledged' })).toEqual({ status: 'acknowledged', limit: ALERT_PAGE_SIZE });
    expect(alertListQueryFor({})).toEqual({ status: 'open', limit: ALERT_PAGE_SIZE });
  });
});

const notice = (alertId: string, status: AlertNotice['status'] = 'open'): AlertNotice => ({
  alertId,
  status,
  reasons: ['watch_list'],
  taxon: { id: 'Aedes aegypti', nameZh: '埃及伊蚊', nameEn: 'yellow fever mosquito' },
  port: { id: 'port-1', code: 'CNNGB-BL', nameZh: '北仑港', nameEn: 'Beilun', type: 'sea' },
  specimenId: `specimen-${alertId}`,
  createdAt: '2026-11-21T08:00:00.000Z',
});

describe('alert notices', () => {
  it('shows the newest first, one per alert, a few at most', () => {
    let shown = withNotice([], notice('a'));
    shown = withNotice(shown, notice('b'));
    expect(shown.map((n) => n.alertId)).toEqual(['b', 'a']);
    shown = withNotice(shown, notice('a'));
    expect(shown.map((n) => n.alertId)).toEqual(['a', 'b']);
    for (const id of ['c', 'd', 'e']) shown = withNotice(shown, notice(id));
    expect(shown.map((n) => n.alertId)).toEqual(['e', 'd', 'c'].slice(0, MAX_ALERT_NOTICES));
  });

  it('drops a dismissed notice, and keeps the same list when there was none', () => {
    const shown = [notice('a'), notice('b')];
    expect(withoutNotice(shown, 'a').map((n) => n.alertId)).toEqual(['b']);
    expect(withoutNotice(shown, 'zzz')).toBe(shown);
  });

  it('drops the notice of an alert someone acted on; an alert still open is brought up to date', () => {
    const shown = [notice('a'), notice('b')];
    expect(afterAlertChange(shown, notice('a', 'acknowledged')).map((n) => n.alertId)).toEqual(['b']);
    expect(afterAlertChange(shown, notice('b', 'dismissed')).map((n) => n.alertId)).toEqual(['a']);
    const updated = { ...notice('a'), reasons: ['watch_list' as const, 'first_at_port' as const] };
    expect(afterAlertChange(shown, updated)[0]).toBe(updated);
    // A change to an alert no notice shows adds none.
    expect(afterAlertChange(shown, notice('c'))).toHaveLength(2);
  });
});
