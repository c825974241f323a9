import { useState, type FormEvent } from "react";
import type { ImportReport, LocationKind, MovementKind, OrderDetail, PartInfo, PartView, RequestStatus, RequestView, TableFormat, Tally, UserInfo } from "../backend";
import { formatMoney, parseDecimal } from "../backend/money";
import { useAction, useBackend, useLoad, useSyncStatus, userName } from "../context";
import { StockTake } from "./StockTake";
import { CategoryEditor, LocationEditor } from "./StockPlaces";
import { useI18n } from "../i18n";
import { readBase64, savedLink } from "../files";
import { ErrorNote } from "./ErrorNote";
import { DateRange, SavedNotice } from "./FormParts";

/** Run an action and keep its error for display. */
/** Which part and how many: the pair every stock form asks for. */
function PartQty({ parts, part, setPart, qty, setQty }: { parts: PartView[]; part: string; setPart: (id: string) => void; qty: string; setQty: (q: string) => void }) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t("part")}
        <select aria-label={t("part")} value={part} onChange={(e) => setPart(e.target.value)}>
          <option value="">—</option>
          {parts.map((p) => (
            <option key={p.id} value={p.id}>
              {p.sku} {p.name_zh}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("quantity")}
        <input aria-label={t("quantity")} inputMode="numeric" value={qty} onChange={(e) => setQty(e.target.value)} />
      </label>
    </>
  );
}

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

const blankPart: PartInfo = { sku: "", name_zh: "", name_en: "", category_id: null, unit: "pcs", barcode: "", sale_price_minor: 0, cost_minor: 0, currency: "CNY", min_stock: 0, compatible_models: [] };

/** Amounts in minor units as typed in a form: "450.00". */
const decimalText = (minor: number) => (minor / 100).toFixed(2);

/** A new part, or (with `part`) the edit of one: only the fields that changed are written,
 * so an edit made elsewhere to another field survives the merge. */
function PartForm({ part, onDone }: { part?: PartView; onDone: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const categories = useLoad((b) => b.listCategories(), []).data ?? [];
  const [info, setInfo] = useState<PartInfo>(() => (part ? { sku: part.sku, name_zh: part.name_zh, name_en: part.name_en, category_id: part.category_id, unit: part.unit, barcode: part.barcode, sale_price_minor: part.sale_price_minor, cost_minor: part.cost_minor, currency: part.currency, min_stock: part.min_stock, compatible_models: part.compatible_models, photo: part.photo } : blankPart));
  const [price, setPrice] = useState(part ? decimalText(part.sale_price_minor) : "");
  const [cost, setCost] = useState(part ? decimalText(part.cost_minor) : "");
  const [models, setModels] = useState(part ? part.compatible_models.join(", ") : "");
  const { error, run } = useAction();
  const set = (p: Partial<PartInfo>) => setInfo((i) => ({ ...i, ...p }));
  const title = part ? t("editPart", { sku: part.sku }) : t("newPart");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const edited = {
      ...info,
      sale_price_minor: parseDecimal(price || "0", 2),
      cost_minor: parseDecimal(cost || "0", 2),
      compatible_models: models.split(/[,，;\n]/).map((m) => m.trim()).filter(Boolean),
    };
    const ok = await run(() => (part ? backend.updatePart(part.id, edited) : backend.createPart(edited)));
    if (ok) {
      setInfo(blankPart);
      setPrice("");
      setCost("");
      setModels("");
      onDone();
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <div className="row">
        <label>
          SKU
          <input value={info.sku} onChange={(e) => set({ sku: e.target.value })} required />
        </label>
        <label>
          {t("nameZh")}
          <input aria-label={t("nameZh")} value={info.name_zh} onChange={(e) => set({ name_zh: e.target.value })} required />
        </label>
        <label>
          {t("nameEn")}
          <input aria-label={t("nameEn")} value={info.name_en} onChange={(e) => set({ name_en: e.target.value })} />
        </label>
      </div>
      <div className="row">
        <label>
          {t("category")}
          <select aria-label={t("category")} value={info.category_id ?? ""} onChange={(e) => set({ category_id: e.target.value || null })}>
            <option value="">—</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.path}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("unit")}
          <input aria-label={t("unit")} value={info.unit} onChange={(e) => set({ unit: e.target.value })} required />
        </label>
        <label>
          {t("barcode")}
          <input aria-label={t("barcode")} value={info.barcode} onChange={(e) => set({ barcode: e.target.value })} />
        </label>
      </div>
      <div className="row">
        <label>
          {t("salePrice")}
          <input aria-label={t("salePrice")} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
        </label>
        <label>
          {t("unitCost")}
          <input aria-label={t("unitCost")} inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} />
        </label>
        <label>
          {t("minimum")}
          <input aria-label={t("minimum")} inputMode="numeric" value={String(info.min_stock)} onChange={(e) => set({ min_stock: Number(e.target.value) || 0 })} />
        </label>
      </div>
      <label>
        {t("compatibleModels")}
        <input aria-label={t("compatibleModels")} value={models} onChange={(e) => setModels(e.target.value)} placeholder="Carrier 30XA-252, Siemens 3AH5" />
      </label>
      <ErrorNote error={error} />
      <div className="actions">
        <button className="primary" type="submit">
          {part ? t("save") : t("create")}
        </button>
        {part && (
          <button type="button" onClick={onDone}>
            {t("cancel")}
          </button>
        )}
      </div>
    </form>
  );
}

