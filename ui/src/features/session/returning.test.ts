import { describe, expect, it } from "vitest";
import { watchReturn, type ReturnReason } from "./returning";

describe("watchReturn", () => {
  it("says when the network comes back or the app returns to the foreground, once per burst", () => {
    let clock = 0;
    const seen: ReturnReason[] = [];
    const stop = watchReturn(window, (why) => seen.push(why), 5000, () => clock);
    window.dispatchEvent(new Event("online"));
    document.dispatchEvent(new Event("visibilitychange"));
    expect(seen).toEqual(["online"]);
    clock = 6000;
    document.dispatchEvent(new Event("visibilitychange"));
    expect(seen).toEqual(["online", "foreground"]);
    stop();
    clock = 20000;
    window.dispatchEvent(new Event("online"));
    expect(seen).toEqual(["online", "foreground"]);
  });

  it("ignores the page being hidden", () => {
    const seen: ReturnReason[] = [];
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    const stop = watchReturn(window, (why) => seen.push(why));
    document.dispatchEvent(new Event("visibilitychange"));
    expect(seen).toEqual([]);
    stop();
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
  });
});
