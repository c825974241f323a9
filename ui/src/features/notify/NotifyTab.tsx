import { useState } from "react";
import type { Channel, ChannelSetup, ChannelView, DeliveryState, Language, OutboxEntry, SmtpSecurity } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

type SetUpChannel = Exclude<Channel, "app">;
const SET_UP: SetUpChannel[] = ["email", "wechat_work", "sms"];
const STATES: DeliveryState[] = ["pending", "retrying", "sent", "failed"];

/**
 * Administrators: the channels messages go out by (e-mail, WeChat Work robot, SMS gateway),
 * a test message per channel, and every message's delivery state. Secrets are typed here and
 * kept on the server only; they never come back.
 */
export function NotifyTab() {
  const { t } = useI18n();
  const channels = useLoad((b) => b.notificationChannels(), []);
  const [outboxVersion, setOutboxVersion] = useState(0);
  return (
    <section className="notify" aria-label={t("tab.notify")}>
      <ErrorNote error={channels.error} />
      <div className="channel-cards">
        {SET_UP.map((c) => (
          <ChannelCard
            key={c}
            channel={c}
            view={channels.data?.find((v) => v.channel === c) ?? null}
            onChanged={() => {
              channels.reload();
              setOutboxVersion((v) => v + 1);
            }}
          />
        ))}
      </div>
      <OutboxView key={outboxVersion} />
    </section>
  );
}

type Draft = {
  host: string;
  port: string;
  security: SmtpSecurity;
  username: string;
  password: string;
  from: string;
  url: string;
  secret: string;
  language: Language;
};

function draftOf(view: ChannelView | null): Draft {
  const d: Draft = { host: "", port: "587", security: "starttls", username: "", password: "", from: "", url: "", secret: "", language: "zh-CN" };
  if (!view) return d;
  switch (view.channel) {
    case "email":
      return { ...d, host: view.host, port: String(view.port), security: view.security, username: view.username, from: view.from };
    case "wechat_work":
      return { ...d, language: view.language };
    case "sms":
      return { ...d, url: view.url, language: view.language };
  }
}

function setupOf(channel: SetUpChannel, d: Draft): ChannelSetup {
  switch (channel) {
    case "email":
      return { channel, host: d.host.trim(), port: Math.trunc(Number(d.port) || 0), security: d.security, username: d.username.trim(), password: d.password === "" ? null : d.password, from: d.from.trim() };
    case "wechat_work":
      return { channel, webhook_url: d.url.trim() === "" ? null : d.url.trim(), language: d.language };
    case "sms":
      return { channel, url: d.url.trim(), secret: d.secret === "" ? null : d.secret, language: d.language };
  }
}

