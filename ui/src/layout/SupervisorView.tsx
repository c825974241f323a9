import { X } from "lucide-react";
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { Status, UserInfo } from "../backend";
import { STATUSES } from "../backend";
import { useBackend, useLoad, userName } from "../context";
import { useI18n } from "../i18n";
import { AttendanceView } from "../features/field/Attendance";
import { BoardView } from "../features/orders/BoardView";
import { CustomerForm } from "../features/places/CustomerForm";
import { CustomerList } from "../features/places/CustomersView";
import { ErrorNote } from "../shared/ErrorNote";
import { TechnicianFilter } from "../shared/FormParts";
import { FieldMap } from "../features/field/FieldMap";
import { OrderDetailView } from "../features/orders/OrderDetailView";
import { EquipmentDetail, EquipmentForm, EquipmentList } from "../features/places/EquipmentViews";
import { OrderForm } from "../features/orders/OrderForm";
import { PartsTab } from "../features/parts/PartsViews";
import { ProjectDetail, ProjectForm, ProjectList } from "../features/places/ProjectViews";
import { RecordsView } from "../features/orders/RecordsView";
import { SettlementView } from "../features/orders/SettlementView";
import { TemplatesView } from "../features/settings/TemplatesView";
import { CompanyProfileSetting } from "../features/settings/CompanyProfileSetting";
import { TileServiceSetting } from "../features/field/TileServiceSetting";
import { WorkDaySetting } from "../features/orders/WorkDaySetting";
import { Dashboard } from "../features/statistics/Dashboard";
import { AuditView } from "../features/people/AuditView";
import { PeopleView } from "../features/people/PeopleView";
import { TeamsSetting } from "../features/people/TeamsSetting";
import { StatusBadge } from "../features/orders/StatusBadge";
import { AlertsTab } from "../features/alerts/AlertsTab";
import { PlansPanel } from "../features/alerts/PlansPanel";
import { AlertRulesView } from "../features/alerts/AlertRulesView";
import { NotifyTab } from "../features/notify/NotifyTab";
import { KnowledgeView } from "../features/knowledge/KnowledgeView";
import { ResponseTargetsSetting } from "../features/statistics/ResponseTargetsSetting";

type Panel =
  | { kind: "order"; id: string }
  | { kind: "new-order"; customerId?: string }
  | { kind: "new-customer"; then: "order" | "customer" }
  | { kind: "customer"; id: string }
  | { kind: "equipment"; id: string }
  | { kind: "new-equipment" }
  | { kind: "project"; id: string }
  | { kind: "new-project" }
  | null;
/** Tabs that never open anything in the side pane: they take the whole width. */
const WIDE_TABS: Tab[] = ["templates", "people", "notify", "audit", "knowledge"];
type Tab = "dashboard" | "alerts" | "orders" | "customers" | "board" | "map" | "attendance" | "parts" | "conflicts" | "settlement" | "records" | "equipment" | "projects" | "knowledge" | "templates" | "people" | "notify" | "audit";

