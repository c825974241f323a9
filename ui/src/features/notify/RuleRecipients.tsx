import type { Channel, Notify, Role } from "../../backend";
import { useDirectory } from "../../context";
import { useI18n } from "../../i18n";

export const CHANNELS: Channel[] = ["app", "email", "wechat_work", "sms"];
const ROLES: Role[] = ["supervisor", "admin", "technician", "warehouse"];

type T = ReturnType<typeof useI18n>["t"];

/** One line saying who hears of an alert and how, for the rules table. */
export function recipientsSummary(n: Notify, t: T): string {
  const who = [
    ...n.roles.map((r) => t(`role.${r}`)),
    ...(n.technician ? [t("notify.assigned")] : []),
    ...(n.customer ? [t("notify.customer")] : []),
    ...(n.users.length > 0 ? [t("notify.namedCount", { n: n.users.length })] : []),
  ];
  if (who.length === 0 || n.channels.length === 0) return t("notify.nobody");
  return `${who.join(", ")} · ${n.channels.map((c) => t(`channel.${c}`)).join(", ")}`;
}

function toggle<V>(list: V[], value: V, on: boolean): V[] {
  return on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
}

/** Who hears of one kind of alert (roles, named people, the assigned technician, the customer) and by which channels. */
export function RuleRecipients({ notify, onChange }: { notify: Notify; onChange: (n: Notify) => void }) {
  const { t } = useI18n();
  const directory = useDirectory().filter((u) => u.active);
  return (
    <div className="recipients">
      <fieldset>
        <legend>{t("notify.who")}</legend>
        {ROLES.map((r) => (
          <label key={r} className="check">
            <input type="checkbox" checked={notify.roles.includes(r)} onChange={(e) => onChange({ ...notify, roles: toggle(notify.roles, r, e.target.checked) })} />
            {t("notify.everyRole", { role: t(`role.${r}`) })}
          </label>
        ))}
        <label className="check">
          <input type="checkbox" checked={notify.technician} onChange={(e) => onChange({ ...notify, technician: e.target.checked })} />
          {t("notify.assigned")}
        </label>
        <label className="check">
          <input type="checkbox" checked={notify.customer} onChange={(e) => onChange({ ...notify, customer: e.target.checked })} />
          {t("notify.customerBySms")}
        </label>
        <label>
          {t("notify.named")}
          <select
            multiple
            size={Math.min(6, Math.max(2, directory.length))}
            value={notify.users}
            onChange={(e) => onChange({ ...notify, users: Array.from(e.target.selectedOptions, (o) => o.value) })}
          >
            {directory.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} · {t(`role.${u.role}`)}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("notify.how")}</legend>
        {CHANNELS.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={notify.channels.includes(c)} onChange={(e) => onChange({ ...notify, channels: toggle(notify.channels, c, e.target.checked) })} />
            {t(`channel.${c}`)}
          </label>
        ))}
        <p className="muted">{t("notify.channelHint")}</p>
      </fieldset>
    </div>
  );
}
