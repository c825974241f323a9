import { useI18n } from "../../i18n";

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <button type="button" className="link" onClick={() => setLang(lang === "en" ? "zh-CN" : "en")} data-testid="language">
      {t("language")}
    </button>
  );
}
