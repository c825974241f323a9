import type { CompanyProfile } from "../../backend";
import { readBase64 } from "../../files";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { useSettingDraft } from "../../shared/useSettingDraft";

/** Administrators set the service report's letterhead: name, address, phone and logo. The
 * core scales a picked logo down and stores it as PNG. */
export function CompanyProfileSetting() {
  const { t } = useI18n();
  const setting = useSettingDraft(
    (b) => b.companyProfile(),
    (b, profile: CompanyProfile) => b.setCompanyProfile(profile),
  );
  const draft = setting.draft;
  if (!draft) return <ErrorNote error={setting.loadError} />;
  const change = (patch: Partial<CompanyProfile>) => setting.change({ ...draft, ...patch });
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
      <button onClick={() => setting.save(draft)}>{t("save")}</button>
      {setting.saved && <span role="status"> {t("companyProfileSaved")}</span>}
      <ErrorNote error={setting.error} />
    </section>
  );
}
