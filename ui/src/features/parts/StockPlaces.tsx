import { useState } from "react";
import type { CategoryView, LocationView, UserInfo } from "../../backend";
import { useAction, useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { Choice, categoryChoices, namedChoices } from "../../shared/FormParts";

/** Rename a stock location, or give a van to another technician. */
export function LocationEditor({ location, technicians, onDone }: { location: LocationView; technicians: UserInfo[]; onDone: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [name, setName] = useState(location.name);
  const [owner, setOwner] = useState(location.owner ?? "");
  const { error, run } = useAction();
  return (
    <div className="line-form" role="group" aria-label={t("editLocation")}>
      <label>
        {t("locationName")}
        <input aria-label={t("locationName")} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {location.kind === "van" && (
        <Choice label={t("technician")} value={owner} onChange={setOwner} options={namedChoices(technicians)} />
      )}
      <button className="primary" onClick={async () => (await run(() => backend.updateLocation(location.id, name, location.kind === "van" ? owner || null : null))) && onDone()}>
        {t("save")}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

/** Rename a category or move it under another (or to the top). */
export function CategoryEditor({ categories, onDone }: { categories: CategoryView[]; onDone: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [parent, setParent] = useState("");
  const { error, run } = useAction();
  const choose = (chosen: string) => {
    const c = categories.find((x) => x.id === chosen);
    setId(chosen);
    setName(c?.name ?? "");
    setParent(c?.parent_id ?? "");
  };
  return (
    <div className="line-form" role="group" aria-label={t("editCategory")}>
      <Choice label={t("editCategory")} value={id} onChange={choose} options={categoryChoices(categories)} blank="—" />
      {id && (
        <>
          <label>
            {t("categoryName")}
            <input aria-label={t("categoryName")} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <Choice label={t("moveUnder")} value={parent} onChange={setParent} options={categoryChoices(categories.filter((c) => c.id !== id))} blank={t("topLevel")} />
          <button
            className="primary"
            onClick={async () => {
              if (await run(() => backend.updateCategory(id, name, parent || null))) {
                setId("");
                onDone();
              }
            }}
          >
            {t("save")}
          </button>
        </>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
