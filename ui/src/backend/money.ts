// Money helpers mirroring core/src/model/money.rs: integer minor units, half away from zero.
import type { LineAmounts } from "./types";

export function mulDivRound(value: number, num: number, den: number): number {
  const p = BigInt(value) * BigInt(num);
  const d = BigInt(den);
  const q = p / d;
  const r = p % d;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const sign = (x: bigint) => (x < 0n ? -1n : x > 0n ? 1n : 0n);
  const adjust = 2n * abs(r) >= abs(d) ? sign(p) * sign(d) : 0n;
  return Number(q + adjust);
}

export function lineAmounts(quantityMilli: number, unitMinor: number, discountBp: number, taxRateBp: number): LineAmounts {
  const gross = mulDivRound(quantityMilli, unitMinor, 1000);
  const discount = mulDivRound(gross, discountBp, 10_000);
  const net = gross - discount;
  const tax = mulDivRound(net, taxRateBp, 10_000);
  return { gross, discount, net, tax, total: net + tax };
}

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

export function formatMoney(minor: number, currency: string | null, lang: string): string {
  const code = currency ?? "CNY";
  return new Intl.NumberFormat(lang, { style: "currency", currency: code }).format(minor / 100);
}
