import { useEffect, useState } from "react";
import type { MapCrs, TileService } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

const CRSES: MapCrs[] = ["wgs84", "gcj02"];

/** Administrators choose the map tiles every device draws when online, and the coordinate
 * system they are drawn in; without one the maps show the base map that ships with the app. */
export function TileServiceSetting() {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const loaded = useLoad((b) => b.tileService(), []);
  const [draft, setDraft] = useState<TileService>({ url: "", crs: "wgs84", attribution: "" });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setDraft(loaded.data);
  }, [loaded.data]);
  const change = (patch: Partial<TileService>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const save = async (service: TileService | null) => {
    if (await action.run(() => backend.setTileService(service))) {
      setSaved(true);
      if (!service) setDraft({ url: "", crs: "wgs84", attribution: "" });
      loaded.reload();
    }
  };
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
        <button onClick={() => save(draft)}>{t("save")}</button>
        {loaded.data && (
          <button className="link" onClick={() => save(null)}>
            {t("tiles.remove")}
          </button>
        )}
        {saved && <span role="status">{t("tiles.saved")}</span>}
      </div>
      <ErrorNote error={action.error} />
    </section>
  );
}