function ChannelCard({ channel, view, onChanged }: { channel: SetUpChannel; view: ChannelView | null; onChanged: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [shownFor, setShownFor] = useState(view);
  const [to, setTo] = useState("");
  // The note is kept as its key, so it follows the language switch.
  const [note, setNote] = useState<"notify.saved" | "notify.testQueued" | null>(null);
  if (shownFor !== view) {
    // A reload brought the stored settings: show them (secrets stay blank).
    setShownFor(view);
    setDraft(draftOf(view));
  }
  const field = (k: keyof Draft) => ({ value: draft[k], onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setDraft({ ...draft, [k]: e.target.value }) });
  const keptHint = t("notify.secretKept");
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setNote(null);
    if (await action.run(() => backend.saveNotificationChannel(setupOf(channel, draft)))) {
      setNote("notify.saved");
      onChanged();
    }
  };
  const test = async () => {
    setNote(null);
    if (await action.run(() => backend.sendTestMessage({ channel, to }))) {
      setNote("notify.testQueued");
      onChanged();
    }
  };
  const remove = async () => {
    if (!window.confirm(t("notify.removeConfirm", { channel: t(`channel.${channel}`) }))) return;
    if (await action.run(() => backend.removeNotificationChannel(channel))) onChanged();
  };
  const language = (
    <label>
      {t("notify.language")}
      <select {...field("language")}>
        <option value="zh-CN">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
  return (
    <form className="channel-card card" onSubmit={save} aria-label={t(`channel.${channel}`)} data-testid={`channel-${channel}`}>
      <h3>
        {t(`channel.${channel}`)} <span className={view ? "badge ok" : "badge"}>{t(view ? "notify.setUp" : "notify.notSetUp")}</span>
      </h3>
      {channel === "email" && (
        <>
          <div className="form-row">
            <label>
              {t("notify.smtpHost")}
              <input {...field("host")} placeholder="smtp.example.com" />
            </label>
            <label>
              {t("notify.port")}
              <input className="narrow" type="number" {...field("port")} />
            </label>
            <label>
              {t("notify.security")}
              <select {...field("security")}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">{t("notify.plain")}</option>
              </select>
            </label>
          </div>
          <div className="form-row">
            <label>
              {t("notify.username")}
              <input {...field("username")} autoComplete="off" />
            </label>
            <label>
              {t("password")}
              <input type="password" {...field("password")} autoComplete="new-password" placeholder={view?.channel === "email" && view.password_set ? keptHint : ""} />
            </label>
            <label>
              {t("notify.from")}
              <input {...field("from")} placeholder="FieldOps <service@example.com>" />
            </label>
          </div>
        </>
      )}
      {channel === "wechat_work" && (
        <div className="form-row">
          <label className="grow">
            {t("notify.webhook")}
            <input {...field("url")} placeholder={view?.channel === "wechat_work" ? `${view.webhook_hint} (${keptHint})` : "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"} autoComplete="off" />
          </label>
          {language}
        </div>
      )}
      {channel === "sms" && (
        <div className="form-row">
          <label className="grow">
            {t("notify.gateway")}
            <input {...field("url")} placeholder="https://sms-gateway.example.com/send" />
          </label>
          <label>
            {t("notify.secret")}
            <input type="password" {...field("secret")} autoComplete="new-password" placeholder={view?.channel === "sms" && view.secret_set ? keptHint : ""} />
          </label>
          {language}
        </div>
      )}
      <div className="toolbar">
        <button type="submit" className="primary">
          {t("save")}
        </button>
        {view && (
          <button type="button" className="link" onClick={() => void remove()}>
            {t("notify.remove")}
          </button>
        )}
      </div>
      {view && (
        <div className="test-line">
          {channel !== "wechat_work" && (
            <input aria-label={t("notify.testTo")} placeholder={t(channel === "email" ? "notify.testEmail" : "notify.testPhone")} value={to} onChange={(e) => setTo(e.target.value)} />
          )}
          <button type="button" onClick={() => void test()}>
            {t("notify.sendTest")}
          </button>
        </div>
      )}
      {note && (
        <p className="ok" role="status">
          {t(note)}
        </p>
      )}
      <ErrorNote error={action.error} />
    </form>
  );
}

/** Every message of the company with its delivery state, newest first. */
function OutboxView() {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const action = useAction();
  const [state, setState] = useState<DeliveryState | "">("");
  const [queued, setQueued] = useState<number | null>(null);
  const outbox = useLoad((b) => b.notificationOutbox({ state: state || null, channel: null, limit: 200 }), [state]);
  const checkNow = async () => {
    setQueued(null);
    let n = 0;
    if (await action.run(async () => (n = (await backend.checkAlertsNow()).queued))) {
      setQueued(n);
      outbox.reload();
    }
  };
  return (
    <section className="outbox" aria-label={t("notify.outbox")}>
      <div className="toolbar">
        <h3>{t("notify.outbox")}</h3>
        <select value={state} onChange={(e) => setState(e.target.value as DeliveryState | "")} aria-label={t("status")}>
          <option value="">{t("notify.allStates")}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`delivery.${s}`)}
            </option>
          ))}
        </select>
        <button onClick={() => outbox.reload()}>{t("refresh")}</button>
        <button onClick={() => void checkNow()}>{t("notify.checkNow")}</button>
        {queued !== null && (
          <span className="ok" role="status">
            {t("notify.queued", { n: queued })}
          </span>
        )}
      </div>
      <ErrorNote error={outbox.error ?? action.error} />
      {outbox.data?.length === 0 ? (
        <p className="muted">{t("notify.noMessages")}</p>
      ) : (
        <table className="compact">
          <thead>
            <tr>
              <th>{t("notify.when")}</th>
              <th>{t("notify.channel")}</th>
              <th>{t("notify.to")}</th>
              <th>{t("notify.subject")}</th>
              <th>{t("status")}</th>
            </tr>
          </thead>
          <tbody>
            {outbox.data?.map((m) => (
              <tr key={m.key} data-testid="outbox-row">
                <td>{formatShort(m.created_at)}</td>
                <td>{t(`channel.${m.channel}`)}</td>
                <td>
                  {m.recipient || t("notify.group")}
                  {m.address && <span className="muted"> · {m.address}</span>}
                </td>
                <td>{m.subject}</td>
                <td>
                  <DeliveryBadge entry={m} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeliveryBadge({ entry }: { entry: OutboxEntry }) {
  const { t, formatShort } = useI18n();
  const cls = entry.state === "sent" ? "badge ok" : entry.state === "pending" ? "badge" : "badge warn";
  return (
    <>
      <span className={cls}>{t(`delivery.${entry.state}`)}</span>
      {entry.state === "sent" && entry.sent_at !== null && <span className="muted"> {formatShort(entry.sent_at)}</span>}
      {entry.state === "retrying" && entry.next_attempt_at !== null && <span className="muted"> {t("notify.nextAttempt", { time: formatShort(entry.next_attempt_at), n: entry.attempts })}</span>}
      {entry.last_error && entry.state !== "sent" && (
        <div className="error-text">
          {t("notify.reason")} {entry.last_error}
        </div>
      )}
    </>
  );
}
