import { describe, expect, it } from "vitest";
import { lineAmounts, mulDivRound, parseDecimal } from "./money";

describe("money mirrors core", () => {
  it("rounds half away from zero", () => {
    expect(mulDivRound(5, 1, 10)).toBe(1);
    expect(mulDivRound(4, 1, 10)).toBe(0);
    expect(mulDivRound(-5, 1, 10)).toBe(-1);
  });
  it("computes a line like core/src/model/money.rs", () => {
    expect(lineAmounts(1500, 33_333, 1000, 1300)).toEqual({ gross: 50_000, discount: 5_000, net: 45_000, tax: 5_850, total: 50_850 });
  });
  it("parses decimals typed by people", () => {
    expect(parseDecimal("12.5", 2)).toBe(1250);
    expect(parseDecimal("0,125", 2)).toBe(13);
    expect(parseDecimal("1.5", 3)).toBe(1500);
    expect(parseDecimal("abc", 2)).toBeNaN();
  });
});
