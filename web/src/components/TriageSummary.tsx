import { useTranslation } from 'react-i18next';
import type { Triage, TriageQueue, TriageReason } from '@contract';
import { useEnumLabel } from '../enums';

export function TriageQueueBadge({ queue }: { queue: TriageQueue }) {
  const enumLabel = useEnumLabel();
  return (
    <span className={`badge badge-queue-${queue}`} data-testid="triage-queue" data-queue={queue}>
      {enumLabel('triageQueue', queue)}
    </span>
  );
}

/** Why triage sent a specimen where it did: each rule that matched, and the fact behind it (the server's words). */
export function TriageReasons({ reasons, compact = false }: { reasons: readonly TriageReason[]; compact?: boolean }) {
  const enumLabel = useEnumLabel();
  if (reasons.length === 0) return null;
  return (
    <ul className={`triage-reasons${compact ? ' is-compact' : ''}`}>
      {reasons.map((reason) => (
        <li key={reason.code} data-testid="triage-reason" data-code={reason.code} data-queue={reason.queue} title={reason.detail}>
          <span className={`reason-dot reason-${reason.queue}`} aria-hidden="true" />
          <span className="triage-reason-label">{enumLabel('triageReason', reason.code)}</span>
          {!compact && <span className="triage-reason-detail muted small">{reason.detail}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Where triage sent the specimen and why ("auto": accepted as identified). */
export function TriageSummary({ triage }: { triage: Triage }) {
  const { t } = useTranslation();
  return (
    <div className="triage-summary" data-testid="specimen-triage" data-queue={triage.queue}>
      <div className="triage-summary-head">
        <span className="muted">{t('triage.sentTo')}</span> <TriageQueueBadge queue={triage.queue} />
      </div>
      {triage.reasons.length > 0 ? (
        <>
          <p className="section-title">{t('triage.why')}</p>
          <TriageReasons reasons={triage.reasons} />
        </>
      ) : (
        <p className="muted small">{t('triage.noReasons')}</p>
      )}
    </div>
  );
}
