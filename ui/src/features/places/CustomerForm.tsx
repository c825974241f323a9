import { useState, type FormEvent } from "react";
import type { BackendError, CustomerView } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { CreateCancel } from "../../shared/FormParts";
import { DecimalField } from "../../shared/DecimalField";
import { parseNumber } from "../../format";

export function CustomerForm({ onDone, onCancel }: { onDone: (c: CustomerView) => void; onCancel: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [region, setRegion] = useState("");
  const [siteName, setSiteName] = useState("");
  const [address, setAddress] = useState("");
  const [lat, setLat] = useState("");
  const [lon, setLon] = useState("");
  const [fence, setFence] = useState("");
  const [error, setError] = useState<BackendError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const [la, lo] = [parseNumber(lat), parseNumber(lon)];
    // The field already says what is wrong; nothing to send until both are numbers.
    if (Number.isNaN(la) || Number.isNaN(lo)) return;
    try {
      onDone(
        await backend.createCustomer({
          name,
          phone,
          region,
          sites: [{ name: siteName, address, lat: la, lon: lo, geofence_m: fence.trim() ? parseNumber(fence) : null }],
        }),
      );
    } catch (err) {
      setError(toError(err));
    }
  };

  return (
    <form className="card form" onSubmit={submit} aria-label={t("newCustomer")}>
      <h2>{t("newCustomer")}</h2>
      <label>
        {t("customer")}
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        {t("phone")}
        <input value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      <label>
        {t("region")}
        <input value={region} onChange={(e) => setRegion(e.target.value)} placeholder={t("regionHint")} />
      </label>
      <label>
        {t("siteName")}
        <input value={siteName} onChange={(e) => setSiteName(e.target.value)} required />
      </label>
      <label>
        {t("address")}
        <input value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <div className="row">
        <DecimalField label={t("latitude")} value={lat} onChange={setLat} example="31.2304" required />
        <DecimalField label={t("longitude")} value={lon} onChange={setLon} example="121.4737" required />
      </div>
      <label>
        {t("geofenceRadius")}
        <input inputMode="numeric" value={fence} onChange={(e) => setFence(e.target.value)} />
      </label>
      <ErrorNote error={error} />
      <CreateCancel onCancel={onCancel} />
    </form>
  );
}
