/** Why the device may have missed changes: the network came back, or the app came back to
 * the foreground (a tablet taken out of a pocket, a window brought back). */
export type ReturnReason = "online" | "foreground";

/**
 * Calls `onReturn` when the network comes back or the page becomes visible again, at most once
 * per `minGapMs` (both often fire together). The webview raises these on Android and iOS when
 * the app resumes, as browsers do. Returns the function that stops watching.
 */
export function watchReturn(win: Window, onReturn: (why: ReturnReason) => void, minGapMs = 5000, now: () => number = Date.now): () => void {
  let last = -Infinity;
  const fire = (why: ReturnReason) => {
    if (now() - last < minGapMs) return;
    last = now();
    onReturn(why);
  };
  const online = () => fire("online");
  const visible = () => {
    if (win.document.visibilityState === "visible") fire("foreground");
  };
  win.addEventListener("online", online);
  win.document.addEventListener("visibilitychange", visible);
  return () => {
    win.removeEventListener("online", online);
    win.document.removeEventListener("visibilitychange", visible);
  };
}
