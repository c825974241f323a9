import { useState } from "react";
import type { UserInfo } from "../../backend";
import { useI18n } from "../../i18n";
import { AlertsView } from "./AlertsView";
import { VisitCalendar } from "./VisitCalendar";

/** The supervisor's alerts tab: the alert list, or the month calendar of planned visits. */
export function AlertsTab({ directory, onOpen }: { directory: UserInfo[]; onOpen: (orderId: string) => void }) {
  const { t } = useI18n();
  const [view, setView] = useState<"list" | "calendar">("list");
  return (
    <>
      <div className="segmented" role="tablist">
        {(["list", "calendar"] as const).map((v) => (
          <button key={v} role="tab" aria-selected={view === v} className={view === v ? "on" : ""} onClick={() => setView(v)}>
            {t(`alerts.${v}`)}
          </button>
        ))}
      </div>
      {view === "list" ? <AlertsView directory={directory} canManage onOpenOrder={onOpen} /> : <VisitCalendar onOpenOrder={onOpen} />}
    </>
  );
}
