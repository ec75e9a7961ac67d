import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '@contract';
import { useEnumLabel } from '../enums';
import { useLanguage } from '../i18n';
import { useLiveConnected } from '../live';
import { LanguageSwitch } from './LanguageSwitch';

interface Props {
  user: User;
  active: 'submit' | 'specimens' | null;
  onLogout: () => void;
  children: ReactNode;
}

function NavLink({ href, active, testId, children }: { href: string; active: boolean; testId: string; children: ReactNode }) {
  return (
    <a href={href} className={`nav-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined} data-testid={testId}>
      {children}
    </a>
  );
}

export function Layout({ user, active, onLogout, children }: Props) {
  const { t } = useTranslation();
  const lng = useLanguage();
  const enumLabel = useEnumLabel();
  const live = useLiveConnected();
  const unitName = lng === 'zh' ? user.unit.nameZh : user.unit.nameEn;

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <a className="brand" href="#/specimens">
            <span className="brand-mark" aria-hidden="true" />
            <span className="brand-name">{t('app.name')}</span>
          </a>
          <nav className="nav" aria-label="main">
            <NavLink href="#/submit" active={active === 'submit'} testId="nav-submit">
              {t('nav.submit')}
            </NavLink>
            <NavLink href="#/specimens" active={active === 'specimens'} testId="nav-specimens">
              {t('nav.specimens')}
            </NavLink>
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
            <button type="button" className="btn btn-ghost" onClick={onLogout} data-testid="logout">
              {t('nav.logout')}
            </button>
          </div>
        </div>
      </header>
      <main className="main">{children}</main>
    </div>
  );
}
