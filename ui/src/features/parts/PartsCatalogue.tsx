// The parts catalogue: parts, categories, pictures, and catalogue files.
import { useState, type FormEvent } from "react";
import type { ImportReport, PartInfo, PartView, TableFormat } from "../../backend";
import { formatMoney, parseDecimal } from "../../format";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { readBase64, savedLink } from "../../files";
import { ErrorNote } from "../../shared/ErrorNote";
import { Choice, SavedNotice, categoryChoices } from "../../shared/FormParts";
import { CategoryEditor } from "./StockPlaces";

const blankPart: PartInfo = { sku: "", name_zh: "", name_en: "", category_id: null, unit: "pcs", barcode: "", sale_price_minor: 0, cost_minor: 0, currency: "CNY", min_stock: 0, compatible_models: [] };

/** The editable fields of a catalogue part (what `updatePart` takes). */
function partInfoOf(part: PartView): PartInfo {
  // Everything but the view's own fields, so a field added to PartInfo is never dropped.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { id, category_path, total_level, pending, ...info } = part;
  return info;
}

/** Amounts in minor units as typed in a form: "450.00". */
const decimalText = (minor: number) => (minor / 100).toFixed(2);

/** A new part, or (with `part`) the edit of one: only the fields that changed are written,
 * so an edit made elsewhere to another field survives the merge. */
function PartForm({ part, onDone }: { part?: PartView; onDone: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const categories = useLoad((b) => b.listCategories(), []).data ?? [];
  const [info, setInfo] = useState<PartInfo>(() => (part ? partInfoOf(part) : blankPart));
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
        <Choice label={t("category")} value={info.category_id ?? ""} onChange={(v) => set({ category_id: v || null })} options={categoryChoices(categories)} blank="—" />
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
      <Choice label={t("parentCategory")} value={parent} onChange={setParent} options={categoryChoices(categories.data ?? [])} blank="—" />
      <button
        onClick={async () => {
          const sent = name;
          if (await run(() => backend.createCategory(sent, parent || null))) {
            // Keep what was typed meanwhile: only the name just saved is cleared.
            setName((typed) => (typed === sent ? "" : typed));
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
