import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { BackendContext } from "../context";

import { en, type Key } from "./en";
import { zh } from "./zh-CN";

export type { Key };
export type Lang = "en" | "zh-CN";

const dictionaries: Record<Lang, Record<Key, string>> = { en, "zh-CN": zh };

export type Translate = (key: Key, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: Translate;
  formatTime: (ms: number) => string;
  /** Compact date and time for tables. */
  formatShort: (ms: number) => string;
}

/**
 * Fills `{name}` from `vars`. A message with a singular and a plural form, written
 * "one form||other form", picks by the language's plural rule for `vars.n` (Chinese has one
 * form, so its messages never need the split).
 */
export function interpolate(lang: Lang, message: string, vars?: Record<string, string | number>): string {
  let chosen = message;
  const forms = message.split("||");
  if (forms.length === 2) {
    const n = vars?.n;
    const one = typeof n === "number" && new Intl.PluralRules(lang).select(n) === "one";
    chosen = one ? forms[0] : forms[1];
  }
  return chosen.replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("fieldops.lang") : null;
  if (saved === "en" || saved === "zh-CN") return saved;
  return typeof navigator !== "undefined" && navigator.language.startsWith("zh") ? "zh-CN" : "en";
}

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang());
  // The device keeps the language with its data (two installations with different data
  // folders share one webview store); the webview's copy only bridges the first paint.
  const backend = useContext(BackendContext);
  useEffect(() => {
    if (fixed || !backend) return;
    let live = true;
    backend.uiLanguage().then(
      (l) => live && (l === "en" || l === "zh-CN") && setLangState(l),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [backend, fixed]);
  const setLang = useCallback(
    (l: Lang) => {
      setLangState(l);
      localStorage.setItem("fieldops.lang", l);
      document.documentElement.lang = l;
      backend?.setUiLanguage(l).catch(() => undefined);
    },
    [backend],
  );
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t: Translate = (key, vars) => interpolate(lang, dict[key] ?? en[key] ?? key, vars);
    const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    const short = new Intl.DateTimeFormat(lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
    return { lang, setLang, t, formatTime: (ms) => fmt.format(new Date(ms)), formatShort: (ms) => short.format(new Date(ms)) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
