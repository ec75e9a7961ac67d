import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** Human-readable message for any thrown value; prefers the server's own message. */
export function useErrorText(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return (error: unknown) => {
    if (error instanceof ApiError) {
      if (error.isNetworkError) return t(i18n.exists(`errors.${error.code}`) ? `errors.${error.code}` : 'errors.network_error');
      if (error.message) return error.message;
      if (i18n.exists(`errors.${error.code}`)) return t(`errors.${error.code}`);
      return t('errors.unknown');
    }
    if (error instanceof Error && error.message) return error.message;
    return t('errors.unknown');
  };
}

function DetailsView({ details }: { details: unknown }) {
  if (details === undefined || details === null || details === '') return null;
  if (Array.isArray(details)) {
    return (
      <ul className="error-details">
        {details.map((item, i) => (
          <li key={i}>{describe(item)}</li>
        ))}
      </ul>
    );
  }
  if (typeof details === 'object') {
    return (
      <ul className="error-details">
        {Object.entries(details as Record<string, unknown>).map(([key, value]) => (
          <li key={key}>
            <code>{key}</code>: {describe(value)}
          </li>
        ))}
      </ul>
    );
  }
  return <p className="error-details">{String(details)}</p>;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as { message?: unknown; path?: unknown; instancePath?: unknown; field?: unknown };
    const where = v.path ?? v.instancePath ?? v.field;
    if (typeof v.message === 'string') {
      return typeof where === 'string' && where ? `${where}: ${v.message}` : v.message;
    }
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

interface Props {
  error: unknown;
  testId?: string;
  onRetry?: () => void;
}

/** Error box showing the server's message and, when present, its `details`. */
export function ErrorMessage({ error, testId, onRetry }: Props) {
  const { t } = useTranslation();
  const text = useErrorText();
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : undefined;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-error-code={code}>
      <p className="alert-message">{typeof error === 'string' ? error : text(error)}</p>
      {details !== undefined && details !== null && (
        <details open className="alert-details">
          <summary>{t('errors.details')}</summary>
          <DetailsView details={details} />
        </details>
      )}
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
