import { useEffect, useState } from "react";
import type { AlertRule, KindRule } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { RuleRecipients, recipientsSummary } from "../notify/RuleRecipients";

/** Administrators set the company's calendar (time zone) and each kind of alert's rule. */
export function AlertRulesView() {
  const { t } = useI18n();
  const settings = useLoad((b) => b.alertSettings(), []);
  return (
    <section className="alert-rules" aria-label={t("alerts.rules")}>
      <h3>{t("alerts.rules")}</h3>
      <ErrorNote error={settings.error} />
      {settings.data && <TimeZoneSetting current={settings.data.time_zone} onSaved={settings.reload} />}
      <table className="compact">
        <thead>
          <tr>
            <th>{t("alerts.kind")}</th>
            <th>{t("alerts.enabled")}</th>
            <th>{t("alerts.lead")}</th>
            <th>{t("alerts.repeat")}</th>
            <th>{t("notify.who")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {settings.data?.rules.map((r) => (
            <RuleRow key={r.kind} rule={r} onSaved={settings.reload} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TimeZoneSetting({ current, onSaved }: { current: string; onSaved: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const [zone, setZone] = useState(current);
  useEffect(() => setZone(current), [current]);
  return (
    <div className="line-form">
      <label>
        {t("alerts.timeZone")}
        <input value={zone} onChange={(e) => setZone(e.target.value)} list="time-zones" />
      </label>
      <datalist id="time-zones">
        {["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Europe/Berlin", "Europe/London", "America/New_York", "UTC"].map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <button disabled={zone === current} onClick={async () => (await action.run(() => backend.setTimeZone(zone))) && onSaved()}>
        {t("save")}
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}

function RuleRow({ rule, onSaved }: { rule: KindRule; onSaved: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const saved: AlertRule = { enabled: rule.enabled, lead: rule.lead, repeat_every_days: rule.repeat_every_days, notify: rule.notify };
  const [draft, setDraft] = useState<AlertRule>(saved);
  const [choosing, setChoosing] = useState(false);
  const hours = rule.kind === "not_accepted" || rule.kind === "not_completed";
  const changed = JSON.stringify(draft) !== JSON.stringify(saved);
  const whole = (v: string) => Math.trunc(Number(v) || 0);
  return (
    <>
    <tr data-testid={`rule-${rule.kind}`}>
      <td>{t(`alertKind.${rule.kind}`)}</td>
      <td>
        <input type="checkbox" aria-label={t("alerts.enabled")} checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />
      </td>
      <td>
        <input className="narrow" type="number" min={0} aria-label={t("alerts.lead")} value={draft.lead} onChange={(e) => setDraft({ ...draft, lead: whole(e.target.value) })} />{" "}
        {t(hours ? (rule.kind === "not_accepted" ? "alerts.hoursAfterDispatch" : "alerts.hoursBefore") : "alerts.daysBefore")}
      </td>
      <td>
        <input className="narrow" type="number" min={1} aria-label={t("alerts.repeat")} value={draft.repeat_every_days} onChange={(e) => setDraft({ ...draft, repeat_every_days: whole(e.target.value) })} />
      </td>
      <td>
        <button className="link" aria-expanded={choosing} onClick={() => setChoosing((v) => !v)}>
          {recipientsSummary(draft.notify, t)}
        </button>
      </td>
      <td>
        <button disabled={!changed} onClick={async () => (await action.run(() => backend.saveAlertRule(rule.kind, draft))) && onSaved()}>
          {t("save")}
        </button>
        <ErrorNote error={action.error} />
      </td>
    </tr>
    {choosing && (
      <tr className="rule-recipients">
        <td colSpan={6}>
          <RuleRecipients notify={draft.notify} onChange={(notify) => setDraft({ ...draft, notify })} />
        </td>
      </tr>
    )}
    </>
  );
}
