import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useMe } from '../api/queries';
import { clearSession } from '../api/session';
import { CurrentUserContext } from '../current-user';
import { useEnumLabel } from '../enums';
import { useOutboxSender } from '../field/use-outbox';
import { useLanguage } from '../i18n';
import { useLiveConnected } from '../api/live';
import { navItemsFor } from '../navigation';
import { AlertNotices, OpenAlertsBadge } from './AlertNotices';
import { ClassNotices } from './ClassNotices';
import { Icon } from './Icon';
import { LanguageSwitch } from './LanguageSwitch';

/**
 * The signed-in pages' frame: header with the role's navigation, live status, user and logout; the page below. On a
 * phone the header is one line — brand, live status, a menu button that opens the rest. It sends the person's
 * outbox (submissions kept on the device) whatever page they are on.
 */
export function Layout() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const live = useLiveConnected();
  const user = useMe();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  if (!user) return null;
  const unitName = lng === 'zh' ? user.unit.nameZh : user.unit.nameEn;

  function logout(): void {
    // Fire the request first: it reads the token synchronously before we clear it.
    api.logout().catch(() => undefined);
    clearSession();
    void navigate({ to: '/login' });
  }

  return (
    <CurrentUserContext value={user}>
      <OutboxSender userId={user.id} />
      <div className="app">
        <header className={`topbar${menuOpen ? ' is-menu-open' : ''}`} data-testid="topbar">
          <div className="topbar-inner">
            <Link className="brand" to="/" onClick={() => setMenuOpen(false)}>
              <span className="brand-mark" aria-hidden="true" />
              <span className="brand-name">{t('app.name')}</span>
            </Link>
            <button
              type="button"
              className="btn btn-ghost menu-button"
              aria-expanded={menuOpen}
              aria-controls="main-menu"
              onClick={() => setMenuOpen((open) => !open)}
              data-testid="menu-button"
            >
              <Icon name={menuOpen ? 'close' : 'menu'} label={menuOpen ? t('nav.closeMenu') : t('nav.menu')} />
            </button>
            <nav className="nav" id="main-menu" aria-label="main">
              {navItemsFor(user.role).map((item) => (
                <Link
                  key={item.testId}
                  to={item.to}
                  className="nav-link"
                  activeProps={{ className: 'is-active' }}
                  onClick={() => setMenuOpen(false)}
                  data-testid={item.testId}
                >
                  {t(`nav.${item.label}`)}
                  {item.badge === 'openAlerts' && <OpenAlertsBadge />}
                </Link>
              ))}
            </nav>
            <div className="topbar-right">
              <span
                className={`live-dot${live ? ' is-live' : ''}`}
                title={live ? t('nav.live') : t('nav.offline')}
                aria-label={live ? t('nav.live') : t('nav.offline')}
                role="img"
                data-testid="live-status"
                data-connected={live ? 'true' : 'false'}
              />
              <span className="user" data-testid="current-user">
                <span className="user-name">{user.displayName}</span>
                <span className="user-unit">
                  {unitName} · {enumLabel('role', user.role)}
                </span>
              </span>
              <LanguageSwitch />
              <button type="button" className="btn btn-ghost" onClick={logout} data-testid="logout">
                {t('nav.logout')}
              </button>
            </div>
          </div>
        </header>
        <AlertNotices />
        <ClassNotices />
        <main className="main">
          <Outlet />
        </main>
      </div>
    </CurrentUserContext>
  );
}

/** The outbox's sender, for the signed-in person: a component, as the frame knows who that is only after its hooks ran. */
function OutboxSender({ userId }: { userId: string }) {
  useOutboxSender(userId);
  return null;
}
