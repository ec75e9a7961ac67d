import { useTranslation } from 'react-i18next';

interface Props {
  /** The first row's index in the whole list (0-based). */
  offset: number;
  /** Rows on this page. */
  shown: number;
  total: number;
  pageSize: number;
  /** A page is on its way: both buttons wait for it. */
  loading: boolean;
  onPage: (page: number) => void;
}

/** "21–40 of 57" with Previous and Next; pages count from 1. Nothing when the list is empty. */
export function Pagination({ offset, shown, total, pageSize, loading, onPage }: Props) {
  const { t } = useTranslation();
  if (total === 0) return null;
  const page = Math.floor(offset / pageSize) + 1;
  return (
    <nav className="pagination" aria-label="pagination">
      <span className="muted" data-testid="pagination-range">
        {t('list.range', { from: Math.min(offset + 1, total), to: Math.min(offset + shown, total), total })}
      </span>
      <div className="pagination-buttons">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={page === 1 || loading}
          onClick={() => onPage(page - 1)}
          data-testid="page-prev"
        >
          {t('list.previous')}
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={offset + pageSize >= total || loading}
          onClick={() => onPage(page + 1)}
          data-testid="page-next"
        >
          {t('list.next')}
        </button>
      </div>
    </nav>
  );
}
