import { useState } from "react";
import type { BackendError, Contact, DeviceView, InvitationSent, Language, PersonView, Role } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

const ROLES: Role[] = ["technician", "supervisor", "warehouse", "admin"];

/**
 * Administrators: everyone of the company with their devices; add a person (with a first
 * password, or by e-mail so that they choose their own), change a role, reset a password or
 * e-mail a link to choose one, deactivate, remove a device. The server decides every rule and says why
 * when it refuses.
 */
export function PeopleView({ meId }: { meId: string }) {
  const { t } = useI18n();
  const people = useLoad((b) => b.people(), []);
  const [note, setNote] = useState<string | null>(null);
  const done = (words: string) => {
    setNote(words);
    people.reload();
  };
  return (
    <section className="people" aria-label={t("people")}>
      <AddPerson onAdded={done} />
      {note && (
        <p className="ok" role="status">
          {note}
        </p>
      )}
      <ErrorNote error={people.error} />
      <ul className="person-list">
        {people.data?.map((p) => (
          <Person key={p.user.id} person={p} isMe={p.user.id === meId} onChanged={done} />
        ))}
      </ul>
    </section>
  );
}

/** The words for a sent invitation: who, where, until when. */
function useInvitationWords() {
  const { t, formatShort } = useI18n();
  return (sent: InvitationSent) => t("invitationSent", { name: sent.user.name, email: sent.email, time: formatShort(sent.expires_at) });
}

function AddPerson({ onAdded }: { onAdded: (words: string) => void }) {
  const backend = useBackend();
  const { t, lang } = useI18n();
  const invitationWords = useInvitationWords();
  const [byEmail, setByEmail] = useState(false);
  const [login, setLogin] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("technician");
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState("");
  const [language, setLanguage] = useState<Language>(lang === "en" ? "en" : "zh-CN");
  const [error, setError] = useState<BackendError | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      let words: string;
      if (byEmail) {
        words = invitationWords(await backend.invitePerson({ login, name, role, email, language }));
      } else {
        const added = await backend.addPerson({ login, name, role, password });
        words = t("personAdded", { name: added.name, login: added.login });
      }
      setLogin("");
      setName("");
      setPassword("");
      setEmail("");
      onAdded(words);
    } catch (err) {
      setError(toError(err));
    }
  };
  return (
    <form className="add-person" onSubmit={submit} aria-label={t("addPerson")}>
      <h3>{t("addPerson")}</h3>
      <fieldset className="choice" aria-label={t("passwordHow")}>
        <label>
          <input type="radio" name="password-how" checked={!byEmail} onChange={() => setByEmail(false)} />
          {t("passwordHow.first")}
        </label>
        <label>
          <input type="radio" name="password-how" checked={byEmail} onChange={() => setByEmail(true)} />
          {t("passwordHow.invite")}
        </label>
      </fieldset>
      <div className="form-row">
        <label>
          {t("personName")}
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t("login")}
          <input value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t("role")}
          <RoleSelect value={role} onChange={setRole} />
        </label>
        {byEmail ? (
          <>
            <label>
              {t("notify.email")}
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
            </label>
            <label>
              {t("notify.language")}
              <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
                <option value="zh-CN">中文</option>
                <option value="en">English</option>
              </select>
            </label>
          </>
        ) : (
          <label>
            {t("firstPassword")}
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </label>
        )}
        <button type="submit">{t(byEmail ? "sendInvitation" : "add")}</button>
      </div>
      {byEmail && <p className="muted">{t("passwordHow.inviteHint")}</p>}
      <ErrorNote error={error} />
    </form>
  );
}

