// Money as people type and read it. Amounts are integer minor units computed in Rust; the UI
// only turns typed text into minor units and minor units into text.

/** "12.5" → 1250 minor units for a 2-decimal currency; NaN when it is not a number. */
export function parseDecimal(text: string, scale: number): number {
  const t = text.trim().replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(t)) return NaN;
  const [int, frac = ""] = t.split(".");
  const digits = (frac + "0".repeat(scale)).slice(0, scale);
  const rounding = frac.length > scale && Number(frac[scale]) >= 5 ? 1 : 0;
  const sign = int.startsWith("-") ? -1 : 1;
  return sign * (Math.abs(Number(int)) * 10 ** scale + Number(digits || "0") + rounding);
}

/** A number as people type it: a decimal point or a decimal comma (31,2304), no grouping. */
export function parseNumber(text: string): number {
  const t = text.trim().replace(",", ".");
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}

export function formatMoney(minor: number, currency: string | null, lang: string): string {
  const code = currency ?? "CNY";
  return new Intl.NumberFormat(lang, { style: "currency", currency: code }).format(minor / 100);
}
