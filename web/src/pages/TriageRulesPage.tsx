import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REVIEW_QUEUES, type ReviewQueue, type TriageRule } from '@contract';
import { triageRulesQuery, useUpdateTriageRule } from '../api/taxa-queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { useEnumLabel } from '../enums';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n';
import { draftOf, hasThreshold, ruleEdit, type RuleDraft } from '../triage-rules';

/** One rule: switch it on or off, choose its queue, set its threshold; saved together. */
function RuleRow({ rule }: { rule: TriageRule }) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(rule));
  const { mutate, isPending, error } = useUpdateTriageRule();
  const edit = ruleEdit(rule, draft);
  const change = (patch: Partial<RuleDraft>) => setDraft((current) => ({ ...current, ...patch }));

  return (
    <tr data-testid="triage-rule-row" data-code={rule.code} data-enabled={rule.enabled} data-queue={rule.queue}>
      <td>
        <div className="triage-rule-name">{enumLabel('triageReason', rule.code)}</div>
        <div className="muted small">{rule.description}</div>
        {rule.updatedBy && (
          <div className="muted small">
            {t('triageRules.updated', { name: rule.updatedBy.displayName, time: formatDateTime(rule.updatedAt, lng) })}
          </div>
        )}
      </td>
      <td>
        <input
          type="checkbox"
          checked={draft.enabled}
          aria-label={t('triageRules.enabled')}
          disabled={isPending}
          onChange={(event) => change({ enabled: event.target.checked })}
          data-testid="triage-rule-enabled"
        />
      </td>
      <td>
        <select
          value={draft.queue}
          aria-label={t('triageRules.queue')}
          disabled={isPending}
          onChange={(event) => change({ queue: event.target.value as ReviewQueue })}
          data-testid="triage-rule-queue"
        >
          {REVIEW_QUEUES.map((queue) => (
            <option key={queue} value={queue}>
              {enumLabel('triageQueue', queue)}
            </option>
          ))}
        </select>
      </td>
      <td>
        {hasThreshold(rule.code) && (
          <input
            type="number"
            min={0}
            max={1}
            step={0.01}
            value={draft.threshold}
            aria-label={t('triageRules.threshold')}
            aria-invalid={edit.kind === 'invalid-threshold'}
            disabled={isPending}
            onChange={(event) => change({ threshold: event.target.value })}
            data-testid="triage-rule-threshold"
          />
        )}
        {edit.kind === 'invalid-threshold' && <div className="field-warning small">{t('triageRules.badThreshold')}</div>}
      </td>
      <td>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={isPending || edit.kind !== 'patch'}
          onClick={() => {
            if (edit.kind === 'patch') mutate({ code: rule.code, patch: edit.patch });
          }}
          data-testid="triage-rule-save"
        >
          {isPending ? t('common.saving') : t('common.save')}
        </button>
        <ErrorMessage error={error} />
      </td>
    </tr>
  );
}

/** `#/admin/triage` (administrators): the rules that send identified specimens to an expert, and how. */
export function TriageRulesPage() {
  const { t } = useTranslation();
  const { data, error, isPending, refetch } = useQuery(triageRulesQuery);
  const rules = data?.items ?? [];
  return (
    <section className="page" data-testid="triage-rules-page">
      <h1 className="page-title">{t('triageRules.title')}</h1>
      <p className="muted">{t('triageRules.intro')}</p>
      <ErrorMessage error={error} onRetry={() => void refetch()} />
      {isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        rules.length > 0 && (
          <div className="table-wrap">
            <table className="data-table" data-testid="triage-rules">
              <thead>
                <tr>
                  <th scope="col">{t('triageRules.rule')}</th>
                  <th scope="col">{t('triageRules.enabled')}</th>
                  <th scope="col">{t('triageRules.queue')}</th>
                  <th scope="col">{t('triageRules.threshold')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {rules.map((rule) => (
                  // A saved rule (a new updatedAt) starts its row's draft again from what the server now holds.
                  <RuleRow key={`${rule.code}@${rule.updatedAt}`} rule={rule} />
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
    </section>
  );
}
