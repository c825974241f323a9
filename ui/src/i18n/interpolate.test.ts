import { describe, expect, it } from "vitest";
import { interpolate } from "./index";
import { en } from "./en";
import { zh } from "./zh-CN";

describe("interpolate", () => {
  it("picks the singular or plural English form by the count", () => {
    expect(interpolate("en", en.rejectedDocs, { n: 1 })).toBe("1 change refused by the server");
    expect(interpolate("en", en.rejectedDocs, { n: 3 })).toBe("3 changes refused by the server");
    expect(interpolate("en", en.rejectedDocs, { n: 0 })).toBe("0 changes refused by the server");
  });

  it("leaves a Chinese message whole and fills its values", () => {
    expect(interpolate("zh-CN", zh.rejectedDocs, { n: 1 })).not.toContain("||");
    expect(interpolate("zh-CN", zh.rejectedDocs, { n: 1 })).toContain("1");
  });

  it("keeps a placeholder it has no value for, so a missing value shows", () => {
    expect(interpolate("en", "Hello {name}", {})).toBe("Hello {name}");
  });

  it("writes no message with more than two forms", () => {
    for (const message of [...Object.values(en), ...Object.values(zh)]) {
      expect(message.split("||").length).toBeLessThanOrEqual(2);
    }
  });
});
