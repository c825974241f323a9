import type { OrderType } from "../backend";
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

/** Create and Cancel at the foot of a form. */
export function CreateCancel({ onCancel }: { onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button className="primary" type="submit">
        {t("create")}
      </button>
      <button type="button" onClick={onCancel}>
        {t("cancel")}
      </button>
    </div>
  );
}
