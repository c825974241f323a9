import { useState } from "react";
import type { Plan, PlanView } from "../../backend";
import { ORDER_TYPES, PERIOD_UNITS, PLAN_ANCHORS, PLAN_KINDS } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

function blankPlan(today: string): Plan {
  return {
    name: "",
    kind: "maintenance",
    every: 3,
    unit: "months",
    start: today,
    end: null,
    anchor: "planned",
    order_type: "maintenance",
    duration_min: 120,
    technician_id: null,
    days_ahead: 7,
    rule: null,
  };
}

/** Common recurrence rules, as examples to start from (RFC 5545). */
const RULE_EXAMPLES = ["FREQ=MONTHLY;INTERVAL=3;BYDAY=+2TU", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=WEEKLY;BYDAY=MO", "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=15"];

/** Whose plans: one machine's (its own and its project's), or a project's (for all its machines). */
export type PlanOwner = { kind: "equipment"; id: string } | { kind: "project"; id: string };

/**
 * Maintenance and inspection plans with the visit each has due; supervisors edit them. A
 * machine shows its project's plans too, edited on the project.
 */
export function PlansPanel({ owner, canEdit }: { owner: PlanOwner; canEdit: boolean }) {
  const { t } = useI18n();
  const plans = useLoad((b) => (owner.kind === "equipment" ? b.equipmentPlans(owner.id) : b.projectPlans(owner.id)), [owner.kind, owner.id]);
  const [editing, setEditing] = useState<{ id: string | null; plan: Plan } | null>(null);
  // The device's local date ("sv" writes YYYY-MM-DD): only the new plan's first guess.
  const today = new Date().toLocaleDateString("sv");
  return (
    <section className="plans" aria-label={t("plans.title")}>
      <h3>{t("plans.title")}</h3>
      <ErrorNote error={plans.error} />
      {plans.data?.length === 0 && <p className="muted">{t("plans.none")}</p>}
      <ul className="plain">
        {plans.data?.map((p) => (
          <li key={p.id} data-testid="plan">
            <strong>{p.name || t(`planKind.${p.kind}`)}</strong> ·{" "}
            {p.rule ? t("plans.ruleShown", { rule: p.rule }) : <>{t("plans.every", { n: p.every, unit: t(`periodUnit.${p.unit}`) })} · {t(`planAnchor.${p.anchor}`)}</>}
            <div className="muted small">
              {owner.kind === "project" ? t("plans.everyMachine") : p.next_due ? t("plans.nextDue", { date: p.next_due }) : t("plans.ended")}
              {p.technician_name && <> · {p.technician_name}</>}
              {owner.kind === "equipment" && p.project_id && <> · {t("plans.fromProject")}</>}
            </div>
            {canEdit && (owner.kind === "project" || !p.project_id) && (
              <button className="link" onClick={() => setEditing({ id: p.id, plan: planOf(p) })}>
                {t("edit")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && !editing && <button onClick={() => setEditing({ id: null, plan: blankPlan(today) })}>+ {t("plans.add")}</button>}
      {editing && (
        <PlanForm
          owner={owner}
          planId={editing.id}
          initial={editing.plan}
          onDone={() => {
            setEditing(null);
            plans.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </section>
  );
}

function planOf(v: PlanView): Plan {
  return {
    name: v.name,
    kind: v.kind,
    every: v.every,
    unit: v.unit,
    start: v.start,
    end: v.end,
    anchor: v.anchor,
    order_type: v.order_type,
    duration_min: v.duration_min,
    technician_id: v.technician_id,
    days_ahead: v.days_ahead,
    rule: v.rule ?? null,
  };
}

function PlanForm({ owner, planId, initial, onDone, onCancel }: { owner: PlanOwner; planId: string | null; initial: Plan; onDone: () => void; onCancel: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const technicians = useLoad((b) => b.technicians(), []);
  const [p, setP] = useState<Plan>(initial);
  const set = (patch: Partial<Plan>) => setP({ ...p, ...patch });
  // An empty or fractional box is sent as a whole number; the core says what range it takes.
  const num = (v: string) => Math.trunc(Number(v) || 0);
  const save = async () => {
    const saving = () => (owner.kind === "equipment" ? backend.savePlan(owner.id, planId, p) : backend.saveProjectPlan(owner.id, planId, p));
    if (await action.run(saving)) onDone();
  };
  const remove = async () => {
    if (!planId) return;
    const removing = () => (owner.kind === "equipment" ? backend.deletePlan(owner.id, planId) : backend.deleteProjectPlan(owner.id, planId));
    if (await action.run(removing)) onDone();
  };
  return (
    <div className="form plan-form" role="form" aria-label={t("plans.edit")}>
      <label>
        {t("plans.name")}
        <input value={p.name} onChange={(e) => set({ name: e.target.value })} placeholder={t(`planKind.${p.kind}`)} />
      </label>
      <label>
        {t("plans.kind")}
        <select value={p.kind} onChange={(e) => set({ kind: e.target.value as Plan["kind"] })}>
          {PLAN_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`planKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("plans.repeat")}
        <select value={p.rule === null || p.rule === undefined ? "interval" : "rule"} onChange={(e) => set({ rule: e.target.value === "rule" ? RULE_EXAMPLES[0] : null })}>
          <option value="interval">{t("plans.repeatInterval")}</option>
          <option value="rule">{t("plans.repeatRule")}</option>
        </select>
      </label>
      {p.rule !== null && p.rule !== undefined ? (
        <>
          <label>
            {t("plans.rule")}
            <input value={p.rule} onChange={(e) => set({ rule: e.target.value })} list="rule-examples" spellCheck={false} aria-describedby="rule-hint" />
          </label>
          <datalist id="rule-examples">
            {RULE_EXAMPLES.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
          <p className="muted small" id="rule-hint">
            {t("plans.ruleHint")}
          </p>
        </>
      ) : (
      <div className="row">
        <label>
          {t("plans.everyLabel")}
          <input type="number" min={1} value={p.every || ""} onChange={(e) => set({ every: num(e.target.value) })} />
        </label>
        <label>
          {t("plans.unit")}
          <select value={p.unit} onChange={(e) => set({ unit: e.target.value as Plan["unit"] })}>
            {PERIOD_UNITS.map((u) => (
              <option key={u} value={u}>
                {t(`periodUnit.${u}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      )}
      <div className="row">
        <label>
          {t("plans.start")}
          <input type="date" value={p.start} onChange={(e) => set({ start: e.target.value })} />
        </label>
        <label>
          {t("plans.end")}
          <input type="date" value={p.end ?? ""} onChange={(e) => set({ end: e.target.value || null })} />
        </label>
      </div>
      {!p.rule && (
      <label>
        {t("plans.anchor")}
        <select value={p.anchor} onChange={(e) => set({ anchor: e.target.value as Plan["anchor"] })}>
          {PLAN_ANCHORS.map((a) => (
            <option key={a} value={a}>
              {t(`planAnchor.${a}`)}
            </option>
          ))}
        </select>
      </label>
      )}
      <div className="row">
        <label>
          {t("type")}
          <select value={p.order_type} onChange={(e) => set({ order_type: e.target.value as Plan["order_type"] })}>
            {ORDER_TYPES.map((o) => (
              <option key={o} value={o}>
                {t(`type.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("plans.duration")}
          <input type="number" min={0} value={p.duration_min || ""} onChange={(e) => set({ duration_min: num(e.target.value) })} />
        </label>
        <label>
          {t("plans.daysAhead")}
          <input type="number" min={0} value={p.days_ahead || ""} onChange={(e) => set({ days_ahead: num(e.target.value) })} />
        </label>
      </div>
      <label>
        {t("plans.technician")}
        <select value={p.technician_id ?? ""} onChange={(e) => set({ technician_id: e.target.value || null })}>
          <option value="">{t("plans.noTechnician")}</option>
          {(technicians.data ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={action.error} />
      <div className="toolbar">
        <button className="primary" onClick={save}>
          {t("save")}
        </button>
        <button onClick={onCancel}>{t("cancel")}</button>
        {planId && (
          <button className="link danger" onClick={remove}>
            {t("plans.delete")}
          </button>
        )}
      </div>
    </div>
  );
}
