import type { WorkDay } from "../../backend";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { useSettingDraft } from "../../shared/useSettingDraft";

const asTime = (min: number) => `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
const asMinutes = (time: string) => {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + (m || 0);
};

/** Administrators set the working day the schedule board measures load and free slots in. */
export function WorkDaySetting() {
  const { t } = useI18n();
  const setting = useSettingDraft(
    (b) => b.workDay(),
    (b, day: WorkDay) => b.setWorkDay(day),
  );
  const draft = setting.draft;
  if (!draft) return <ErrorNote error={setting.loadError} />;
  return (
    <section className="work-day" aria-label={t("workDay.title")}>
      <h3>{t("workDay.title")}</h3>
      <p className="muted small">{t("workDay.hint")}</p>
      <div className="row">
        <label>
          {t("workDay.start")}
          <input type="time" step={1800} value={asTime(draft.start_min)} onChange={(e) => setting.change({ ...draft, start_min: asMinutes(e.target.value) })} />
        </label>
        <label>
          {t("workDay.end")}
          <input type="time" step={1800} value={asTime(draft.end_min)} onChange={(e) => setting.change({ ...draft, end_min: asMinutes(e.target.value) })} />
        </label>
      </div>
      <button onClick={() => setting.save(draft)}>{t("save")}</button>
      {setting.saved && <span role="status"> {t("workDay.saved")}</span>}
      <ErrorNote error={setting.error} />
    </section>
  );
}
