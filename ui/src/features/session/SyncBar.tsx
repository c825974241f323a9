import { useEffect, useRef, useState } from "react";
import { toError, type BackendError } from "../../backend";
import { useBackend, useSyncStatus } from "../../context";
import { useI18n } from "../../i18n";
import { errorAdvice } from "../../i18n/errors";
import { watchReturn, type ReturnReason } from "./returning";

/** Always visible: online or not, what waits to be sent, when we last synced, what failed. */
export function SyncBar() {
  const backend = useBackend();
  const status = useSyncStatus();
  const { lang, t, formatTime } = useI18n();
  const [busy, setBusy] = useState<ReturnReason | "asked" | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const syncNow = async (why: ReturnReason | "asked") => {
    setBusy(why);
    try {
      await backend.syncNow();
      setError(null);
    } catch (e) {
      setError(toError(e));
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
  // Said from the error's code in the person's language; the device's own words are for support.
  const failed = status.last_error ?? error;
  const lastError = failed ? errorAdvice(lang, failed.code) : null;
  return (
    <div className="syncbar" data-testid="syncbar">
      <span className={status.online ? "dot online" : "dot offline"} aria-hidden />
      <span data-testid="online-state">{status.online ? t("online") : t("offline")}</span>
      <span className={status.pending ? "badge warn" : "badge"} data-testid="pending">
        {status.pending ? t("pending", { n: status.pending }) : t("allSent")}
      </span>
      <span className="muted">{status.last_sync_at ? t("lastSync", { time: formatTime(status.last_sync_at) }) : t("neverSynced")}</span>
      {status.rejected.length > 0 && (
        <span className="badge danger" title={[...new Set(status.rejected.map((r) => errorAdvice(lang, r.reason.code)))].join("\n")}>
          {t("rejectedDocs", { n: status.rejected.length })}
        </span>
      )}
      {status.quarantined.length > 0 && (
        <span className="badge danger" data-testid="quarantined" title={t("quarantinedHelp")}>
          {t("quarantinedDocs", { n: status.quarantined.length })}
        </span>
      )}
      <button type="button" onClick={() => syncNow("asked")} disabled={busy !== null}>
        {busy === null ? t("syncNow") : t("syncing")}
      </button>
      {(busy === "online" || busy === "foreground") && (
        <span className="muted" role="status" data-testid="sync-return">
          {t(busy === "online" ? "syncBackOnline" : "syncBackInForeground")}
        </span>
      )}
      {lastError && (
        <span className="sync-error" role="status" data-testid="sync-error">
          {t("syncError", { error: lastError })}
        </span>
      )}
    </div>
  );
}

export function OfflineBanner() {
  const status = useSyncStatus();
  const { t } = useI18n();
  if (!status || status.online) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      {t("offline")} · {status.pending ? t("pending", { n: status.pending }) : t("allSent")}
    </div>
  );
}
