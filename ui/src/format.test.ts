import { describe, expect, it } from "vitest";
import { formatMoney, parseDecimal, parseNumber } from "./format";

describe("money as typed and read", () => {
  it("parses decimals typed by people", () => {
    expect(parseDecimal("12.5", 2)).toBe(1250);
    expect(parseDecimal("0,125", 2)).toBe(13);
    expect(parseDecimal("1.5", 3)).toBe(1500);
    expect(parseDecimal("abc", 2)).toBeNaN();
  });
  it("reads coordinates typed with a decimal point or comma", () => {
    expect(parseNumber(" 31.2304 ")).toBe(31.2304);
    expect(parseNumber("31,2304")).toBe(31.2304);
    expect(parseNumber("-0,5")).toBe(-0.5);
    expect(parseNumber("31.2.3")).toBeNaN();
    expect(parseNumber("1,234.5")).toBeNaN();
    expect(parseNumber("")).toBeNaN();
  });
  it("shows minor units in the currency", () => {
    expect(formatMoney(123456, "CNY", "en")).toBe("CN¥1,234.56");
  });
});
