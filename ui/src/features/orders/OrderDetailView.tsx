import { Navigation, Phone } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { BackendError, OrderDetail, SavedReport, UserInfo } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useLoad, userName } from "../../context";
import { useI18n } from "../../i18n";
import { ChecklistPanel } from "./ChecklistPanel";
import { CustomerRequestPanel } from "../portal/CustomerRequestPanel";
import { OrderMachines } from "../places/EquipmentViews";
import { ErrorNote } from "../../shared/ErrorNote";
import { ConfirmBox } from "../../shared/ConfirmBox";
import { MoneyPanel } from "./MoneyPanel";
import { OrderMap } from "../field/FieldMap";
import { UsePartPanel } from "../parts/PartsViews";
import { PhotosPanel } from "../field/PhotosPanel";
import { SolutionsPanel } from "../knowledge/SolutionsPanel";
import { Locating, useLocate } from "../field/useLocate";
import { PositionPanel } from "../field/PositionPanel";
import { ReportPreview } from "./ReportPreview";
import { SignaturePad } from "./SignaturePad";
import { StatusBadge } from "./StatusBadge";
import { Timeline } from "./Timeline";
import { clashWords } from "./clashWords";
import { NextStep } from "./NextStep";
import { useDispatch } from "./useDispatch";

/** A link that opens the phone's map app on the site: Apple Maps on iOS, a geo: URI elsewhere. */
function navigateHref(site: { lat: number; lon: number; name: string }): string {
  const at = `${site.lat},${site.lon}`;
  if (/iPhone|iPad|iPod/.test(navigator.userAgent)) return `https://maps.apple.com/?daddr=${at}&q=${encodeURIComponent(site.name)}`;
  return `geo:${at}?q=${at}(${encodeURIComponent(site.name)})`;
}

type Prompt = { kind: "reject" | "cancel" | "reopen" | "resolve" | "complete" | "note" | "withdraw"; text: string } | null;

