import { Link, Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ADMIN_SECTIONS } from '../navigation';

/** `#/admin/…`: the administrators' pages in one frame, their own navigation above the page shown. */
export function AdminConsole() {
  const { t } = useTranslation();
  return (
    <div className="admin-console">
      <nav className="admin-nav" aria-label={t('admin.title')}>
        {ADMIN_SECTIONS.map((section) => (
          <Link
            key={section.to}
            to={section.to}
            className="admin-nav-link"
            activeProps={{ className: 'is-active' }}
            data-testid={section.testId}
          >
            {t(`nav.${section.label}`)}
          </Link>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}

/** `#/admin`: what each part of the console is for, one card a section. */
export function AdminHomePage() {
  const { t } = useTranslation();
  return (
    <section className="page" data-testid="admin-home">
      <h1 className="page-title">{t('admin.title')}</h1>
      <p className="muted">{t('admin.intro')}</p>
      <ul className="admin-sections">
        {ADMIN_SECTIONS.map((section) => (
          <li key={section.to} className="card">
            <Link to={section.to} className="admin-section-link" data-testid={`admin-section-${section.label}`}>
              <h2 className="card-title">{t(`nav.${section.label}`)}</h2>
            </Link>
            <p className="muted">{t(`admin.sections.${section.label}`)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
