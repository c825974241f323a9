import { OrderCards } from "../features/orders/OrderCards";
import { useState } from "react";
import type { UserInfo } from "../backend";
import { useLoad } from "../context";
import { useI18n } from "../i18n";
import { AttendanceBar } from "../features/field/Attendance";
import { ErrorNote } from "../shared/ErrorNote";
import { TechParts } from "../features/parts/PartsViews";
import { OrderDetailView } from "../features/orders/OrderDetailView";
import { ScanBox, type Found } from "../features/scan/ScanBox";
import { FoundCard } from "../features/scan/FoundCard";
import { AlertsView } from "../features/alerts/AlertsView";
import { KnowledgeView } from "../features/knowledge/KnowledgeView";

/** Tablet layout: big cards of my orders in schedule order; one tap opens the order. */
export function TechnicianView({ me, directory }: { me: UserInfo; directory: UserInfo[] }) {
  const { t } = useI18n();
  const [openId, setOpenId] = useState<string | null>(null);
  const [showParts, setShowParts] = useState(false);
  const [showAlerts, setShowAlerts] = useState(false);
  const [showKnowledge, setShowKnowledge] = useState(false);
  const [found, setFound] = useState<Found | null>(null);
  // Mine, and those taken from me that I have not seen yet (they say who took them over).
  const orders = useLoad((b) => b.listOrders({ assignee: me.id, reassigned_away: true }), [me.id]);
  const detail = useLoad((b) => (openId ? b.getOrder(openId) : Promise.resolve(null)), [openId]);

  if (openId && detail.data) {
    return (
      <div className="tablet">
        <button className="big back" onClick={() => setOpenId(null)}>
          ← {t("back")}
        </button>
        <OrderDetailView
          key={detail.data.id}
          order={detail.data}
          directory={directory}
          me={me.id}
          onChanged={() => {
            detail.reload();
            orders.reload();
          }}
          onGone={() => {
            setOpenId(null);
            orders.reload();
          }}
          large
        />
        <ErrorNote error={detail.error} />
      </div>
    );
  }
  return (
    <div className="tablet">
      <AttendanceBar />
      <ScanBox onFound={setFound} />
      {found && <FoundCard found={found} onOpenOrder={setOpenId} onClose={() => setFound(null)} />}
      <button className="big" aria-expanded={showParts} onClick={() => setShowParts((s) => !s)}>
        {t("myParts")}
      </button>
      {showParts && <TechParts directory={directory} me={me.id} />}
      <button className="big" aria-expanded={showAlerts} onClick={() => setShowAlerts((s) => !s)}>
        {t("alerts.techButton")}
      </button>
      {showAlerts && <AlertsView directory={directory} canManage={false} onOpenOrder={setOpenId} forTechnician />}
      <button className="big" aria-expanded={showKnowledge} onClick={() => setShowKnowledge((s) => !s)}>
        {t("knowledgeBase")}
      </button>
      {showKnowledge && <KnowledgeView directory={directory} canManage={false} canWrite onOpenOrder={setOpenId} />}
      <h2>{t("myOrders")}</h2>
      <ErrorNote error={orders.error} />
      {orders.data?.length === 0 && <p className="muted">{t("noOrdersTech")}</p>}
      <OrderCards orders={orders.data ?? []} onOpen={setOpenId} me={me.id} />
    </div>
  );
}