/** One order: its facts, the next steps this user may take, checklist, money and timeline. */
export function OrderDetailView({ order, directory, onChanged, onGone, large, me }: { order: OrderDetail; directory: UserInfo[]; onChanged: (o: OrderDetail) => void; onGone?: () => void; large?: boolean; me?: string }) {
  const backend = useBackend();
  const { t, lang, formatTime } = useI18n();
  const [error, setError] = useState<BackendError | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [prompt, setPrompt] = useState<Prompt>(null);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState("");
  const [report, setReport] = useState<SavedReport | null>(null);
  const [preview, setPreview] = useState(false);
  const technicians = useLoad((b) => b.technicians(), []).data ?? [];
  const can = (a: OrderDetail["actions"][number]) => order.actions.includes(a);
  const dispatching = useDispatch(onChanged);

  const run = async (action: () => Promise<OrderDetail>) => {
    setError(null);
    try {
      onChanged(await action());
      return true;
    } catch (e) {
      setError(toError(e));
      return false;
    }
  };

  // Full addresses from the geocoding service (when one is configured), once per order view.
  const [geoError, setGeoError] = useState<string | null>(null);
  const unnamed = order.check_ins.filter((c) => c.address && c.address.source !== "provider").length;
  const changedRef = useRef(onChanged);
  useEffect(() => {
    changedRef.current = onChanged;
  });
  useEffect(() => {
    if (unnamed === 0) return;
    let live = true;
    backend
      .resolveAddresses(order.id, lang === "zh-CN" ? "zh-CN,zh,en" : "en")
      .then((o) => {
        const still = o.check_ins.filter((c) => c.address && c.address.source !== "provider").length;
        if (live && still < unnamed) changedRef.current(o);
      })
      .catch((e) => live && setGeoError(toError(e).message));
    return () => {
      live = false;
    };
  }, [backend, order.id, unnamed, lang]);

  // Check-in and check-out take the device's position; where it has none, ask for one.
  const position = useLocate<"in" | "out">((step, p) => run(() => (step === "in" ? backend.checkIn(order.id, p) : backend.checkOut(order.id, p))));
  const locate = (step: "in" | "out") => {
    setError(null);
    void position.locate(step);
  };
  const askPosition = position.ask;

  // Settling without costs is the supervisor's call: the refusal says so, and they confirm.
  const [confirmSettle, setConfirmSettle] = useState(false);
  const settle = async (withoutCosts: boolean) => {
    setError(null);
    setConfirmSettle(false);
    try {
      onChanged(await backend.settleOrder(order.id, withoutCosts));
    } catch (e) {
      const err = toError(e);
      if (err.refusal?.kind === "costs_missing") setConfirmSettle(true);
      else setError(err);
    }
  };

  const names = (ids: string[]) => ids.map((id) => userName(directory, id)).join(", ");
  const btn = large ? "big" : "";
  const promptAction = (p: NonNullable<Prompt>) => {
    switch (p.kind) {
      case "reject":
        return () => backend.rejectOrder(order.id, p.text);
      case "cancel":
        return () => backend.cancelOrder(order.id, p.text);
      case "reopen":
        return () => backend.reopenOrder(order.id, p.text);
      case "resolve":
        return () => backend.resolveConflicts(order.id, p.text);
      case "complete":
        return () => backend.completeOrder(order.id, p.text);
      case "note":
        return () => backend.addProgress(order.id, p.text);
      case "withdraw":
        return () => backend.withdrawSignature(order.id, p.text);
    }
  };
  const promptLabel: Record<NonNullable<Prompt>["kind"], string> = {
    reject: t("rejectReason"),
    cancel: t("reasonPrompt"),
    reopen: t("reasonPrompt"),
    resolve: t("decision"),
    complete: t("resolution"),
    note: t("note"),
    withdraw: t("withdrawReason"),
  };
  const promptButton: Record<NonNullable<Prompt>["kind"], string> = {
    reject: t("reject"),
    cancel: t("cancelOrder"),
    reopen: t("reopen"),
    resolve: t("resolve"),
    complete: t("complete"),
    note: t("addNote"),
    withdraw: t("withdrawSignature"),
  };

  const promptBox = prompt && (
    <div className="inline-form">
      {prompt.kind === "complete" && order.missing_required.length > 0 && (
        <div className="muted">{t("missingRequired", { items: order.missing_required.join(", ") })}</div>
      )}
      <label>
        {promptLabel[prompt.kind]}
        <textarea value={prompt.text} onChange={(e) => setPrompt({ ...prompt, text: e.target.value })} />
      </label>
      <div className="actions">
        <button className={`primary ${btn}`} onClick={() => void run(promptAction(prompt)).then((ok) => ok && setPrompt(null))}>
          {promptButton[prompt.kind]}
        </button>
        <button className={btn} onClick={() => setPrompt(null)}>
          {t("cancel")}
        </button>
      </div>
    </div>
  );

  return (
    <section className="detail" aria-label={order.description}>
      <header className="detail-head">
        <h2>
          {order.customer_name ?? "—"} <StatusBadge status={order.status} />
          {order.pending && <span className="badge warn">{t("notSynced")}</span>}
        </h2>
        <div className="muted">
          <span className="mono" data-testid="order-number">
            {order.display_number}
          </span>
          {!order.number && <span> · {t("provisional")}</span>}
        </div>
      </header>
      <dl className="facts">
        <dt>{t("type")}</dt>
        <dd>{t(`type.${order.order_type}`)}</dd>
        <dt>{t("priority")}</dt>
        <dd className={`prio-${order.priority}`}>{t(`priority.${order.priority}`)}</dd>
        <dt>{t("site")}</dt>
        <dd>
          {order.site ? [order.site.name, order.site.address].filter(Boolean).join(" · ") : "—"}
          {order.site && (
            <a className={`button ${btn}`} href={navigateHref(order.site)} data-testid="navigate">
              <Navigation size={16} aria-hidden className="icon lead" />
              {t("navigate")}
            </a>
          )}
        </dd>
        {order.customer_phone && (
          <>
            <dt>{t("phone")}</dt>
            <dd>
              <span className="mono">{order.customer_phone}</span>{" "}
              <a className={`button ${btn}`} href={`tel:${order.customer_phone.replace(/[^\d+]/g, "")}`} data-testid="call">
                <Phone size={16} aria-hidden className="icon lead" />
                {t("call")}
              </a>
            </dd>
          </>
        )}
        {order.equipment.length > 0 && (
          <>
            <dt>{t("equipment")}</dt>
            <dd>
              <OrderMachines machines={order.equipment} />
            </dd>
          </>
        )}
        {order.project && (
          <>
            <dt>{t("project")}</dt>
            <dd>
              {order.project.name} <span className="muted mono">{order.project.code}</span>
            </dd>
          </>
        )}
        <dt>{t("scheduled")}</dt>
        <dd>{order.scheduled_start ? formatTime(order.scheduled_start) : "—"}</dd>
        <dt>{t("assignees")}</dt>
        <dd data-testid="assignees">{order.assignees.length ? names(order.assignees) : t("unassigned")}</dd>
        <dt>{t("description")}</dt>
        <dd className="description">{order.description}</dd>
        {order.resolution && (
          <>
            <dt>{t("resolution")}</dt>
            <dd>{order.resolution}</dd>
          </>
        )}
        {order.rating && (
          <>
            <dt>{t("rating")}</dt>
            <dd>
              {"★".repeat(order.rating)} {order.rating_comment}
            </dd>
          </>
        )}
      </dl>

      {order.reassigned && (
        <div className="notice reassigned" role="status" data-testid="reassigned">
          {t("reassignedAway", { to: names(order.reassigned.to), by: userName(directory, order.reassigned.by), time: formatTime(order.reassigned.at) })}{" "}
          <button
            className={`primary ${btn}`}
            onClick={async () => {
              setError(null);
              try {
                await backend.acknowledgeReassignment(order.id);
                onGone?.();
              } catch (e) {
                setError(toError(e));
              }
            }}
          >
            {t("understood")}
          </button>
        </div>
      )}
      {order.clashes.length > 0 && (
        <div className="conflicts" role="alert">
          <strong>{t("conflicts")}</strong>
          <ul>
            {order.clashes.map((c, i) => (
              <li key={i}>{clashWords(c, t, (id) => userName(directory, id), t("listSeparator"))}</li>
            ))}
          </ul>
        </div>
      )}

      <CustomerRequestPanel order={order} run={run} />
      {large && <NextStep order={order} />}

      <div className="actions" data-testid="actions">
        {can("accept") && (
          <button className={`primary ${btn}`} onClick={() => run(() => backend.acceptOrder(order.id))}>
            {t("accept")}
          </button>
        )}
        {can("travel") && (
          <button className={btn} onClick={() => run(() => backend.startTravel(order.id))}>
            {t("travel")}
          </button>
        )}
        {can("check_in") && (
          <button className={`primary ${btn}`} onClick={() => locate("in")}>
            {t("checkIn")}
          </button>
        )}
        {can("check_out") && (
          <button className={btn} onClick={() => locate("out")}>
            {t("checkOut")}
          </button>
        )}
        {can("complete") && (
          // Highlighted only once nothing required is open.
          <button className={`${order.missing_required.length ? "" : "primary"} ${btn}`} onClick={() => setPrompt({ kind: "complete", text: "" })}>
            {t("complete")}
          </button>
        )}
        {can("progress") && (
          <button className={btn} onClick={() => setPrompt({ kind: "note", text: "" })}>
            {t("addNote")}
          </button>
        )}
        {can("reject") && (
          <button className={`danger ${btn}`} onClick={() => setPrompt({ kind: "reject", text: "" })}>
            {t("reject")}
          </button>
        )}
        {can("settle") && (
          <button className="primary" onClick={() => void settle(false)}>
            {t("settle")}
          </button>
        )}
        {can("withdraw_signature") && <button onClick={() => setPrompt({ kind: "withdraw", text: "" })}>{t("withdrawSignature")}</button>}
        {can("resolve") && (
          <button className="primary" onClick={() => setPrompt({ kind: "resolve", text: "" })}>
            {t("resolve")}
          </button>
        )}
        {(order.underlying_status === "completed" || order.underlying_status === "settled") && (
          <button
            onClick={async () => {
              setError(null);
              try {
                setReport(await backend.serviceReport(order.id));
                setPreview(true);
              } catch (e) {
                setError(toError(e));
              }
            }}
          >
            {t("serviceReport")}
          </button>
        )}
        {can("reopen") && <button onClick={() => setPrompt({ kind: "reopen", text: "" })}>{t("reopen")}</button>}
      </div>
      {confirmSettle && (
        <ConfirmBox label={t("settle")} testId="settle-without-costs" message={t("settleWithoutCosts")} confirm={t("settleAnyway")} onConfirm={() => void settle(true)} onCancel={() => setConfirmSettle(false)} />
      )}
      {prompt && prompt.kind !== "cancel" && promptBox}
      {can("rate") && (
        <fieldset className="rating">
          <legend>{t("rating")}</legend>
          <div className="stars" role="radiogroup" aria-label={t("rating")}>
            {[1, 2, 3, 4, 5].map((n) => (
              <button key={n} type="button" role="radio" aria-checked={stars === n} aria-label={t("stars", { n })} className={n <= stars ? "star on" : "star"} onClick={() => setStars(n)}>
                ★
              </button>
            ))}
          </div>
          <label>
            {t("ratingComment")}
            <input value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <button className={`primary ${btn}`} onClick={() => run(() => backend.rateOrder(order.id, stars, comment))}>
            {t("saveRating")}
          </button>
        </fieldset>
      )}
      {can("dispatch") && (
        <fieldset className="dispatch">
          <legend>{order.assignees.length ? t("reassign") : t("dispatchTo")}</legend>
          {technicians.map((u) => (
            <label key={u.id} className="check">
              <input
                type="checkbox"
                checked={picked.includes(u.id)}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, u.id] : p.filter((x) => x !== u.id)))}
              />
              {u.name}
              {order.assignees.includes(u.id) && <span className="muted"> · {t("assignedNow")}</span>}
            </label>
          ))}
          <button
            className="primary"
            onClick={() => void dispatching.dispatch(order.id, picked).then((ok) => ok && setPicked([]))}
          >
            {order.assignees.length ? t("reassign") : t("dispatch")}
          </button>
          {dispatching.confirm}
          <ErrorNote error={dispatching.error} />
        </fieldset>
      )}
      {/* Last, out of the way of the next step: cancelling is rarely what comes next. */}
      {can("cancel") && order.status !== "requested" && (
        <div className="actions end">
          <button className="danger" onClick={() => setPrompt({ kind: "cancel", text: "" })}>
            {t("cancelOrder")}
          </button>
        </div>
      )}
      {prompt?.kind === "cancel" && promptBox}
      {geoError && <p className="muted">{t("addressUnavailable", { error: geoError })}</p>}
      {position.locating !== null && <Locating onTypeInstead={position.typeInstead} onCancel={position.cancel} />}
      {askPosition && <PositionPanel why={askPosition.why} site={order.site ? { lat: order.site.lat, lon: order.site.lon, name: order.site.name } : null} onSubmit={(p) => position.record(askPosition.step, p)} onCancel={position.cancel} />}
      {report && (
        <div className="notice" role="status" data-testid="report-saved">
          {t("reportSaved", { path: report.path })}{" "}
          {!preview && (
            <button className="link" onClick={() => setPreview(true)}>
              {t("reportPreview")}
            </button>
          )}
        </div>
      )}
      {report && preview && <ReportPreview pdfBase64={report.data_base64} onClose={() => setPreview(false)} />}
      <ErrorNote error={error} />

      {order.signature && can("field_entry") && !can("worksheet") && (
        <div className="notice" role="status" data-testid="signed-locked">
          {t(can("withdraw_signature") ? "signedLockedSupervisor" : "signedLocked")}
        </div>
      )}
      {order.checklist.length > 0 && <ChecklistPanel order={order} editable={can("worksheet")} run={run} large={large} />}
      {(order.check_ins.length > 0 || large) && <OrderMap order={order} />}
      {!["requested", "cancelled"].includes(order.underlying_status) && <SolutionsPanel order={order} directory={directory} />}
      <PhotosPanel order={order} directory={directory} editable={can("field_entry")} onChanged={onChanged} />
      {can("worksheet") && me && <UsePartPanel order={order} me={me} onChanged={onChanged} />}
      <MoneyPanel order={order} run={run} />
      {/* After the checklist, parts and charges: the customer signs for what they have seen. */}
      {(order.signature || can("sign")) && <SignaturePad order={order} editable={can("sign")} run={run} />}
      <Timeline order={order} directory={directory} />
    </section>
  );
}
