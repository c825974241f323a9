import { useI18n } from "../i18n";
import { parseNumber } from "../format";

/**
 * A number typed by a person (a decimal comma is fine). Says at once, while typing, when the
 * text is not a number, with an example; the range rules stay with the device's checks.
 */
export function DecimalField({ label, value, onChange, example, required }: { label: string; value: string; onChange: (v: string) => void; example: string; required?: boolean }) {
  const { t } = useI18n();
  const wrong = value.trim() !== "" && Number.isNaN(parseNumber(value));
  return (
    <label>
      {label}
      <input inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value)} required={required} aria-invalid={wrong} />
      {wrong && (
        <small className="field-hint" role="alert">
          {t("typeANumber", { example })}
        </small>
      )}
    </label>
  );
}
