import { type Lang, setLang, useLang, useT } from '../i18n.ts';

const LANGS: { code: Lang; label: string; name: string }[] = [
  { code: 'ru', label: 'RU', name: 'Русский' },
  { code: 'en', label: 'EN', name: 'English' },
];

/** RU | EN toggle; the choice goes to the URL (`?lang=en`) and localStorage. */
export function LanguageSwitch() {
  const lang = useLang();
  const t = useT();
  return (
    <fieldset className="lang-switch">
      <legend className="visually-hidden">{t('lang.label')}</legend>
      {LANGS.map((item) => (
        <button
          key={item.code}
          type="button"
          lang={item.code}
          className="lang-switch__button"
          aria-pressed={lang === item.code}
          aria-label={item.name}
          onClick={() => setLang(item.code)}
        >
          {item.label}
        </button>
      ))}
    </fieldset>
  );
}
