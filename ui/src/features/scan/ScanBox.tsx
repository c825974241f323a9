import { useState, type FormEvent } from "react";
import type { BackendError, EquipmentView, PartView, ScanHit } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

export type Found = { kind: "part"; part: PartView } | { kind: "equipment"; equipment: EquipmentView };

/**
 * A code field a USB scanner types into (it ends with Enter), or a person: a part's barcode or
 * SKU, a machine's serial number or label. What the code names comes from the device
 * (`scan_code`); several matches are offered to pick from.
 */
export function ScanBox({ onFound, only }: { onFound: (found: Found) => void; only?: "part" }) {
  const backend = useBackend();
  const { t, lang } = useI18n();
  const [code, setCode] = useState("");
  const [hit, setHit] = useState<ScanHit | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await look(code);
  };
  const camera = backend.scanWithCamera;
  const scanWithCamera = async () => {
    if (!camera) return;
    setError(null);
    try {
      const read = await camera();
      setCode(read);
      await look(read);
    } catch (err) {
      setError(toError(err));
    }
  };
  const look = async (code: string) => {
    setError(null);
    try {
      const found = await backend.scanCode(code);
      const usable: ScanHit =
        only === "part" && found.kind === "equipment"
          ? { kind: "nothing" }
          : only === "part" && found.kind === "several"
            ? found.parts.length === 1
              ? { kind: "part", part: found.parts[0] }
              : { ...found, equipment: [] }
            : found;
      setHit(usable);
      if (usable.kind === "part" || usable.kind === "equipment") {
        onFound(usable);
        setCode("");
      }
    } catch (err) {
      setError(toError(err));
    }
  };
  const pick = (found: Found) => {
    setHit(null);
    setCode("");
    onFound(found);
  };
  const partName = (p: PartView) => `${p.sku} · ${lang === "zh-CN" || !p.name_en ? p.name_zh : p.name_en}`;
  return (
    <form className="scan-box" onSubmit={submit} aria-label={t("scanFind")}>
      <input
        name="code"
        aria-label={t("scanCode")}
        placeholder={t(only === "part" ? "scanPartPlaceholder" : "scanPlaceholder")}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        autoComplete="off"
        enterKeyHint="search"
        required
      />
      <button type="submit">{t("find")}</button>
      {camera && (
        <button type="button" onClick={scanWithCamera}>
          {t("scanWithCamera")}
        </button>
      )}
      {hit?.kind === "nothing" && (
        <p className="muted" role="status">
          {t("scanNothing", { code })}
        </p>
      )}
      {hit?.kind === "several" && (
        <div className="scan-choices" role="group" aria-label={t("scanSeveral")}>
          <span className="muted">{t("scanSeveral")}</span>
          {hit.parts.map((p) => (
            <button type="button" key={p.id} onClick={() => pick({ kind: "part", part: p })}>
              {partName(p)}
            </button>
          ))}
          {hit.equipment.map((m) => (
            <button type="button" key={m.id} onClick={() => pick({ kind: "equipment", equipment: m })}>
              {m.name} · {m.serial}
            </button>
          ))}
        </div>
      )}
      <ErrorNote error={error} />
    </form>
  );
}
