import { useEffect, useState } from "react";
import type { AuditEntry, AuditKind, AuditQuery, BackendError, SavedFile } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { savedLink } from "../../files";
import { useI18n } from "../../i18n";
import { errorAdvice } from "../../i18n/errors";
import { ErrorNote } from "../../shared/ErrorNote";
import { DateRange, SavedNotice } from "../../shared/FormParts";

const KINDS: AuditKind[] = ["sign_in", "sign_in_failed", "sign_out", "sync_refused", "change_accepted", "person_added", "person_changed", "password_reset", "device_revoked", "device_wiped", "setup_completed", "channel_changed", "portal_link_changed", "invitation_sent", "invitation_accepted"];

/** Ids are time-ordered (UUIDv7): their random end tells them apart at a glance. */
const shortId = (id: string | null) => (id ? `…${id.slice(-6)}` : null);

const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).getTime() : null);

/** Administrators: the server's audit log, searched by words, event and period; exported as CSV. */
export function AuditView() {
  const backend = useBackend();
  const { t, lang, formatShort } = useI18n();
  const [text, setText] = useState("");
  const [kind, setKind] = useState<AuditKind | "">("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const [saved, setSaved] = useState<SavedFile | null>(null);
  const query = (before: number | null): AuditQuery => {
    const until = dayStart(to);
    return { text: text || null, kind: kind || null, since: dayStart(from), until: until === null ? null : until + 24 * 3600 * 1000, before, limit: 100 };
  };
  const load = async (before: number | null) => {
    setError(null);
    try {
      const page = await backend.auditLog(query(before));
      setEntries((old) => (before === null ? page : [...old, ...page]));
      setMore(page.length === 100);
    } catch (e) {
      setError(toError(e));
    }
  };
  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text, kind, from, to]);
  const exportCsv = async () => {
    setError(null);
    try {
      setSaved(await backend.exportAudit(query(null)));
    } catch (e) {
      setError(toError(e));
    }
  };
  return (
    <section aria-label={t("tab.audit")}>
      <div className="filters toolbar audit-filters">
        <input type="search" placeholder={t("auditSearch")} aria-label={t("auditSearch")} value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label={t("auditWhat")} value={kind} onChange={(e) => setKind(e.target.value as AuditKind | "")}>
          <option value="">{t("auditKindAll")}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`audit.${k}`)}
            </option>
          ))}
        </select>
        <DateRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <button onClick={exportCsv}>{t("exportCsv")}</button>
      </div>
      {saved && <SavedNotice saved={savedLink(saved, "csv")} testId="audit-saved" />}
      <ErrorNote error={error} />
      <div className="table-scroll">
        <table className="orders audit" aria-label={t("tab.audit")}>
          <thead>
            <tr>
              <th>{t("auditWhen")}</th>
              <th>{t("auditWhat")}</th>
              <th>{t("auditWho")}</th>
              <th>{t("auditWhere")}</th>
              <th>{t("auditSubject")}</th>
              <th>{t("auditDetail")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq} data-kind={e.kind}>
                <td className="nowrap">{formatShort(e.at)}</td>
                <td className="nowrap">
                  <span className={e.code ? "badge warn" : "badge"}>{t(`audit.${e.kind}`)}</span>
                </td>
                <td>{e.login ?? "—"}</td>
                <td className="muted">{[shortId(e.device_id), e.address].filter(Boolean).join(" · ") || "—"}</td>
                <td className="muted">{shortId(e.subject) ?? "—"}</td>
                <td>
                  {e.code && <div>{errorAdvice(lang, e.code)}</div>}
                  <span className="muted">{e.detail}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries.length === 0 && !error && <p className="muted">{t("auditEmpty")}</p>}
      {more && <button onClick={() => void load(entries[entries.length - 1]?.seq ?? null)}>{t("loadMore")}</button>}
    </section>
  );
}
