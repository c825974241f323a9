import { useState } from "react";
import { toError, type BackendError } from "../../backend";
import { useBackend, useSyncStatus } from "../../context";
import { useI18n } from "../../i18n";
import { errorAdvice } from "../../i18n/errors";

/** Always visible: online or not, what waits to be sent, when we last synced, what failed. */
export function SyncBar() {
  const backend = useBackend();
  const status = useSyncStatus();
  const { lang, t, formatTime } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  if (!status) return null;
  const syncNow = async () => {
    setBusy(true);
    try {
      await backend.syncNow();
      setError(null);
    } catch (e) {
      setError(toError(e));
    } finally {
      setBusy(false);
    }
  };
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
      <button type="button" onClick={syncNow} disabled={busy}>
        {busy ? t("syncing") : t("syncNow")}
      </button>
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
