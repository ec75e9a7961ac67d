import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

/** An address the app does not know: say so, and offer the way home. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section className="page" data-testid="not-found">
      <h1 className="page-title">{t('notFound.title')}</h1>
      <p className="empty">{t('notFound.text')}</p>
      <Link to="/" className="btn btn-secondary" data-testid="not-found-home">
        {t('notFound.home')}
      </Link>
    </section>
  );
}
