import type { SyncStatus } from "../../backend";
import { useI18n } from "../../i18n";

/** A first sync under way: records received of all the person may read, with a bar. Shown in
 * the sync bar, and on the sign-in screen while signing in brings the first sync. */
export function FirstSyncProgress({ status }: { status: SyncStatus | null }) {
  const { lang, t } = useI18n();
  const progress = status?.first_sync;
  if (!progress) return null;
  return (
    <span className="badge first-sync" role="status" data-testid="first-sync">
      {t("firstSync", { received: progress.received.toLocaleString(lang), total: progress.total.toLocaleString(lang) })}
      <progress max={progress.total} value={progress.received} />
    </span>
  );
}
