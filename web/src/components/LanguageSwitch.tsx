import { useTranslation } from 'react-i18next';
import { setLanguage, useLanguage } from '../i18n';

/** Toggles between 中文 and English; the label shows the language it switches to. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const lng = useLanguage();
  const next = lng === 'zh' ? 'en' : 'zh';
  return (
    <button
      type="button"
      className="btn btn-ghost lang-switch"
      data-testid="lang-switch"
      data-lang={lng}
      lang={next === 'zh' ? 'zh-CN' : 'en'}
      aria-label={t('nav.switchLanguageLabel')}
      title={t('nav.switchLanguageLabel')}
      onClick={() => setLanguage(next)}
    >
      {t('nav.switchLanguage')}
    </button>
  );
}
