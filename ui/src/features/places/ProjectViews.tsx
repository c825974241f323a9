import { useState, type FormEvent } from "react";
import type { BackendError, ProjectInfo, ProjectStatus, ProjectView } from "../../backend";
import { PROJECT_STATUSES, toError } from "../../backend";
import { formatMoney, parseDecimal } from "../../format";
import { useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { CreateCancel, CustomerSelect } from "../../shared/FormParts";
import { StatusBadge } from "../orders/StatusBadge";

/** Projects with their orders and money, open ones first. */
export function ProjectList({ onOpen, onNew, selectedId }: { onOpen: (id: string) => void; onNew: () => void; selectedId: string | null }) {
  const { t, lang } = useI18n();
  const list = useLoad((b) => b.listProjects(null), []);
  return (
    <>
      <div className="toolbar">
        <button className="primary" onClick={onNew}>
          + {t("newProject")}
        </button>
      </div>
      <ErrorNote error={list.error} />
      <table className="orders" aria-label={t("tab.projects")}>
        <thead>
          <tr>
            <th>{t("projectName")}</th>
            <th>{t("customer")}</th>
            <th>{t("status")}</th>
            <th>{t("tab.orders")}</th>
            <th className="num">{t("grossProfit")}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((p) => (
            <tr key={p.id} className={p.id === selectedId ? "selected" : ""} onClick={() => onOpen(p.id)} tabIndex={0} onKeyDown={(k) => k.key === "Enter" && onOpen(p.id)}>
              <td>
                {p.name}
                {p.pending && <span className="dot-pending" title={t("notSynced")} />}
                <div className="muted mono">{p.code}</div>
              </td>
              <td>{p.customer_name ?? "—"}</td>
              <td>{t(`projectStatus.${p.status}`)}</td>
              <td className="nowrap">{t("projectOrders", { n: p.order_count, open: p.open_orders })}</td>
              <td className="num">{formatMoney(p.gross_profit, p.currency, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.length === 0 && <p className="muted">{t("noProjects")}</p>}
    </>
  );
}

/** Create a project, or edit one (`existing`). The budget is typed in major units (yuan). */
export function ProjectForm({ existing, onDone, onCancel }: { existing?: ProjectView; onDone: (p: ProjectView) => void; onCancel: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const customers = useLoad((b) => b.listCustomers(), []).data ?? [];
  const [info, setInfo] = useState<ProjectInfo>(
    () =>
      existing ?? {
        name: "",
        code: "",
        customer_id: "",
        status: "active",
        start_on: null,
        end_on: null,
        budget_minor: null,
        currency: "CNY",
        description: "",
      },
  );
  const [budget, setBudget] = useState(existing?.budget_minor != null ? (existing.budget_minor / 100).toFixed(2) : "");
  const [error, setError] = useState<BackendError | null>(null);
  const set = (patch: Partial<ProjectInfo>) => setInfo((i) => ({ ...i, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const clean: ProjectInfo = {
        name: info.name,
        code: info.code,
        customer_id: info.customer_id,
        status: info.status,
        start_on: info.start_on || null,
        end_on: info.end_on || null,
        budget_minor: budget.trim() ? parseDecimal(budget, 2) : null,
        currency: info.currency.trim().toUpperCase(),
        description: info.description,
      };
      onDone(existing ? await backend.updateProject(existing.id, clean) : await backend.createProject(clean));
    } catch (err) {
      setError(toError(err));
    }
  };

  const title = existing ? t("editProject") : t("newProject");
  return (
    <form className="card form" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <CustomerSelect customers={customers} value={info.customer_id} onChange={(id) => set({ customer_id: id })} />
      <div className="row">
        <label>
          {t("projectName")}
          <input value={info.name} onChange={(e) => set({ name: e.target.value })} required />
        </label>
        <label>
          {t("projectCode")}
          <input value={info.code} onChange={(e) => set({ code: e.target.value })} />
        </label>
      </div>
      <div className="row">
        <label>
          {t("status")}
          <select value={info.status} onChange={(e) => set({ status: e.target.value as ProjectStatus })}>
            {PROJECT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`projectStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("startOn")}
          <input type="date" value={info.start_on ?? ""} onChange={(e) => set({ start_on: e.target.value || null })} />
        </label>
        <label>
          {t("endOn")}
          <input type="date" value={info.end_on ?? ""} onChange={(e) => set({ end_on: e.target.value || null })} />
        </label>
      </div>
      <div className="row">
        <label>
          {t("budget")}
          <input inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
        </label>
        <label>
          {t("currency")}
          <input value={info.currency} onChange={(e) => set({ currency: e.target.value })} maxLength={3} />
        </label>
      </div>
      <label>
        {t("description")}
        <textarea rows={3} value={info.description} onChange={(e) => set({ description: e.target.value })} />
      </label>
      <ErrorNote error={error} />
      <CreateCancel onCancel={onCancel} editing={!!existing} />
    </form>
  );
}

/** One project: facts, money against budget, its orders and its machines. */
export function ProjectDetail({ id, onOpenOrder, onOpenEquipment, onChanged }: { id: string; onOpenOrder: (id: string) => void; onOpenEquipment: (id: string) => void; onChanged: () => void }) {
  const { t, lang, formatShort } = useI18n();
  const [editing, setEditing] = useState(false);
  const project = useLoad((b) => b.listProjects(null).then((all) => all.find((p) => p.id === id) ?? null), [id, editing]);
  const orders = useLoad((b) => b.listOrders({ project_id: id }), [id]);
  const machines = useLoad((b) => b.listEquipment({ project_id: id }), [id]);
  const p = project.data;
  if (!p) return <ErrorNote error={project.error} />;
  if (editing)
    return (
      <ProjectForm
        existing={p}
        onDone={() => {
          setEditing(false);
          onChanged();
        }}
        onCancel={() => setEditing(false)}
      />
    );
  const money = (minor: number) => formatMoney(minor, p.currency, lang);
  return (
    <article className="detail" aria-label={p.name}>
      <header className="detail-head">
        <h2>
          {p.name} <span className="muted mono">{p.code}</span>
        </h2>
        <button onClick={() => setEditing(true)}>{t("edit")}</button>
      </header>
      <dl className="facts">
        <dt>{t("customer")}</dt>
        <dd>{p.customer_name}</dd>
        <dt>{t("status")}</dt>
        <dd>{t(`projectStatus.${p.status}`)}</dd>
        <dt>{t("startOn")}</dt>
        <dd>
          {p.start_on ?? "—"} → {p.end_on ?? "—"}
        </dd>
        <dt>{t("chargesNet")}</dt>
        <dd className="num">{money(p.charges_net)}</dd>
        <dt>{t("costsTotal")}</dt>
        <dd className="num">{money(p.costs_total)}</dd>
        <dt>{t("grossProfit")}</dt>
        <dd className="num" data-testid="project-profit">
          {money(p.gross_profit)}
        </dd>
        {p.budget_minor !== null && (
          <>
            <dt>{t("budgetUsed")}</dt>
            <dd className="num">
              {money(p.costs_total)} / {money(p.budget_minor)}
            </dd>
          </>
        )}
        {p.description && (
          <>
            <dt>{t("description")}</dt>
            <dd>{p.description}</dd>
          </>
        )}
      </dl>
      <h3>{t("tab.orders")}</h3>
      <ErrorNote error={orders.error} />
      <ul className="plain">
        {orders.data?.map((o) => (
          <li key={o.id}>
            <button className="link" onClick={() => onOpenOrder(o.id)}>
              {o.display_number}
            </button>{" "}
            <StatusBadge status={o.status} /> <span className="muted">{o.scheduled_start ? formatShort(o.scheduled_start) : ""}</span>
            <div className="clamp">{o.description}</div>
          </li>
        ))}
      </ul>
      <h3>{t("equipment")}</h3>
      <ul className="plain">
        {machines.data?.map((m) => (
          <li key={m.id}>
            <button className="link" onClick={() => onOpenEquipment(m.id)}>
              {m.name}
            </button>{" "}
            <span className="muted">
              {m.model} · {m.serial}
            </span>
          </li>
        ))}
      </ul>
    </article>
  );
}
