import type { OrderType, PartView, UserInfo } from "../backend";
import { ORDER_TYPES } from "../backend";
import { useI18n } from "../i18n";

/** The labelled order-type picker used by the order form and the template editor. */
export function OrderTypeSelect({ value, onChange }: { value: OrderType; onChange: (t: OrderType) => void }) {
  const { t } = useI18n();
  return (
    <label>
      {t("type")}
      <select value={value} onChange={(e) => onChange(e.target.value as OrderType)}>
        {ORDER_TYPES.map((ty) => (
          <option key={ty} value={ty}>
            {t(`type.${ty}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Create (or Save, when editing) and Cancel at the foot of a form. */
export function CreateCancel({ onCancel, editing }: { onCancel: () => void; editing?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button className="primary" type="submit">
        {editing ? t("save") : t("create")}
      </button>
      <button type="button" onClick={onCancel}>
        {t("cancel")}
      </button>
    </div>
  );
}

/** A customer picker over the customers this device knows. */
export function CustomerSelect({ value, onChange, customers }: { value: string; onChange: (id: string) => void; customers: { id: string; name: string }[] }) {
  const { t } = useI18n();
  return (
    <label>
      {t("customer")}
      <select value={value} onChange={(e) => onChange(e.target.value)} required>
        <option value="">{t("chooseCustomer")}</option>
        {customers.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** "From" and "To" dates (YYYY-MM-DD) of a report's period. */
export function DateRange({ from, to, onFrom, onTo }: { from: string; to: string; onFrom: (d: string) => void; onTo: (d: string) => void }) {
  const { t } = useI18n();
  return (
    <>
      <label className="mini">
        {t("from")}
        <input type="date" value={from} onChange={(e) => onFrom(e.target.value)} />
      </label>
      <label className="mini">
        {t("to")}
        <input type="date" value={to} onChange={(e) => onTo(e.target.value)} />
      </label>
    </>
  );
}

/** Where an export was saved, with a link that downloads it. */
export function SavedNotice({ saved, testId }: { saved: { path: string; href: string }; testId: string }) {
  const { t } = useI18n();
  return (
    <p className="notice" role="status" data-testid={testId}>
      {t("exportSaved", { path: saved.path })}{" "}
      <a href={saved.href} download={saved.path.split("/").pop()}>
        {t("download")}
      </a>
    </p>
  );
}

/** One option of a `Choice`. */
export interface ChoiceOption {
  value: string;
  label: string;
}

/** A labelled drop-down. `blank`, when given, is a first option meaning "nothing chosen" (value ""). */
export function Choice({ label, value, onChange, options, blank }: { label: string; value: string; onChange: (value: string) => void; options: ChoiceOption[]; blank?: string }) {
  return (
    <label>
      {label}
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
        {blank !== undefined && <option value="">{blank}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Catalogue parts as choices: "SKU 中文名". */
export const partChoices = (parts: PartView[]): ChoiceOption[] => parts.map((p) => ({ value: p.id, label: `${p.sku} ${p.name_zh}` }));

/** Categories as choices, by their path from the top. */
export const categoryChoices = (categories: { id: string; path: string }[]): ChoiceOption[] => categories.map((c) => ({ value: c.id, label: c.path }));

/** People or places as choices, by name. */
export const namedChoices = (items: { id: string; name: string }[]): ChoiceOption[] => items.map((i) => ({ value: i.id, label: i.name }));

/** Which part and how many: the pair every stock form asks for. */
export function PartQty({ parts, part, setPart, qty, setQty }: { parts: PartView[]; part: string; setPart: (id: string) => void; qty: string; setQty: (q: string) => void }) {
  const { t } = useI18n();
  return (
    <>
      <Choice label={t("part")} value={part} onChange={setPart} options={partChoices(parts)} blank="—" />
      <label>
        {t("quantity")}
        <input aria-label={t("quantity")} inputMode="numeric" value={qty} onChange={(e) => setQty(e.target.value)} />
      </label>
    </>
  );
}

/** Narrows a list to one technician's work ("All technicians" when empty). */
export function TechnicianFilter({ directory, value, onChange }: { directory: UserInfo[]; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={t("assignees")}>
      <option value="">{t("allTechnicians")}</option>
      {directory
        .filter((u) => u.role === "technician")
        .map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
    </select>
  );
}
