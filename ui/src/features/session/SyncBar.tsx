import { useEffect, useRef, useState } from "react";
import type { SyncStatus } from "../../backend";
import { useBackend, useSyncStatus } from "../../context";
import { useI18n } from "../../i18n";
import { errorAdvice } from "../../i18n/errors";
import { FirstSyncProgress } from "./FirstSyncProgress";
import { watchReturn, type ReturnReason } from "./returning";

/** What the bar says, one state at a time, the most pressing first. */
type SyncState = "offline" | "syncing" | "refused" | "failed" | "online";

function syncState(status: SyncStatus, busy: boolean, osOffline: boolean): SyncState {
  if (osOffline || !status.online) return "offline";
  if (busy) return "syncing";
  if (status.rejected.length > 0) return "refused";
  if (status.last_error) return "failed";
  return "online";
}

/** Whether the operating system says the device has no network (the webview's view of it). */
function useOsOffline(): boolean {
  const [offline, setOffline] = useState(() => typeof navigator !== "undefined" && navigator.onLine === false);
  useEffect(() => {
    const on = () => setOffline(false);
    const off = () => setOffline(true);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  return offline;
}

/**
 * Always visible, one row: one state (online, syncing, offline since when, refused with the
 * reason, or the last sync's problem), what waits to be sent, and *Sync now*. Offline is a
 * normal field condition, said calmly; an error from an earlier attempt goes with the next
 * success, since the state comes from the device's status alone.
 */
export function SyncBar() {
  const backend = useBackend();
  const status = useSyncStatus();
  const osOffline = useOsOffline();
  const { lang, t, formatTime, formatShort } = useI18n();
  const [busy, setBusy] = useState<ReturnReason | "asked" | null>(null);
  const syncNow = async (why: ReturnReason | "asked") => {
    setBusy(why);
    try {
      await backend.syncNow();
    } catch {
      // The device's status says what went wrong (it arrives as the `sync-status` event).
    } finally {
      setBusy(null);
    }
  };
  const latest = useRef(syncNow);
  useEffect(() => {
    latest.current = syncNow;
  });
  // Back online or back in the foreground: sync at once rather than at the next round.
  useEffect(() => watchReturn(window, (why) => void latest.current(why)), []);
  if (!status) return null;
  const state = syncState(status, busy !== null, osOffline);
  // Today's time alone (11:02); an older one with its date.
  const sinceWords = (ms: number) =>
    new Date(ms).toDateString() === new Date().toDateString() ? new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(ms) : formatShort(ms);
  const refusedWhy = [...new Set(status.rejected.map((r) => errorAdvice(lang, r.reason.code)))].join(" ");
  const headline: Record<SyncState, string> = {
    offline: status.offline_since ? t("offlineSince", { time: sinceWords(status.offline_since) }) : t("offline"),
    syncing: t("syncing"),
    refused: t("rejectedDocs", { n: status.rejected.length }),
    failed: t("syncProblem"),
    online: t("online"),
  };
  return (
    <div className={`syncbar state-${state}`} data-testid="syncbar" data-state={state}>
      <span className={`dot ${state}`} aria-hidden />
      <span data-testid="sync-state" title={state === "refused" ? refusedWhy : undefined}>
        {headline[state]}
      </span>
      <span className={status.pending ? "badge warn" : "badge"} data-testid="pending">
        {status.pending ? t("pending", { n: status.pending }) : t("allSent")}
      </span>
      {state === "online" && (
        <span className="muted last-sync">{status.last_sync_at ? t("lastSync", { time: formatTime(status.last_sync_at) }) : t("neverSynced")}</span>
      )}
      <FirstSyncProgress status={status} />
      {state === "refused" && (
        <span className="sync-reason" role="status">
          {refusedWhy}
        </span>
      )}
      {state === "failed" && status.last_error && (
        <span className="sync-reason" role="status" data-testid="sync-error">
          {errorAdvice(lang, status.last_error.code)}
        </span>
      )}
      {status.quarantined.length > 0 && (
        <span className="badge danger" data-testid="quarantined" title={t("quarantinedHelp")}>
          {t("quarantinedDocs", { n: status.quarantined.length })}
        </span>
      )}
      <button type="button" className="small" onClick={() => syncNow("asked")} disabled={busy !== null}>
        {t("syncNow")}
      </button>
      {(busy === "online" || busy === "foreground") && (
        <span className="muted" role="status" data-testid="sync-return">
          {t(busy === "online" ? "syncBackOnline" : "syncBackInForeground")}
        </span>
      )}
    </div>
  );
}