function RoleSelect({ value, onChange, label }: { value: Role; onChange: (r: Role) => void; label?: string }) {
  const { t } = useI18n();
  return (
    <select value={value} aria-label={label} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

function Person({ person, isMe, onChanged }: { person: PersonView; isMe: boolean; onChanged: (words: string) => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const { user } = person;
  const [error, setError] = useState<BackendError | null>(null);
  const [resetting, setResetting] = useState(false);
  const [editingContact, setEditingContact] = useState(false);
  const [password, setPassword] = useState("");
  const invitationWords = useInvitationWords();
  /** Do `work`, then say `words` (or the words for what it answered). */
  const act = async <T,>(work: () => Promise<T>, words: string | ((answer: T) => string)) => {
    setError(null);
    try {
      const answer = await work();
      onChanged(typeof words === "function" ? words(answer) : words);
    } catch (err) {
      setError(toError(err));
    }
  };
  const setActive = (active: boolean) => {
    if (!active && !window.confirm(t("deactivateConfirm", { name: user.name }))) return;
    void act(() => backend.changePerson(user.id, { name: null, role: null, active }), `${user.name}: ${t(active ? "active" : "deactivated")}`);
  };
  return (
    <li className={user.active ? "person" : "person inactive"} data-testid={`person-${user.login}`}>
      <div className="person-head">
        <strong>{user.name}</strong>
        <span className="muted">{user.login}</span>
        {!user.active && <span className="badge warn">{t("deactivated")}</span>}
        <span className="spacer" />
        <RoleSelect
          value={user.role}
          label={`${t("role")} · ${user.name}`}
          onChange={(role) => void act(() => backend.changePerson(user.id, { name: null, role, active: null }), `${user.name}: ${t(`role.${role}`)}`)}
        />
        <button onClick={() => setEditingContact((r) => !r)} aria-expanded={editingContact}>
          {t("notify.contact")}
        </button>
        <button onClick={() => setResetting((r) => !r)}>{t("resetPassword")}</button>
        {user.active && person.contact.email && (
          <button onClick={() => void act(() => backend.sendInvitation(user.id), invitationWords)}>{t("emailPasswordLink")}</button>
        )}
        {!isMe && <button onClick={() => setActive(!user.active)}>{t(user.active ? "deactivate" : "reactivate")}</button>}
      </div>
      {!editingContact && (person.contact.email || person.contact.phone) && (
        <p className="muted">{[person.contact.email, person.contact.phone].filter(Boolean).join(" · ")}</p>
      )}
      {editingContact && (
        <ContactForm
          person={person}
          onSave={(contact) =>
            void act(async () => {
              await backend.setPersonContact(user.id, contact);
              setEditingContact(false);
            }, t("notify.contactSaved", { name: user.name }))
          }
        />
      )}
      {resetting && (
        <form
          className="line-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await backend.resetPassword(user.id, password);
              setPassword("");
              setResetting(false);
            }, t("passwordReset", { name: user.name }));
          }}
        >
          <input type="password" aria-label={t("newPassword")} placeholder={t("newPassword")} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          <button type="submit">{t("setPassword")}</button>
        </form>
      )}
      <ErrorNote error={error} />
      {person.devices.length === 0 ? (
        <p className="muted">{t("noDevices")}</p>
      ) : (
        <ul className="device-list" aria-label={`${t("devices")} · ${user.name}`}>
          {person.devices.map((d) => (
            <Device key={d.id} device={d} onRevoked={() => onChanged(t("deviceRemoved"))} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Where a person's notifications go: e-mail, mobile number, and the language of the messages. */
function ContactForm({ person, onSave }: { person: PersonView; onSave: (c: Contact) => void }) {
  const { t } = useI18n();
  const [contact, setContact] = useState<Contact>(person.contact);
  return (
    <form
      className="line-form"
      aria-label={`${t("notify.contact")} · ${person.user.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        onSave(contact);
      }}
    >
      <label>
        {t("notify.email")}
        <input type="email" value={contact.email} onChange={(e) => setContact({ ...contact, email: e.target.value })} autoComplete="off" />
      </label>
      <label>
        {t("notify.mobile")}
        <input type="tel" value={contact.phone} onChange={(e) => setContact({ ...contact, phone: e.target.value })} autoComplete="off" />
      </label>
      <label>
        {t("notify.language")}
        <select value={contact.language} onChange={(e) => setContact({ ...contact, language: e.target.value as Contact["language"] })}>
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </label>
      <button type="submit">{t("save")}</button>
    </form>
  );
}

function Device({ device, onRevoked }: { device: DeviceView; onRevoked: () => void }) {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const revoke = async (keepUnsent: boolean) => {
    setError(null);
    try {
      await backend.revokeDevice(device.id, keepUnsent);
      setAsking(false);
      onRevoked();
    } catch (err) {
      setError(toError(err));
    }
  };
  const state = device.revoked
    ? t(device.revoked.keep_unsent ? "deviceRevokedKeep" : "deviceRevoked", { time: formatShort(device.revoked.at) })
    : t(device.signed_in ? "deviceSignedIn" : "deviceSignedOut");
  const what = [device.platform, device.model, device.app_version && `v${device.app_version}`].filter(Boolean).join(" · ");
  return (
    <li className="device" data-testid="device">
      <div className="device-head">
        <span>
          <strong>{device.name}</strong> {what && <span className="muted">{what}</span>}
        </span>
        <span className="muted">
          {t("lastSeen", { time: formatShort(device.last_seen) })} · {t("firstSeen", { time: formatShort(device.first_seen) })}
          {device.last_address && ` · ${t("fromAddress", { address: device.last_address })}`}
        </span>
        <span className={device.revoked ? "badge warn" : "badge"}>{state}</span>
        {!device.revoked && !asking && <button onClick={() => setAsking(true)}>{t("revokeDevice")}</button>}
      </div>
      {asking && (
        <div className="confirm" role="group" aria-label={t("revokeDevice")}>
          <p>{t("revokeWhy")}</p>
          <button className="danger" onClick={() => void revoke(false)}>
            {t("revokeWipe")}
          </button>
          <button onClick={() => void revoke(true)}>{t("revokeKeep")}</button>
          <button className="link" onClick={() => setAsking(false)}>
            {t("cancel")}
          </button>
        </div>
      )}
      <ErrorNote error={error} />
    </li>
  );
}
