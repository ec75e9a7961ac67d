import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  pending: boolean;
  /** An error shown above says why nothing is listed: no "nothing found" then. */
  error: unknown;
  empty: boolean;
  emptyText: string;
  emptyTestId: string;
  /** A new answer is on its way: the rows shown are the previous one's. */
  loading?: boolean;
  children: ReactNode;
}

/** A list's table, or what stands in its place: "loading" before the first answer, "nothing found" for an empty one. */
export function ListBody({ pending, error, empty, emptyText, emptyTestId, loading = false, children }: Props) {
  const { t } = useTranslation();
  if (pending) return <p className="muted">{t('common.loading')}</p>;
  if (empty)
    return error ? null : (
      <p className="empty" data-testid={emptyTestId}>
        {emptyText}
      </p>
    );
  return (
    <div className={`table-wrap${loading ? ' is-loading' : ''}`} aria-busy={loading}>
      {children}
    </div>
  );
}
