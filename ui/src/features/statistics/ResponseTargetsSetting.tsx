import { useEffect, useState } from "react";
import type { ResponseTargets } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

const STAGES = ["dispatched", "accepted", "on_site", "completed"] as const;

/** Administrators set the company's response targets, which the dashboard measures against. */
export function ResponseTargetsSetting() {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const loaded = useLoad((b) => b.responseTargets(), []);
  const [draft, setDraft] = useState<ResponseTargets | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(loaded.data), [loaded.data]);
  if (!draft) return <ErrorNote error={loaded.error} />;
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
              onChange={(e) => {
                setSaved(false);
                // An empty box means no target; anything typed is sent as a whole number for the core to check.
                setDraft({ ...draft, [field(stage)]: e.target.value === "" ? null : Math.trunc(Number(e.target.value) || 0) });
              }}
            />
          </label>
        ))}
      </div>
      <button
        onClick={async () => {
          if (await action.run(() => backend.setResponseTargets(draft))) {
            setSaved(true);
            loaded.reload();
          }
        }}
      >
        {t("save")}
      </button>
      {saved && <span role="status"> {t("targets.saved")}</span>}
      <ErrorNote error={action.error} />
    </section>
  );
}
