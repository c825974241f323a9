// Part requests: asking, deciding, issuing and receiving, each as a card with its timeline.
import { useState } from "react";
import type { RequestView, UserInfo } from "../../backend";
import { useAction, useBackend, useLoad, userName } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { PartQty } from "../../shared/FormParts";

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
