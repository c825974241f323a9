import { useEffect, useState } from "react";
import type { BackendError, OrderType, Template, TemplateView } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { OrderTypeSelect } from "../../shared/FormParts";
import { SettingSwitch } from "../../shared/SettingSwitch";

/** Administrators edit each order type's template: checklist, signature, rating, duration. */
export function TemplatesView() {
  const backend = useBackend();
  const { t } = useI18n();
  const loaded = useLoad((b) => b.templates(), []);
  const [orderType, setOrderType] = useState<OrderType>("repair");
  const [draft, setDraft] = useState<Template | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [saved, setSaved] = useState(false);
  // A reload (a sync brings the templates again) replaces the draft only while nobody edits it.
  const [edited, setEdited] = useState(false);
  const current = loaded.data?.find((x) => x.order_type === orderType) ?? null;

  useEffect(() => {
    if (current && !edited) {
      const { order_type: _ignored, ...template } = current as TemplateView;
      void _ignored;
      setDraft({ ...template, checklist: template.checklist.map((i) => ({ ...i })) });
    }
  }, [current, edited]);
  const edit = (next: Template) => {
    setSaved(false);
    setEdited(true);
    setDraft(next);
  };

  if (!draft) return <ErrorNote error={loaded.error} />;
  const items = draft.checklist;
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      await backend.saveTemplate(orderType, draft);
      setEdited(false);
      loaded.reload();
      setSaved(true);
    } catch (e) {
      setError(toError(e));
    }
  };
  return (
    <>
    <GeofenceDefault />
    <SettingSwitch label={t("photoWatermark")} load={(b) => b.photoWatermark()} save={(b, on) => b.setPhotoWatermark(on)} />
    <SettingSwitch label={t("portalShowsPhone")} load={(b) => b.portalShowsPhone()} save={(b, on) => b.setPortalShowsPhone(on)} />
    <section className="templates" aria-label={t("templates")}>
      <OrderTypeSelect
        value={orderType}
        onChange={(next) => {
          // Another type's template: show it as stored.
          setEdited(false);
          setOrderType(next);
        }}
      />
      <h3>{t("checklist")}</h3>
      {items.map((item, i) => (
        <div className="line-form" key={i}>
          <input aria-label={`${t("checklist")} ${i + 1}`} value={item.label} onChange={(e) => edit({ ...draft, checklist: items.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })} />
          <label className="check">
            <input type="checkbox" checked={item.required} onChange={(e) => edit({ ...draft, checklist: items.map((x, j) => (j === i ? { ...x, required: e.target.checked } : x)) })} />
            {t("required")}
          </label>
          <button className="link" onClick={() => edit({ ...draft, checklist: items.filter((_, j) => j !== i) })}>
            {t("remove")}
          </button>
        </div>
      ))}
      <button onClick={() => edit({ ...draft, checklist: [...items, { label: "", required: false }] })}>+ {t("addItem")}</button>
      <label className="check">
        <input type="checkbox" checked={draft.signature_required} onChange={(e) => edit({ ...draft, signature_required: e.target.checked })} />
        {t("signatureRequired")}
      </label>
      <label className="check">
        <input type="checkbox" checked={draft.rating_asked} onChange={(e) => edit({ ...draft, rating_asked: e.target.checked })} />
        {t("ratingAsked")}
      </label>
      <label>
        {t("defaultDuration")}
        <input type="number" min={0} value={draft.default_duration_min} onChange={(e) => edit({ ...draft, default_duration_min: Number(e.target.value) })} />
      </label>
      <ErrorNote error={error ?? loaded.error} />
      <div className="actions">
        <button className="primary" onClick={save}>
          {t("save")}
        </button>
        {saved && <span className="muted">{t("saved")}</span>}
      </div>
    </section>
    </>
  );
}

/** The company-wide geofence radius used by sites that set none. */
function GeofenceDefault() {
  const backend = useBackend();
  const { t } = useI18n();
  const current = useLoad((b) => b.geofenceDefault(), []);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const value = draft ?? (current.data === null ? "" : String(current.data));
  const save = async () => {
    setError(null);
    try {
      await backend.setGeofenceDefault(Number(value));
      setDraft(null);
      current.reload();
    } catch (e) {
      setError(toError(e));
    }
  };
  return (
    <section className="line-form" aria-label={t("geofenceDefault")}>
      <label>
        {t("geofenceDefault")}
        <input inputMode="numeric" value={value} onChange={(e) => setDraft(e.target.value)} />
      </label>
      <button onClick={save} disabled={draft === null}>
        {t("save")}
      </button>
      <ErrorNote error={error} />
    </section>
  );
}
