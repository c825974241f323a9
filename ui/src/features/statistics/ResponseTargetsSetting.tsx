import type { ResponseTargets } from "../../backend";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { useSettingDraft } from "../../shared/useSettingDraft";

const STAGES = ["dispatched", "accepted", "on_site", "completed"] as const;

/** Administrators set the company's response targets, which the dashboard measures against. */
export function ResponseTargetsSetting() {
  const { t } = useI18n();
  const setting = useSettingDraft(
    (b) => b.responseTargets(),
    (b, targets: ResponseTargets) => b.setResponseTargets(targets),
  );
  const draft = setting.draft;
  if (!draft) return <ErrorNote error={setting.loadError} />;
  const field = (stage: (typeof STAGES)[number]) => `${stage}_min` as const;
  return (
    <section className="targets" aria-label={t("targets.title")}>
      <h3>{t("targets.title")}</h3>
      <p className="muted small">{t("targets.hint")}</p>
      <div className="row">
        {STAGES.map((stage) => (
          <label key={stage}>
            {t(`targets.${stage}`)}
            <input
              className="narrow"
              type="number"
              min={1}
              value={draft[field(stage)] ?? ""}
              // An empty box means no target; anything typed is sent as a whole number for the core to check.
              onChange={(e) => setting.change({ ...draft, [field(stage)]: e.target.value === "" ? null : Math.trunc(Number(e.target.value) || 0) })}
            />
          </label>
        ))}
      </div>
      <button onClick={() => setting.save(draft)}>{t("save")}</button>
      {setting.saved && <span role="status"> {t("targets.saved")}</span>}
      <ErrorNote error={setting.error} />
    </section>
  );
}
