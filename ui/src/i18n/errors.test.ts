import { describe, expect, it } from "vitest";
import type { Refusal } from "../generated/commands";
import { errorAdvice, fieldAdvice, refusalAdvice } from "./errors";

describe("error words", () => {
  it("say a refused field and its limit in either language", () => {
    const tooLong = { field: "customer_name", problem: { kind: "too_long", max: 200 } } as const;
    expect(fieldAdvice("en", tooLong)).toBe("Customer name is longer than 200 characters: shorten it.");
    expect(fieldAdvice("zh-CN", tooLong)).toBe("“客户名称”不能超过 200 个字符，请缩短。");
    expect(fieldAdvice("zh-CN", { field: "warranty_end", problem: { kind: "not_a_date" } })).toBe("“保修截止”不是有效日期（年-月-日）。");
    expect(fieldAdvice("en", { field: "latitude", problem: { kind: "out_of_range", min: -90, max: 90 } })).toBe("Latitude must be a number from -90 to 90.");
  });

  it("fall back to the generic words for a code this build does not know", () => {
    expect(errorAdvice("en", "quota_exceeded" as never)).toBe(errorAdvice("en", "unknown"));
    expect(errorAdvice("zh-CN", "network")).toContain("本设备");
  });
});

describe("refusal words", () => {
  const words = (lang: "en" | "zh-CN") => ({ lang, status: (s: string) => `<${s}>`, requestStatus: (s: string) => `<${s}>`, time: () => "09:05" });
  it("put a rule's parameters into either language", () => {
    const checklist: Refusal = { kind: "checklist_incomplete", items: ["Fault confirmed", "Repair verified"] };
    expect(refusalAdvice(checklist, words("en"))).toBe("Tick the required checklist items first: Fault confirmed, Repair verified.");
    expect(refusalAdvice(checklist, words("zh-CN"))).toBe("请先勾选必填检查项：Fault confirmed、Repair verified。");
    expect(refusalAdvice({ kind: "not_now", status: "cancelled" }, words("en"))).toContain("This order is <cancelled> now");
    expect(refusalAdvice({ kind: "already_clocked_in", since: 0 }, words("zh-CN"))).toBe("您已于 09:05 上班打卡。");
    expect(refusalAdvice({ kind: "van_has_open_requests", open: 2 }, words("en"))).toMatch(/^2 part requests into this van are still open/);
    expect(refusalAdvice({ kind: "van_has_open_requests", open: 1 }, words("en"))).toMatch(/^1 part request into this van is still open/);
    expect(refusalAdvice({ kind: "unsent_work_of_another_account", account: "li", pending: 1 }, words("en"))).toMatch(/^1 change made by li has not/);
    expect(refusalAdvice({ kind: "unknown", thing: "stock_location" }, words("zh-CN"))).toBe("本设备上找不到该库位。请同步后从列表中重新选择。");
    expect(refusalAdvice({ kind: "request_not_now", status: "issued" }, words("en"))).toBe("This request is <issued> now, so this step no longer applies.");
  });
});