function CategoryForm({ onDone }: { onDone: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const categories = useLoad((b) => b.listCategories(), []);
  const [name, setName] = useState("");
  const [parent, setParent] = useState("");
  const { error, run } = useAction();
  return (
    <div className="line-form" aria-label={t("newCategory")} role="group">
      <label>
        {t("newCategory")}
        <input aria-label={t("newCategory")} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t("parentCategory")}
        <select aria-label={t("parentCategory")} value={parent} onChange={(e) => setParent(e.target.value)}>
          <option value="">—</option>
          {categories.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.path}
            </option>
          ))}
        </select>
      </label>
      <button
        onClick={async () => {
          if (await run(() => backend.createCategory(name, parent || null))) {
            setName("");
            categories.reload();
            onDone();
          }
        }}
      >
        {t("add")}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}


/** Export the catalogue (CSV, XLSX) and import one (all rows or none; bad rows are named). */
function CatalogueFiles({ onChanged }: { onChanged: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [saved, setSaved] = useState<{ path: string; href: string } | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const { error, run } = useAction();
  const exportAs = (format: TableFormat) =>
    run(async () => {
      setSaved(savedLink(await backend.exportParts(format), format));
    });
  return (
    <div className="line-form" role="group" aria-label={t("catalogueFiles")}>
      <button onClick={() => exportAs("csv")}>{t("exportCsv")}</button>
      <button onClick={() => exportAs("xlsx")}>{t("exportXlsx")}</button>
      <label>
        {t("importParts")}
        <input
          type="file"
          accept=".csv,.xlsx"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const format: TableFormat = file.name.toLowerCase().endsWith(".xlsx") ? "xlsx" : "csv";
            void run(async () => {
              const r = await backend.importParts(await readBase64(file), format);
              setReport(r);
              if (r.errors.length === 0) onChanged();
            });
            e.target.value = "";
          }}
        />
      </label>
      {saved && <SavedNotice saved={saved} testId="parts-exported" />}
      {report && (
        <div className={report.errors.length ? "error" : "notice"} role="status" data-testid="import-report">
          {report.errors.length
            ? `${t("importRefused")} ${report.errors.map((e) => `${t("row")} ${e.row}: ${e.message}`).join("; ")}`
            : t("importDone", { created: report.created, updated: report.updated, unchanged: report.unchanged })}
        </div>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

/** A part's picture (fetched from the device or the server), and for supervisors a picker. */
function PartPhoto({ part, editable, onChanged }: { part: PartView; editable: boolean; onChanged: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const img = useLoad((b) => (part.photo ? b.getBlob(part.photo) : Promise.resolve(null)), [part.photo]);
  const { error, run } = useAction();
  return (
    <div className="part-photo">
      {img.data && <img src={`data:${img.data.content_type};base64,${img.data.data_base64}`} alt={part.name_zh} />}
      {editable && (
        <input
          type="file"
          accept="image/*"
          capture="environment"
          aria-label={`${t("photo")} ${part.sku}`}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void run(async () => backend.setPartPhoto(part.id, await readBase64(file))).then((ok) => ok && onChanged());
          }}
        />
      )}
      <ErrorNote error={error} />
    </div>
  );
}

/** The catalogue: search by SKU, names, barcode or compatible model. */
export function Catalogue({ editable, version, onChanged }: { editable: boolean; version: number; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState("");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [sorting, setSorting] = useState(false);
  const parts = useLoad((b) => b.listParts(text || null), [text, version]);
  const categories = useLoad((b) => (sorting ? b.listCategories() : Promise.resolve([])), [sorting, version]);
  const edited = parts.data?.find((p) => p.id === editing);
  return (
    <section aria-label={t("catalogue")}>
      <div className="filters">
        <input type="search" aria-label={t("searchParts")} placeholder={t("searchParts")} value={text} onChange={(e) => setText(e.target.value)} />
        {editable && <button onClick={() => setAdding((a) => !a)}>+ {t("newPart")}</button>}
        {editable && (
          <button aria-expanded={sorting} onClick={() => setSorting((v) => !v)}>
            {t("categories")}
          </button>
        )}
      </div>
      {editable && <CatalogueFiles onChanged={onChanged} />}
      {editable && sorting && (
        <>
          <CategoryForm onDone={onChanged} />
          <CategoryEditor categories={categories.data ?? []} onDone={onChanged} />
        </>
      )}
      {editable && adding && (
        <PartForm
          onDone={() => {
            setAdding(false);
            onChanged();
          }}
        />
      )}
      {editable && edited && (
        <PartForm
          key={edited.id}
          part={edited}
          onDone={() => {
            setEditing(null);
            onChanged();
          }}
        />
      )}
      <ErrorNote error={parts.error} />
      <div className="table-scroll">
        <table className="orders" aria-label={t("catalogue")}>
          <thead>
            <tr>
              <th>{t("photo")}</th>
              <th>SKU</th>
              <th>{t("part")}</th>
              <th>{t("category")}</th>
              <th className="num">{t("salePrice")}</th>
              <th className="num">{t("unitCost")}</th>
              <th className="num">{t("inStock")}</th>
              {editable && <th />}
            </tr>
          </thead>
          <tbody>
            {parts.data?.map((p) => (
              <tr key={p.id}>
                <td>
                  <PartPhoto part={p} editable={editable} onChanged={onChanged} />
                </td>
                <td className="mono">{p.sku}</td>
                <td>
                  {p.name_zh}
                  <div className="muted">{[p.name_en, p.compatible_models.join(", ")].filter(Boolean).join(" · ")}</div>
                </td>
                <td>{p.category_path ?? "—"}</td>
                <td className="num">{formatMoney(p.sale_price_minor, p.currency, lang)}</td>
                <td className="num">{formatMoney(p.cost_minor, p.currency, lang)}</td>
                <td className="num">
                  {p.total_level} {p.unit}
                </td>
                {editable && (
                  <td>
                    <button className="link" aria-label={t("editPart", { sku: p.sku })} onClick={() => setEditing(p.id)}>
                      {t("edit")}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {parts.data?.length === 0 && <p className="muted">{t("noParts")}</p>}
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
      <div className="filters">
        <label className="mini">
          {t("location")}
          <select aria-label={t("location")} value={current?.id ?? ""} onChange={(e) => setLoc(e.target.value)}>
            {locations.data?.map((l) => (
              <option key={l.id} value={l.id}>
                {l.kind === "van" ? `🚐 ${l.name}` : `🏭 ${l.name}`}
              </option>
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
            <label>
              {t("transferTo")}
              <select aria-label={t("transferTo")} value={to} onChange={(e) => setTo(e.target.value)}>
                <option value="">—</option>
                {locations.data
                  ?.filter((l) => l.id !== current.id)
                  .map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
              </select>
            </label>
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
            <label>
              {t("technician")}
              <select aria-label={t("technician")} value={owner} onChange={(e) => setOwner(e.target.value)}>
                <option value="">—</option>
                {technicians.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            onClick={async () => {
              const made = await run(async () => {
                const l = await backend.createLocation(newKind, newName, newKind === "van" ? owner || null : null);
                setLoc(l.id);
              });
              if (made) {
                setNewName("");
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

function RequestCard({ r, directory, manages, me, onChanged }: { r: RequestView; directory: UserInfo[]; manages: boolean; me: string; onChanged: () => void }) {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const [qty, setQty] = useState<Record<string, string>>({});
  const [reason, setReason] = useState("");
  const [from, setFrom] = useState("");
  const warehouses = (useLoad((b) => b.listLocations(), []).data ?? []).filter((l) => l.kind === "warehouse");
  const { error, run } = useAction();
  const act = async (f: () => Promise<unknown>) => {
    if (await run(f)) onChanged();
  };
  return (
    <li className="card request" data-testid="request" aria-label={`${t("request")} ${r.status}`}>
      <div className="detail-head">
        <strong>
          {userName(directory, r.by)} · {formatShort(r.requested_at)}
        </strong>
        <span className={`status status-${r.status}`}>{t(`requestStatus.${r.status}`)}</span>
      </div>
      <ul className="plain">
        {r.lines.map((l) => (
          <li key={l.id}>
            {l.sku} {l.name} × {l.qty}
            {l.qty !== l.asked && <span className="muted"> ({t("asked")} {l.asked})</span>}
            {l.reason && <span className="muted"> · {l.reason}</span>}
            {manages && r.status === "requested" && (
              <input className="mini-input" aria-label={`${t("approveQty")} ${l.sku}`} inputMode="numeric" value={qty[l.id] ?? String(l.asked)} onChange={(e) => setQty({ ...qty, [l.id]: e.target.value })} />
            )}
          </li>
        ))}
      </ul>
      {r.conflicts.length > 0 && (
        <div className="conflicts" role="alert">
          {r.conflicts.map((c, i) => (
            <div key={i}>{c}</div>
          ))}
        </div>
      )}
      <ol className="timeline">
        {r.events.map((e) => (
          <li key={e.id}>
            {formatShort(e.at)} {userName(directory, e.by)} · {t(`requestStatus.${e.kind}`)}
            {e.reason ? `: ${e.reason}` : ""}
          </li>
        ))}
      </ol>
      <div className="actions">
        {manages && r.status === "requested" && (
          <>
            <button className="primary" onClick={() => act(() => backend.approveRequest(r.id, Object.fromEntries(Object.entries(qty).map(([k, v]) => [k, Number(v)]))))}>
              {t("approve")}
            </button>
            <input aria-label={t("rejectReason")} placeholder={t("rejectReason")} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button className="danger" onClick={() => act(() => backend.rejectRequest(r.id, reason))}>
              {t("reject")}
            </button>
          </>
        )}
        {manages && r.status === "approved" && (
          <>
            <select aria-label={t("issueFrom")} value={from} onChange={(e) => setFrom(e.target.value)}>
              <option value="">{t("issueFrom")}</option>
              {warehouses.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
            <button className="primary" onClick={() => act(() => backend.issueRequest(r.id, from))}>
              {t("issue")}
            </button>
          </>
        )}
        {r.by === me && r.status === "issued" && (
          <button className="primary big" onClick={() => act(() => backend.receiveRequest(r.id))}>
            {t("confirmReceipt")}
          </button>
        )}
        {r.by === me && r.status === "requested" && <button onClick={() => act(() => backend.cancelRequest(r.id))}>{t("cancelRequest")}</button>}
      </div>
      <ErrorNote error={error} />
    </li>
  );
}

/** Part requests: supervisors decide and issue, technicians ask and confirm receipt. */
export function RequestsView({ directory, me, manages, version, onChanged }: { directory: UserInfo[]; me: string; manages: boolean; version: number; onChanged: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const requests = useLoad((b) => b.listRequests(null), [version]);
  const myVan = (useLoad((b) => b.listLocations(), [version]).data ?? []).find((l) => l.kind === "van" && l.owner === me);
  const parts = useLoad((b) => b.listParts(null), [version]).data ?? [];
  const [part, setPart] = useState("");
  const [qty, setQty] = useState("1");
  const [reason, setReason] = useState("");
  const { error, run } = useAction();
  return (
    <section aria-label={t("partRequests")}>
      {!manages && (
        <div className="line-form" role="group" aria-label={t("newRequest")}>
          <PartQty parts={parts} part={part} setPart={setPart} qty={qty} setQty={setQty} />
          <label>
            {t("reason")}
            <input aria-label={t("reason")} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button
            className="primary"
            onClick={async () => {
              const ok = await run(() => (myVan ? backend.createRequest(myVan.id, null, [{ part_id: part, qty: Number(qty), reason }]) : Promise.reject({ code: "invalid_input", message: t("noVan") })));
              if (ok) {
                setReason("");
                onChanged();
              }
            }}
          >
            {t("requestParts")}
          </button>
        </div>
      )}
      <ErrorNote error={error ?? requests.error} />
      <ul className="plain requests">
        {requests.data?.map((r) => (
          <RequestCard key={r.id} r={r} directory={directory} manages={manages} me={me} onChanged={onChanged} />
        ))}
      </ul>
      {requests.data?.length === 0 && <p className="muted">{t("noRequests")}</p>}
    </section>
  );
}

/** A horizontal bar chart of tallies (largest first), drawn with plain elements. */
function Bars({ title, rows, format }: { title: string; rows: Tally[]; format?: (v: number) => string }) {
  const max = Math.max(1, ...rows.map((r) => Math.abs(r.value)));
  return (
    <figure className="bars" aria-label={title}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 && <p className="muted">—</p>}
      {rows.slice(0, 12).map((r) => (
        <div key={r.key} className="bar-row" data-testid="bar">
          <span className="bar-label">{r.label}</span>
          <span className="bar" style={{ width: `${(Math.abs(r.value) / max) * 100}%` }} />
          <span className="bar-value">{format ? format(r.value) : r.value}</span>
        </div>
      ))}
    </figure>
  );
}

/** Consumption, stock value, slow movers and requests over a period, with exports. */
function PartsStatistics({ directory }: { directory: UserInfo[] }) {
  const backend = useBackend();
  const { t, lang } = useI18n();
  const today = new Date();
  const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const [from, setFrom] = useState(iso(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(iso(today));
  const range = (): [number, number] => [new Date(`${from}T00:00:00`).getTime(), new Date(`${to}T00:00:00`).getTime() + 86_400_000];
  const stats = useLoad((b) => b.partsStatistics(...range()), [from, to]);
  const [saved, setSaved] = useState<{ path: string; href: string } | null>(null);
  const { error, run } = useAction();
  const s = stats.data;
  const money = (v: number) => formatMoney(v, "CNY", lang);
  const exportAs = (format: TableFormat) =>
    run(async () => {
      setSaved(savedLink(await backend.exportPartsStatistics(...range(), format), format));
    });
  return (
    <section aria-label={t("partsStatistics")}>
      <div className="filters toolbar">
        <DateRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <button onClick={() => exportAs("csv")}>{t("exportCsv")}</button>
        <button onClick={() => exportAs("xlsx")}>{t("exportXlsx")}</button>
      </div>
      {saved && <SavedNotice saved={saved} testId="stats-exported" />}
      <ErrorNote error={error ?? stats.error} />
      {s && (
        <div className="charts">
          <Bars title={t("stats.byPart")} rows={s.by_part} />
          <Bars title={t("stats.byTechnician")} rows={s.by_technician.map((r) => ({ ...r, label: userName(directory, r.key) }))} />
          <Bars title={t("stats.byCustomer")} rows={s.by_customer} />
          <Bars title={t("stats.byMonth")} rows={s.by_month} />
          <Bars title={t("stats.stockValue")} rows={s.stock_value} format={money} />
          <Bars title={t("stats.slowMovers")} rows={s.slow_movers} />
          <Bars title={t("stats.requests")} rows={s.requests_by_status.map((r) => ({ ...r, label: t(`requestStatus.${r.key as RequestStatus}`) }))} />
          <p data-testid="turnaround">{s.mean_turnaround_hours === null ? t("stats.noTurnaround") : t("stats.turnaround", { h: s.mean_turnaround_hours.toFixed(1) })}</p>
        </div>
      )}
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
      <div className="line-form">
        <label>
          {t("takeFrom")}
          <select aria-label={t("takeFrom")} value={from} onChange={(e) => setLoc(e.target.value)}>
            {usable.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
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
