import { useState } from "react";
import { ScanBox } from "../scan/ScanBox";
import type { LocationKind, MovementKind, OrderDetail, UserInfo } from "../../backend";
import { useAction, useBackend, useLoad, useSyncStatus, userName } from "../../context";
import { StockTake } from "./StockTake";
import { LocationEditor } from "./StockPlaces";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { Choice, PartQty, namedChoices } from "../../shared/FormParts";
import { Catalogue } from "./PartsCatalogue";
import { RequestsView } from "./PartRequests";
import { PartsStatistics } from "./PartsStatistics";

/** Oversold and low-stock alerts, with the movements that caused an oversell. */
export function StockAlerts({ directory, version }: { directory: UserInfo[]; version: number }) {
  const { t, formatShort } = useI18n();
  const alerts = useLoad((b) => b.stockAlerts(), [version]);
  if (!alerts.data?.length) return <ErrorNote error={alerts.error} />;
  return (
    <section aria-label={t("stockAlerts")} className="alerts">
      <h3>{t("stockAlerts")}</h3>
      <ul className="plain">
        {alerts.data.map((a) => (
          <li key={`${a.location_id}|${a.part_id}`} className={a.kind === "oversold" ? "alert-danger" : "alert-warn"}>
            <strong>{t(`alert.${a.kind}`)}</strong> · {a.sku} {a.name_zh} @ {a.location_name}: {a.level} {a.unit}
            {a.kind === "low_stock" && ` (${t("minimum")} ${a.min_stock})`}
            {a.movements.length > 0 && (
              <ul>
                {a.movements.map((m) => (
                  <li key={m.id}>
                    {formatShort(m.at)} · {userName(directory, m.by)} · {t(`movement.${m.kind}`)} {m.qty}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Stock per location (with "as of" the last sync and this device's pending movements), and,
 * for supervisors, receipts, corrections and transfers. */
export function StockView({ directory, editable, version, onChanged }: { directory: UserInfo[]; editable: boolean; version: number; onChanged: () => void }) {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const sync = useSyncStatus();
  const locations = useLoad((b) => b.listLocations(), [version]);
  const parts = useLoad((b) => b.listParts(null), [version]).data ?? [];
  const [loc, setLoc] = useState("");
  const current = locations.data?.find((l) => l.id === loc) ?? locations.data?.[0] ?? null;
  const levels = useLoad((b) => (current ? b.stockLevels(current.id, null) : Promise.resolve([])), [current?.id, version]);
  const [kind, setKind] = useState<MovementKind>("receive");
  const [part, setPart] = useState("");
  const [qty, setQty] = useState("1");
  const [note, setNote] = useState("");
  const [to, setTo] = useState("");
  const [newKind, setNewKind] = useState<LocationKind>("warehouse");
  const [newName, setNewName] = useState("");
  const [owner, setOwner] = useState("");
  const [counting, setCounting] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const { error, run } = useAction();
  const technicians = directory.filter((u) => u.role === "technician");
  const record = async () => {
    if (!current) return;
    const n = Number(qty);
    const ok =
      kind === "transfer_out"
        ? await run(() => backend.transferStock(current.id, to, part, n, note))
        : await run(() => backend.recordMovement(current.id, part, kind, n, note));
    if (ok) {
      setNote("");
      onChanged();
    }
  };
  return (
    <section aria-label={t("stock")}>
      <div className="filters toolbar">
        <label className="mini">
          {t("location")}
          <select aria-label={t("location")} value={current?.id ?? ""} onChange={(e) => setLoc(e.target.value)}>
            {(["warehouse", "van"] as const).map((kind) => (
              <optgroup key={kind} label={t(kind)}>
                {locations.data
                  ?.filter((l) => l.kind === kind)
                  .map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        {editable && current && (
          <button aria-expanded={renaming} onClick={() => setRenaming((v) => !v)}>
            {t("editLocation")}
          </button>
        )}
        <span className="muted" data-testid="stock-as-of">
          {sync?.last_sync_at ? t("asOf", { time: formatShort(sync.last_sync_at) }) : t("neverSynced")}
          {current?.pending ? ` · ${t("withPendingMovements")}` : ""}
        </span>
      </div>
      {editable && current && renaming && (
        <LocationEditor
          key={`edit-${current.id}`}
          location={current}
          technicians={technicians}
          onDone={() => {
            setRenaming(false);
            onChanged();
          }}
        />
      )}
      <table className="orders" aria-label={t("stockLevels")}>
        <thead>
          <tr>
            <th>SKU</th>
            <th>{t("part")}</th>
            <th className="num">{t("inStock")}</th>
            <th className="num">{t("defectiveParts")}</th>
          </tr>
        </thead>
        <tbody>
          {levels.data?.map((l) => (
            <tr key={l.part_id} className={l.level < 0 ? "row-danger" : l.min_stock > 0 && l.level < l.min_stock ? "row-warn" : ""}>
              <td className="mono">{l.sku}</td>
              <td>{l.name_zh}</td>
              <td className="num">
                {l.level} {l.unit}
              </td>
              <td className="num">{l.defective || ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {levels.data?.length === 0 && <p className="muted">{t("noStock")}</p>}
      {editable && current && (
        <button aria-expanded={counting} onClick={() => setCounting(!counting)}>
          {counting ? t("closeStockTake") : t("stockTake")}
        </button>
      )}
      {editable && current && counting && <StockTake key={`count-${current.id}`} location={current} levels={levels.data ?? []} parts={parts} onDone={onChanged} />}
      {editable && current && (
        <div className="line-form" role="group" aria-label={t("recordMovement")}>
          <label>
            {t("movementKind")}
            <select aria-label={t("movementKind")} value={kind} onChange={(e) => setKind(e.target.value as MovementKind)}>
              {(["receive", "adjust", "defective", "transfer_out"] as MovementKind[]).map((k) => (
                <option key={k} value={k}>
                  {t(`movement.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <PartQty parts={parts} part={part} setPart={setPart} qty={qty} setQty={setQty} />
          {kind === "transfer_out" && (
            <Choice label={t("transferTo")} value={to} onChange={setTo} options={namedChoices((locations.data ?? []).filter((l) => l.id !== current.id))} blank="—" />
          )}
          <label>
            {t("movementNote")}
            <input aria-label={t("movementNote")} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button className="primary" onClick={record}>
            {t("record")}
          </button>
        </div>
      )}
      {editable && (
        <div className="line-form" role="group" aria-label={t("newLocation")}>
          <label>
            {t("newLocation")}
            <select aria-label={t("newLocation")} value={newKind} onChange={(e) => setNewKind(e.target.value as LocationKind)}>
              <option value="warehouse">{t("warehouse")}</option>
              <option value="van">{t("van")}</option>
            </select>
          </label>
          <label>
            {t("locationName")}
            <input aria-label={t("locationName")} value={newName} onChange={(e) => setNewName(e.target.value)} />
          </label>
          {newKind === "van" && (
            <Choice label={t("technician")} value={owner} onChange={setOwner} options={namedChoices(technicians)} blank="—" />
          )}
          <button
            onClick={async () => {
              const sent = newName;
              const made = await run(async () => {
                const l = await backend.createLocation(newKind, sent, newKind === "van" ? owner || null : null);
                setLoc(l.id);
              });
              if (made) {
                setNewName((typed) => (typed === sent ? "" : typed));
                onChanged();
              }
            }}
          >
            {t("add")}
          </button>
        </div>
      )}
      <ErrorNote error={error ?? locations.error ?? levels.error} />
    </section>
  );
}

/** The supervisor's Parts tab. */
export function PartsTab({ directory, me }: { directory: UserInfo[]; me: string }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const [section, setSection] = useState<"catalogue" | "stock" | "requests" | "statistics">("stock");
  return (
    <div className="parts">
      <StockAlerts directory={directory} version={version} />
      <nav className="subtabs">
        {(["stock", "catalogue", "requests", "statistics"] as const).map((s) => (
          <button key={s} className={section === s ? "tab on" : "tab"} onClick={() => setSection(s)} aria-pressed={section === s}>
            {t(`parts.${s}`)}
          </button>
        ))}
      </nav>
      {section === "catalogue" && <Catalogue editable version={version} onChanged={changed} />}
      {section === "stock" && <StockView directory={directory} editable version={version} onChanged={changed} />}
      {section === "requests" && <RequestsView directory={directory} me={me} manages version={version} onChanged={changed} />}
      {section === "statistics" && <PartsStatistics directory={directory} />}
    </div>
  );
}

/** The technician's parts: stock anywhere (offline), requests and receipts. */
export function TechParts({ directory, me }: { directory: UserInfo[]; me: string }) {
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <div className="parts">
      <StockView directory={directory} editable={false} version={version} onChanged={changed} />
      <RequestsView directory={directory} me={me} manages={false} version={version} onChanged={changed} />
    </div>
  );
}

/** On an order: take parts from a van or warehouse; they become the order's charge and cost. */
export function UsePartPanel({ order, me, onChanged }: { order: OrderDetail; me: string; onChanged: (o: OrderDetail) => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const locations = useLoad((b) => b.listLocations(), []).data ?? [];
  const parts = useLoad((b) => b.listParts(null), []).data ?? [];
  const usable = locations.filter((l) => l.kind === "warehouse" || l.owner === me);
  const [loc, setLoc] = useState("");
  const [part, setPart] = useState("");
  const [qty, setQty] = useState("1");
  const { error, run } = useAction();
  const from = loc || usable.find((l) => l.owner === me)?.id || usable[0]?.id || "";
  if (parts.length === 0) return null;
  return (
    <section aria-label={t("partsUsed")}>
      <h3>{t("partsUsed")}</h3>
      <ScanBox only="part" onFound={(f) => f.kind === "part" && setPart(f.part.id)} />
      <div className="line-form">
        <Choice label={t("takeFrom")} value={from} onChange={setLoc} options={namedChoices(usable)} />
        <PartQty parts={parts} part={part} setPart={setPart} qty={qty} setQty={setQty} />
        <button
          className="primary"
          onClick={() =>
            run(async () => {
              onChanged(await backend.usePart(order.id, part, Number(qty), from));
              setPart("");
            })
          }
        >
          {t("usePart")}
        </button>
      </div>
      <ErrorNote error={error} />
    </section>
  );
}
