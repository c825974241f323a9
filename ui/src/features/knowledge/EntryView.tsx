import { useState, type MouseEvent } from "react";
import type { EntryDetail, SavedFile, UserInfo } from "../../backend";
import { useAction, useBackend, useLoad, userName } from "../../context";
import { readBase64 } from "../../files";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { EntryEditor } from "./EntryEditor";

function objectUrl(file: SavedFile, mime: string): string {
  const bytes = Uint8Array.from(atob(file.data_base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: mime }));
}

/** One entry as a technician reads it on site, with what supervisors do to it. */
export function EntryView({ id, directory, onChanged, onOpenOrder }: { id: string; directory: UserInfo[]; onChanged: () => void; onOpenOrder?: (id: string) => void }) {
  const backend = useBackend();
  const { t, formatTime } = useI18n();
  const entry = useLoad((b) => b.getEntry(id), [id]);
  const { error, run } = useAction();
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const [opened, setOpened] = useState<{ hash: string; url: string; name: string; path: string } | null>(null);
  const versions = useLoad((b) => (history ? b.entryVersions(id) : Promise.resolve([])), [id, history]);
  const [oldVersion, setOldVersion] = useState<string | null>(null);
  const old = useLoad((b) => (oldVersion ? b.entryVersion(id, oldVersion) : Promise.resolve(null)), [id, oldVersion]);
  const e = entry.data;
  if (!e) return <ErrorNote error={entry.error} />;
  const act = (f: () => Promise<EntryDetail>) =>
    void run(async () => {
      await f();
      entry.reload();
      versions.reload();
      onChanged();
    });
  const open = (hash: string) =>
    void run(async () => {
      const a = e.attachments.find((x) => x.hash === hash);
      const file = await backend.openAttachment(e.id, hash);
      const url = objectUrl(file, a?.mime ?? "application/octet-stream");
      // The previous file's bytes are let go when another opens.
      setOpened((prev) => {
        if (prev) URL.revokeObjectURL(prev.url);
        return { hash, url, name: a?.name ?? hash, path: file.path };
      });
      entry.reload();
    });
  // Links into the entry's own attachments open from the device, never the network.
  const onBodyClick = (ev: MouseEvent<HTMLDivElement>) => {
    const a = (ev.target as HTMLElement).closest("a");
    const href = a?.getAttribute("href") ?? "";
    if (href.startsWith("#attachment-")) {
      ev.preventDefault();
      open(href.slice("#attachment-".length));
    } else if (a) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    }
  };
  if (editing) {
    return <EntryEditor kind={e.kind} entry={e} canPublish={false} onSaved={() => { setEditing(false); entry.reload(); onChanged(); }} onCancel={() => setEditing(false)} />;
  }
  const c = e.content;
  return (
    <article className="entry" aria-label={c.title} data-testid="entry">
      <h2>
        {c.fault_code && !c.title.startsWith(c.fault_code) && <span className="code">{c.fault_code}</span>} {c.title}
      </h2>
      <p className="muted">
        <span className={`badge kb-${e.status}`}>{t(`kb.status.${e.status}`)}</span> {t(`kb.kind.${e.kind}`)} · {t("kb.revised", { who: userName(directory, e.revised.by), time: formatTime(e.revised.at) })}
        {e.fixed_orders.length > 0 && <> · <span data-testid="fix-count">{t("kb.fixedCount", { n: e.fixed_orders.length })}</span></>}
      </p>
      {(c.models.length > 0 || c.tags.length > 0) && (
        <p className="chips">
          {c.models.map((m) => <span key={m} className="chip model">{m}</span>)}
          {c.tags.map((g) => <span key={g} className="chip">{g}</span>)}
        </p>
      )}
      <div className="actions">
        {e.actions.includes("edit") && <button onClick={() => setEditing(true)}>{t("kb.edit")}</button>}
        {e.actions.includes("publish") && <button className="primary" onClick={() => act(() => backend.setEntryStatus(e.id, "published"))}>{t("kb.publish")}</button>}
        {e.actions.includes("unpublish") && <button onClick={() => act(() => backend.setEntryStatus(e.id, "draft"))}>{t("kb.unpublish")}</button>}
        {e.actions.includes("archive") && <button className="danger" onClick={() => act(() => backend.setEntryStatus(e.id, "archived"))}>{t("kb.archive")}</button>}
        {e.attachments.length > 0 && (
          <button aria-pressed={e.pinned} onClick={() => act(() => backend.pinEntry(e.id, !e.pinned))}>
            {e.pinned ? t("kb.unpin") : t("kb.pin")}
          </button>
        )}
        <button aria-expanded={history} onClick={() => setHistory((h) => !h)}>{t("kb.history")}</button>
      </div>
      <ErrorNote error={error} />
      {e.kind === "fault" && (
        <>
          <h3>{t("kb.symptom")}</h3>
          <p className="prewrap">{c.symptom}</p>
          {c.causes.length > 0 && (
            <>
              <h3>{t("kb.causes")}</h3>
              <ol>{c.causes.map((x, i) => <li key={i}>{x}</li>)}</ol>
            </>
          )}
          {c.steps.length > 0 && (
            <>
              <h3>{t("kb.steps")}</h3>
              <ol className="steps">{c.steps.map((x, i) => <li key={i}>{x}</li>)}</ol>
            </>
          )}
        </>
      )}
      {/* The HTML is made by the device from checked Markdown: no script, nothing fetched. */}
      <div className="markdown" onClick={onBodyClick} dangerouslySetInnerHTML={{ __html: e.html }} />
      {e.parts.length > 0 && (
        <>
          <h3>{t("kb.parts")}</h3>
          <ul>{e.parts.map((p) => <li key={p.id}>{p.sku} {p.name_zh} {p.name_en}</li>)}</ul>
        </>
      )}
      <h3>{t("kb.attachments")}</h3>
      {e.attachments.length === 0 && <p className="muted">{t("kb.noAttachments")}</p>}
      <ul className="attachments">
        {e.attachments.map((a) => (
          <li key={a.hash}>
            <button className="link" onClick={() => open(a.hash)}>{a.name}</button> <span className="muted">{a.bytes < 1024 * 1024 ? `${Math.ceil(a.bytes / 1024)} KB` : `${(a.bytes / 1024 / 1024).toFixed(1)} MB`} · {a.on_device ? t("kb.onDevice") : t("kb.notOnDevice")}</span>
            {e.actions.includes("edit") && <button className="link danger" onClick={() => act(() => backend.removeEntryAttachment(e.id, a.hash))}>{t("kb.remove")}</button>}
            {opened?.hash === a.hash && (
              <span className="opened" data-testid="opened-attachment">
                {" "}
                <a href={opened.url} target="_blank" rel="noreferrer" download={opened.name}>{t("kb.openFile", { name: opened.name })}</a>
                <span className="muted"> {opened.path}</span>
              </span>
            )}
          </li>
        ))}
      </ul>
      {e.actions.includes("edit") && (
        <label className="file-pick">
          {t("kb.addAttachment")}
          <input type="file" accept="application/pdf,image/jpeg,image/png,image/webp" onChange={(ev) => {
              const file = ev.target.files?.[0];
              ev.target.value = "";
              if (file) act(async () => backend.addEntryAttachment(e.id, file.name, await readBase64(file)));
            }} />
        </label>
      )}
      {e.fixed_orders.length > 0 && (
        <>
          <h3>{t("kb.fixedOrders")}</h3>
          <ul>
            {e.fixed_orders.map((o) => (
              <li key={o.order_id}>
                {onOpenOrder ? <button className="link" onClick={() => onOpenOrder(o.order_id)}>{o.number ?? o.order_id.slice(0, 8)}</button> : o.number} {o.description}
              </li>
            ))}
          </ul>
        </>
      )}
      {history && (
        <section className="versions" aria-label={t("kb.history")}>
          <h3>{t("kb.history")}</h3>
          <ErrorNote error={versions.error} />
          <ol>
            {(versions.data ?? []).map((v, i) => (
              <li key={v.version}>
                {formatTime(v.at)} · {userName(directory, v.by)} · {t(`kb.status.${v.status}`)} · {v.title}{" "}
                {i > 0 && <button className="link" onClick={() => setOldVersion(v.version)}>{t("kb.viewVersion")}</button>}
                {i > 0 && e.actions.includes("edit") && <button className="link" onClick={() => act(() => backend.restoreEntryVersion(e.id, v.version))}>{t("kb.restore")}</button>}
              </li>
            ))}
          </ol>
          {old.data && (
            <div className="old-version">
              <h4>{t("kb.versionOf", { time: formatTime(old.data.revised.at) })} — {old.data.content.title}</h4>
              <div className="markdown" dangerouslySetInnerHTML={{ __html: old.data.html }} />
              <button onClick={() => setOldVersion(null)}>{t("close")}</button>
            </div>
          )}
        </section>
      )}
      {e.from_order && onOpenOrder && (
        <p className="muted">
          <button className="link" onClick={() => onOpenOrder(e.from_order ?? "")}>{t("kb.fromOrder")}</button>
        </p>
      )}
    </article>
  );
}
