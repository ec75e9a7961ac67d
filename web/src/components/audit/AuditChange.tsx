import type { AuditEntry } from '@contract';
import { useTranslation } from 'react-i18next';
import { Icon } from '../Icon';

/** Longer values are cut here: the row shows what changed, not every byte of it. */
const VALUE_SHOWN = 80;

function changedKeys({ before, after }: Pick<AuditEntry, 'before' | 'after'>): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((key) => JSON.stringify(before?.[key]) !== JSON.stringify(after?.[key]));
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > VALUE_SHOWN ? `${text.slice(0, VALUE_SHOWN - 1)}…` : text;
}

/** The fields a change touched, each as it was, then as it became (a creation shows only the new, a removal the old). */
export function AuditChange({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const keys = changedKeys(entry);
  if (keys.length === 0) return <span className="muted">{t('audit.noFieldChanged')}</span>;
  return (
    <ul className="audit-change" data-testid="audit-change">
      {keys.map((key) => {
        const was = entry.before?.[key];
        const becomes = entry.after?.[key];
        return (
          <li key={key} data-key={key}>
            <span className="audit-field">{key}</span> {entry.before !== null && <del>{was === undefined ? '—' : shown(was)}</del>}
            {entry.before !== null && entry.after !== null && <Icon name="arrowRight" />}
            {entry.after !== null && <ins>{becomes === undefined ? '—' : shown(becomes)}</ins>}
          </li>
        );
      })}
    </ul>
  );
}
