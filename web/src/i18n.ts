// i18next setup: zh + en resources, language remembered in localStorage,
// default from navigator.language (zh* -> zh, everything else -> en).
import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import en from './locales/en.json';
import zh from './locales/zh.json';

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'vectordesk.lang';

// Compile-time check that both locale files have the same keys.
const resources = {
  zh: { translation: zh satisfies typeof en },
  en: { translation: en satisfies typeof zh },
};

function isLanguage(value: unknown): value is Language {
  return value === 'zh' || value === 'en';
}

export function detectLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    /* storage unavailable */
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language || '' : '';
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function applyToDocument(lng: Language): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  document.title = i18n.t('app.name');
}

void i18n.use(initReactI18next).init({
  resources,
  lng: detectLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes everything it renders
  returnNull: false,
});

applyToDocument(currentLanguage());

i18n.on('languageChanged', (lng) => {
  const lang: Language = isLanguage(lng) ? lng : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* ignore */
  }
  applyToDocument(lang);
});

export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(lng) ? lng : 'en';
}

export function setLanguage(lng: Language): void {
  void i18n.changeLanguage(lng);
}

/** BCP 47 locale used for dates and numbers. */
export function localeFor(lng: Language): string {
  return lng === 'zh' ? 'zh-CN' : 'en-GB';
}

export default i18n;

/** React hook: the current UI language (re-renders on change). */
export function useLanguage(): Language {
  const { i18n: instance } = useTranslation();
  const lng = instance.resolvedLanguage ?? instance.language;
  return isLanguage(lng) ? lng : 'en';
}