/** Desktop layout: filters and the order list on the left, the selected order or a form on the right. */
export function SupervisorView({ directory, isAdmin, meId }: { directory: UserInfo[]; isAdmin?: boolean; meId?: string }) {
  const TABS: Tab[] = ["dashboard", "orders", "customers", "alerts", "board", "map", "attendance", "parts", "conflicts", "settlement", "records", "equipment", "projects", "knowledge", ...(isAdmin ? (["templates", "people", "notify", "audit"] as Tab[]) : [])];
  const { t, formatShort } = useI18n();
  const [status, setStatus] = useState<Status | "">("");
  const [assignee, setAssignee] = useState("");
  const [text, setText] = useState("");
  const [panel, setPanel] = useState<Panel>(null);
  // The dashboard is the supervisor's home: the day's figures first, the lists one tab away.
  const [tab, setTab] = useState<Tab>("dashboard");
  const orders = useLoad(
    (b) => b.listOrders({ status: status || null, statuses: tab === "conflicts" ? ["conflict"] : null, assignee: assignee || null, text: text || null }),
    [status, assignee, text, tab],
  );
  // Customers' portal requests wait for a supervisor: the Orders tab says how many.
  const requested = useLoad((b) => b.listOrders({ status: "requested" }), []).data?.length ?? 0;
  const open = useCallback((id: string) => setPanel({ kind: "order", id }), []);
  const selectedId = panel?.kind === "order" ? panel.id : null;
  const detail = useLoad((b) => (selectedId ? b.getOrder(selectedId) : Promise.resolve(null)), [selectedId]);
  const customerId = panel?.kind === "customer" ? panel.id : null;
  const customer = useLoad((b) => (customerId ? b.getCustomer(customerId) : Promise.resolve(null)), [customerId]);
  // Lists reload after an edit in the side pane.
  const [listVersion, setListVersion] = useState(0);
  const bump = () => setListVersion((v) => v + 1);
  const pane = usePaneWidth();

  return (
    // The side pane opens only with something in it: the list has the whole width otherwise.
    <div
      ref={pane.container}
      className={WIDE_TABS.includes(tab) || panel === null ? "desktop wide" : "desktop"}
      style={!WIDE_TABS.includes(tab) && panel !== null && pane.width ? { gridTemplateColumns: `minmax(0, 1fr) ${pane.width}px` } : undefined}
    >
      <section className="list-pane">
        <nav className="tabs" role="tablist">
          {TABS.map((k) => (
            <button key={k} role="tab" aria-selected={tab === k} className={tab === k ? "tab on" : "tab"} onClick={() => setTab(k)}>
              {t(`tab.${k}`)}
              {k === "orders" && requested > 0 && (
                <span className="badge new" data-testid="new-requests" title={t("newRequests", { n: requested })}>
                  {requested}
                </span>
              )}
            </button>
          ))}
        </nav>
        {tab === "board" && <BoardView onOpen={open} onChanged={() => detail.reload()} />}
        {tab === "dashboard" && <Dashboard directory={directory} onOpen={open} />}
        {tab === "alerts" && <AlertsTab directory={directory} onOpen={open} />}
        {tab === "settlement" && <SettlementView onOpen={open} />}
        {tab === "records" && <RecordsView directory={directory} onOpen={open} />}
        {tab === "templates" && (
          <>
            <CompanyProfileSetting />
            <TileServiceSetting />
            <WorkDaySetting />
            <TemplatesView />
            <AlertRulesView />
            <ResponseTargetsSetting />
          </>
        )}
        {tab === "people" && (
          <>
            <PeopleView meId={meId ?? ""} />
            <TeamsSetting directory={directory} />
          </>
        )}
        {tab === "notify" && <NotifyTab />}
        {tab === "audit" && <AuditView />}
        {tab === "knowledge" && (
          <KnowledgeView directory={directory} canManage canWrite onOpenOrder={(id) => {
              setTab("orders");
              open(id);
            }} />
        )}
        {tab === "map" && <FieldMap directory={directory} onOpen={open} />}
        {tab === "attendance" && <AttendanceView directory={directory} onOpen={open} />}
        {tab === "parts" && <PartsTab directory={directory} me={meId ?? ""} />}
        {tab === "equipment" && (
          <EquipmentList
            key={listVersion}
            selectedId={panel?.kind === "equipment" ? panel.id : null}
            onOpen={(id) => setPanel({ kind: "equipment", id })}
            onNew={() => setPanel({ kind: "new-equipment" })}
          />
        )}
        {tab === "customers" && (
          <CustomerList
            key={listVersion}
            selectedId={customerId}
            onOpen={(id) => setPanel({ kind: "customer", id })}
            onNew={() => setPanel({ kind: "new-customer", then: "customer" })}
          />
        )}
        {tab === "projects" && (
          <ProjectList
            key={listVersion}
            selectedId={panel?.kind === "project" ? panel.id : null}
            onOpen={(id) => setPanel({ kind: "project", id })}
            onNew={() => setPanel({ kind: "new-project" })}
          />
        )}
        {(tab === "orders" || tab === "conflicts") && (
          <>
        <div className="toolbar">
          <button className="primary" onClick={() => setPanel({ kind: "new-order" })}>
            + {t("newOrder")}
          </button>
          <button onClick={() => setPanel({ kind: "new-customer", then: "order" })}>+ {t("newCustomer")}</button>
        </div>
        <div className="filters">
          <input type="search" placeholder={t("search")} value={text} onChange={(e) => setText(e.target.value)} aria-label={t("search")} />
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")} aria-label={t("status")}>
            <option value="">{t("allStatuses")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
          <TechnicianFilter directory={directory} value={assignee} onChange={setAssignee} />
        </div>
        <ErrorNote error={orders.error} />
        <table className="orders">
          <thead>
            <tr>
              <th>{t("orderNumber")}</th>
              <th>{t("customer")}</th>
              <th>{t("type")}</th>
              <th>{t("priority")}</th>
              <th>{t("status")}</th>
              <th>{t("assignees")}</th>
              <th>{t("scheduled")}</th>
            </tr>
          </thead>
          <tbody>
            {orders.data?.map((o) => (
              <tr key={o.id} className={o.id === selectedId ? "selected" : ""} onClick={() => setPanel({ kind: "order", id: o.id })} tabIndex={0} onKeyDown={(e) => e.key === "Enter" && setPanel({ kind: "order", id: o.id })}>
                <td className="mono nowrap">{o.display_number}</td>
                <td>
                  {o.customer_name ?? "—"}
                  {o.pending && <span className="dot-pending" title={t("notSynced")} />}
                  <div className="muted clamp">{o.description}</div>
                </td>
                <td>{t(`type.${o.order_type}`)}</td>
                <td className={`prio-${o.priority}`}>{t(`priority.${o.priority}`)}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td>{o.assignees.map((a) => userName(directory, a)).join(", ") || "—"}</td>
                <td><span className="nowrap">{o.scheduled_start ? formatShort(o.scheduled_start) : "—"}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
        {orders.data?.length === 0 && <p className="muted">{tab === "conflicts" ? t("noConflicts") : t("noOrders")}</p>}
          </>
        )}
      </section>
      {!WIDE_TABS.includes(tab) && panel !== null && (
      <section className="side-pane" aria-label={t("details")}>
        <div
          className="pane-resizer"
          role="separator"
          aria-orientation="vertical"
          aria-label={t("resizePane")}
          aria-valuenow={pane.width ?? undefined}
          tabIndex={0}
          onPointerDown={pane.startDrag}
          onKeyDown={pane.onKey}
        />
        <button className="link close-pane" aria-label={t("closePane")} title={t("closePane")} onClick={() => setPanel(null)}>
          <X size={18} aria-hidden />
        </button>
        {panel?.kind === "new-customer" && (
          <CustomerForm
            onDone={(c) => {
              bump();
              setPanel(panel.then === "order" ? { kind: "new-order", customerId: c.id } : { kind: "customer", id: c.id });
            }}
            onCancel={() => setPanel(null)}
          />
        )}
        {panel?.kind === "customer" && customer.data && (
          <CustomerForm
            // A new key after each save: new contacts and sites get their stored ids.
            key={`${customer.data.id}:${listVersion}`}
            existing={customer.data}
            onDone={() => {
              bump();
              customer.reload();
            }}
            onCancel={() => setPanel(null)}
          />
        )}
        {panel?.kind === "customer" && <ErrorNote error={customer.error} />}
        {panel?.kind === "new-order" && (
          <OrderForm
            key={panel.customerId ?? "new"}
            customerId={panel.customerId}
            onDone={(o) => {
              orders.reload();
              setPanel({ kind: "order", id: o.id });
            }}
            onCancel={() => setPanel(null)}
          />
        )}
        {panel?.kind === "order" && detail.data && (
          <OrderDetailView
            key={detail.data.id}
            order={detail.data}
            directory={directory}
            onChanged={() => {
              detail.reload();
              orders.reload();
            }}
          />
        )}
        {panel?.kind === "order" && <ErrorNote error={detail.error} />}
        {panel?.kind === "new-equipment" && (
          <EquipmentForm
            onDone={(e) => {
              bump();
              setPanel({ kind: "equipment", id: e.id });
            }}
            onCancel={() => setPanel(null)}
          />
        )}
        {panel?.kind === "equipment" && (
          <>
            <EquipmentDetail key={panel.id} id={panel.id} onOpenOrder={open} onChanged={bump} />
            <PlansPanel key={`plans-${panel.id}`} owner={{ kind: "equipment", id: panel.id }} canEdit />
          </>
        )}
        {panel?.kind === "new-project" && (
          <ProjectForm
            onDone={(p) => {
              bump();
              setPanel({ kind: "project", id: p.id });
            }}
            onCancel={() => setPanel(null)}
          />
        )}
        {panel?.kind === "project" && (
          <>
            <ProjectDetail key={panel.id} id={panel.id} onOpenOrder={open} onOpenEquipment={(id) => setPanel({ kind: "equipment", id })} onChanged={bump} />
            <PlansPanel key={`project-plans-${panel.id}`} owner={{ kind: "project", id: panel.id }} canEdit />
          </>
        )}
      </section>
      )}
    </div>
  );
}

const PANE_MIN = 340;
/** The list keeps at least this much. */
const LIST_MIN = 420;

/** The side pane's width, dragged on its left edge (or moved with the arrow keys), kept with
 * this device's data for next time. Null: the layout's own proportion. */
function usePaneWidth() {
  const backend = useBackend();
  const container = useRef<HTMLDivElement>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const saved = useLoad((b) => b.sidePaneWidth(), []).data;
  const width = dragged ?? (saved && saved >= PANE_MIN ? saved : null);
  const fit = (w: number) => {
    const total = container.current?.clientWidth ?? 1280;
    return Math.round(Math.min(Math.max(w, PANE_MIN), Math.max(total - LIST_MIN, PANE_MIN)));
  };
  const keep = (w: number) => void backend.setSidePaneWidth(w).catch(() => undefined);
  const startDrag = (e: PointerEvent<HTMLDivElement>) => {
    const box = container.current?.getBoundingClientRect();
    if (!box) return;
    e.preventDefault();
    let last: number | null = null;
    const move = (m: globalThis.PointerEvent) => {
      last = fit(box.right - 16 - m.clientX);
      setDragged(last);
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      if (last !== null) keep(last);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const current = width ?? (e.currentTarget.parentElement?.clientWidth ?? PANE_MIN);
    const step = e.key === "ArrowLeft" ? 24 : e.key === "ArrowRight" ? -24 : 0;
    if (!step) return;
    const next = fit(current + step);
    setDragged(next);
    keep(next);
  };
  return { container, width, startDrag, onKey };
}
