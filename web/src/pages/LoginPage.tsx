import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { setSession } from '../api/session';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { LanguageSwitch } from '../components/LanguageSwitch';

export function LoginPage() {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError(t('login.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { token, user } = await api.login({ body: { username: username.trim(), password } }, { logoutOn401: false });
      // The login route's guard sees the session and goes on to the page asked for (or the role's home).
      setSession({ token, user });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="login-screen">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <form className="card login-card" onSubmit={(e) => void onSubmit(e)} noValidate>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          <div>
            <h1>{t('app.name')}</h1>
            <p className="muted">{t('app.tagline')}</p>
          </div>
        </div>
        <h2>{t('login.title')}</h2>
        <Field label={t('login.username')}>
          <input
            type="text"
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
            required
          />
        </Field>
        <Field label={t('login.password')}>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
            required
          />
        </Field>
        <ErrorMessage error={error} testId="form-error" />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
