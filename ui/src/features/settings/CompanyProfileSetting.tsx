import { useEffect, useState } from "react";
import type { CompanyProfile } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { readBase64 } from "../../files";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

/** Administrators set the service report's letterhead: name, address, phone and logo. The
 * core scales a picked logo down and stores it as PNG. */
export function CompanyProfileSetting() {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const loaded = useLoad((b) => b.companyProfile(), []);
  const [draft, setDraft] = useState<CompanyProfile | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(loaded.data), [loaded.data]);
  if (!draft) return <ErrorNote error={loaded.error} />;
  const change = (patch: Partial<CompanyProfile>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  return (
    <section className="company-profile" aria-label={t("companyProfile")}>
      <h3>{t("companyProfile")}</h3>
      <p className="muted small">{t("companyProfileHint")}</p>
      <div className="row">
        <label>
          {t("companyName")}
          <input value={draft.name} onChange={(e) => change({ name: e.target.value })} />
        </label>
        <label>
          {t("phone")}
          <input type="tel" value={draft.phone} onChange={(e) => change({ phone: e.target.value })} />
        </label>
      </div>
      <label>
        {t("companyAddress")}
        <input value={draft.address} onChange={(e) => change({ address: e.target.value })} />
      </label>
      <div className="row logo-row">
        <span>{t("logo")}</span>
        {draft.logo_png_base64 && <img className="logo-preview" alt={t("logo")} src={`data:image/png;base64,${draft.logo_png_base64}`} />}
        <label className="button">
          {t("chooseLogo")}
          <input
            type="file"
            accept="image/png,image/jpeg,image/webp"
            hidden
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) change({ logo_png_base64: await readBase64(file) });
            }}
          />
        </label>
        {draft.logo_png_base64 && (
          <button type="button" className="link" onClick={() => change({ logo_png_base64: "" })}>
            {t("removeLogo")}
          </button>
        )}
      </div>
      <button
        onClick={async () => {
          if (await action.run(() => backend.setCompanyProfile(draft))) {
            setSaved(true);
            loaded.reload();
          }
        }}
      >
        {t("save")}
      </button>
      {saved && <span role="status"> {t("companyProfileSaved")}</span>}
      <ErrorNote error={action.error} />
    </section>
  );
}
