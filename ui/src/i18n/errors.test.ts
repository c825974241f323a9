import { describe, expect, it } from "vitest";
import { errorAdvice, fieldAdvice } from "./errors";

describe("error words", () => {
  it("say a refused field and its limit in either language", () => {
    const tooLong = { field: "customer_name", problem: { kind: "too_long", max: 200 } } as const;
    expect(fieldAdvice("en", tooLong)).toBe("Customer name is longer than 200 characters: shorten it.");
    expect(fieldAdvice("zh-CN", tooLong)).toBe("“客户名称”不能超过 200 个字符，请缩短。");
    expect(fieldAdvice("zh-CN", { field: "warranty_end", problem: { kind: "not_a_date" } })).toBe("“保修截止”不是有效日期（年-月-日）。");
  });

  it("fall back to the generic words for a code this build does not know", () => {
    expect(errorAdvice("en", "quota_exceeded" as never)).toBe(errorAdvice("en", "unknown"));
    expect(errorAdvice("zh-CN", "network")).toContain("本设备");
  });
});
