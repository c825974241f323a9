import type { MapCrs, TileService } from "../../backend";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { useSettingDraft } from "../../shared/useSettingDraft";

const CRSES: MapCrs[] = ["wgs84", "gcj02"];
/** No service: the maps use the base map that ships with the app. */
const NONE: TileService = { url: "", crs: "wgs84", attribution: "" };

/** Administrators choose the map tiles every device draws when online, and the coordinate
 * system they are drawn in; without one the maps show the base map that ships with the app. */
export function TileServiceSetting() {
  const { t } = useI18n();
  const setting = useSettingDraft(
    (b) => b.tileService().then((s) => s ?? NONE),
    (b, service: TileService) => b.setTileService(service.url.trim() ? service : null),
  );
  const draft = setting.draft;
  if (!draft) return <ErrorNote error={setting.loadError} />;
  const change = (patch: Partial<TileService>) => setting.change({ ...draft, ...patch });
  return (
    <section className="tile-service" aria-label={t("tiles.title")}>
      <h3>{t("tiles.title")}</h3>
      <p className="muted small">{t("tiles.hint")}</p>
      <label>
        {t("tiles.url")}
        <input value={draft.url} onChange={(e) => change({ url: e.target.value })} placeholder="https://…/{z}/{x}/{y}.png" />
      </label>
      <div className="row">
        <label>
          {t("tiles.crs")}
          <select value={draft.crs} onChange={(e) => change({ crs: e.target.value as MapCrs })}>
            {CRSES.map((c) => (
              <option key={c} value={c}>
                {t(`tiles.crs.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("tiles.attribution")}
          <input value={draft.attribution} onChange={(e) => change({ attribution: e.target.value })} />
        </label>
      </div>
      <div className="actions">
        <button onClick={() => setting.save(draft)}>{t("save")}</button>
        {setting.loaded?.url && (
          <button className="link" onClick={() => setting.save(NONE)}>
            {t("tiles.remove")}
          </button>
        )}
        {setting.saved && <span role="status">{t("tiles.saved")}</span>}
      </div>
      <ErrorNote error={setting.error} />
    </section>
  );
}
