import { lazy, Suspense, useCallback, useMemo, useState, type FormEvent } from "react";
import { Plus, Trash2 } from "lucide-react";
import type { BackendError, ContactInput, CustomerView, GeocodeHit, ReportLanguage } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { CreateCancel } from "../../shared/FormParts";
import { DecimalField } from "../../shared/DecimalField";
import { parseNumber } from "../../format";
import type { LatLon, MapPoint } from "../field/MapView";

const MapView = lazy(() => import("../field/MapView"));

const REPORT_LANGUAGES: ReportLanguage[] = ["both", "zh", "en"];

/** A site as typed: numbers stay text until saved, so a half-typed one is not lost. */
interface SiteDraft {
  id: string | null;
  name: string;
  address: string;
  lat: string;
  lon: string;
  fence: string;
}

const emptySite = (): SiteDraft => ({ id: null, name: "", address: "", lat: "", lon: "", fence: "" });
const emptyContact = (): ContactInput => ({ id: null, name: "", role: "", phone: "", email: "" });

/** Create a customer, or edit one (`existing`): contacts, sites (picked on the map or typed),
 * the language of their service reports. */
export function CustomerForm({ existing, onDone, onCancel }: { existing?: CustomerView; onDone: (c: CustomerView) => void; onCancel: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [name, setName] = useState(existing?.name ?? "");
  const [phone, setPhone] = useState(existing?.phone ?? "");
  const [region, setRegion] = useState(existing?.region ?? "");
  const [language, setLanguage] = useState<ReportLanguage>(existing?.report_language ?? "both");
  const [contacts, setContacts] = useState<ContactInput[]>(() => existing?.contacts.map((c) => ({ ...c })) ?? []);
  const [sites, setSites] = useState<SiteDraft[]>(
    () =>
      existing?.sites.map((s) => ({ id: s.id, name: s.name, address: s.address, lat: String(s.lat), lon: String(s.lon), fence: s.geofence_m == null ? "" : String(s.geofence_m) })) ?? [emptySite()],
  );
  const [error, setError] = useState<BackendError | null>(null);
  const title = existing ? t("editCustomer") : t("newCustomer");

  const setContact = (i: number, patch: Partial<ContactInput>) => setContacts((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const setSite = useCallback((i: number, patch: Partial<SiteDraft>) => setSites((ss) => ss.map((s, j) => (j === i ? { ...s, ...patch } : s))), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const typed = sites.map((s) => ({ ...s, la: parseNumber(s.lat), lo: parseNumber(s.lon) }));
    // Each field already says what is wrong; nothing to send until every position is numbers.
    if (typed.some((s) => Number.isNaN(s.la) || Number.isNaN(s.lo))) return;
    const input = {
      name,
      phone,
      region,
      report_language: language,
      contacts,
      sites: typed.map((s) => ({ id: s.id, name: s.name, address: s.address, lat: s.la, lon: s.lo, geofence_m: s.fence.trim() ? parseNumber(s.fence) : null })),
    };
    try {
      onDone(existing ? await backend.updateCustomer(existing.id, input) : await backend.createCustomer(input));
    } catch (err) {
      setError(toError(err));
    }
  };

  return (
    <form className="card form customer-form" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <label>
        {t("customer")}
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <div className="row">
        <label>
          {t("phone")}
          <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label>
          {t("region")}
          <input value={region} onChange={(e) => setRegion(e.target.value)} placeholder={t("regionHint")} />
        </label>
      </div>
      <label>
        {t("reportLanguage")}
        <select value={language} onChange={(e) => setLanguage(e.target.value as ReportLanguage)}>
          {REPORT_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`reportLanguage.${l}`)}
            </option>
          ))}
        </select>
      </label>

      <fieldset className="group" aria-label={t("contacts")}>
        <legend>{t("contacts")}</legend>
        {contacts.length === 0 && <p className="muted">{t("noContacts")}</p>}
        {contacts.map((c, i) => (
          <div className="row contact" key={c.id ?? `new-${i}`} data-testid="contact">
            <label>
              {t("contactName")}
              <input value={c.name} onChange={(e) => setContact(i, { name: e.target.value })} required />
            </label>
            <label>
              {t("contactRole")}
              <input value={c.role} onChange={(e) => setContact(i, { role: e.target.value })} />
            </label>
            <label>
              {t("phone")}
              <input type="tel" value={c.phone} onChange={(e) => setContact(i, { phone: e.target.value })} />
            </label>
            <label>
              {t("email")}
              <input type="email" value={c.email} onChange={(e) => setContact(i, { email: e.target.value })} />
            </label>
            <button type="button" className="link" aria-label={t("removeContact")} title={t("removeContact")} onClick={() => setContacts((cs) => cs.filter((_, j) => j !== i))}>
              <Trash2 size={16} aria-hidden />
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setContacts((cs) => [...cs, emptyContact()])}>
          <Plus size={14} aria-hidden /> {t("addContact")}
        </button>
      </fieldset>

      <fieldset className="group" aria-label={t("sites")}>
        <legend>{t("sites")}</legend>
        {sites.map((s, i) => (
          <SiteEditor key={s.id ?? `new-${i}`} index={i} site={s} onChange={setSite} onRemove={sites.length > 1 ? () => setSites((ss) => ss.filter((_, j) => j !== i)) : undefined} />
        ))}
        <button type="button" onClick={() => setSites((ss) => [...ss, emptySite()])}>
          <Plus size={14} aria-hidden /> {t("addSite")}
        </button>
      </fieldset>
      <ErrorNote error={error} />
      <CreateCancel onCancel={onCancel} editing={!!existing} />
    </form>
  );
}

function SiteEditor({ index, site, onChange, onRemove }: { index: number; site: SiteDraft; onChange: (i: number, patch: Partial<SiteDraft>) => void; onRemove?: () => void }) {
  const { t, lang } = useI18n();
  const backend = useBackend();
  const [mapOpen, setMapOpen] = useState(false);
  const geocoder = useLoad((b) => b.geocoderConfigured(), []).data ?? false;
  const [hits, setHits] = useState<GeocodeHit[] | null>(null);
  const [findError, setFindError] = useState<BackendError | null>(null);
  const find = async () => {
    setFindError(null);
    try {
      setHits(await backend.geocodeAddress(site.address, lang));
    } catch (e) {
      setFindError(toError(e));
    }
  };
  const typed = { lat: parseNumber(site.lat), lon: parseNumber(site.lon) };
  const valid = site.lat.trim() !== "" && site.lon.trim() !== "" && Math.abs(typed.lat) <= 90 && Math.abs(typed.lon) <= 180;
  const picked = valid ? typed : null;
  // The map is centred once, on the site as it was when opened: a pick does not move it.
  const [initial] = useState(picked);
  const points = useMemo<MapPoint[]>(() => (initial ? [{ ...initial, kind: "site", color: "#1565c0", label: site.name }] : []), [initial, site.name]);
  const onPick = useCallback((p: LatLon) => onChange(index, { lat: p.lat.toFixed(6), lon: p.lon.toFixed(6) }), [index, onChange]);
  return (
    <div className="site-editor" data-testid="site">
      <div className="row">
        <label>
          {t("siteName")}
          <input value={site.name} onChange={(e) => onChange(index, { name: e.target.value })} required />
        </label>
        {onRemove && (
          <button type="button" className="link" aria-label={t("removeSite")} title={t("removeSite")} onClick={onRemove}>
            <Trash2 size={16} aria-hidden />
          </button>
        )}
      </div>
      <div className={geocoder ? "row address-find" : undefined}>
        <label>
          {t("address")}
          <input value={site.address} onChange={(e) => onChange(index, { address: e.target.value })} />
        </label>
        {geocoder && (
          <button type="button" disabled={!site.address.trim()} onClick={find}>
            {t("findAddress")}
          </button>
        )}
      </div>
      <ErrorNote error={findError} />
      {hits && (
        <ul className="geocode-hits" aria-label={t("geocodeHits")}>
          {hits.length === 0 && <li className="muted">{t("geocodeNone")}</li>}
          {hits.map((h) => (
            <li key={`${h.lat},${h.lon}`}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  onChange(index, { lat: h.lat.toFixed(6), lon: h.lon.toFixed(6) });
                  setHits(null);
                }}
              >
                {h.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <DecimalField label={t("latitude")} value={site.lat} onChange={(v) => onChange(index, { lat: v })} example="31.2304" required />
        <DecimalField label={t("longitude")} value={site.lon} onChange={(v) => onChange(index, { lon: v })} example="121.4737" required />
        <label>
          {t("geofenceRadius")}
          <input inputMode="numeric" value={site.fence} onChange={(e) => onChange(index, { fence: e.target.value })} />
        </label>
      </div>
      <button type="button" className="link" aria-expanded={mapOpen} onClick={() => setMapOpen((o) => !o)}>
        {mapOpen ? t("hideMap") : t("pickSiteOnMap")}
      </button>
      {mapOpen && (
        <Suspense fallback={<div className="map plain" style={{ height: 240 }} />}>
          <MapView points={points} height={240} label={t("pickSiteOnMap")} picked={picked} onPick={onPick} />
        </Suspense>
      )}
    </div>
  );
}
