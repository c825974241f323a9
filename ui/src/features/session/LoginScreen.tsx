import { useEffect, useState, type FormEvent } from "react";
import type { BackendError, SessionInfo } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useSyncStatus } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { FirstSyncProgress } from "./FirstSyncProgress";
import { LanguageSwitch } from "./LanguageSwitch";

/** Sign in; `revoked` says first that an administrator removed this device and its data went. */
export function LoginScreen({ onSignedIn, revoked }: { onSignedIn: (s: SessionInfo) => void; revoked?: boolean }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [serverUrl, setServerUrl] = useState("");
  const [tenant, setTenant] = useState("");
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const status = useSyncStatus();

  useEffect(() => {
    backend.defaults().then((d) => {
      setServerUrl((v) => v || d.server_url);
      setTenant((v) => v || d.tenant);
    }, () => undefined);
  }, [backend]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await backend.login(serverUrl, tenant, login, password));
    } catch (err) {
      setError(toError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-label={t("signIn")}>
        <div className="login-head">
          <h1>{t("appName")}</h1>
          <LanguageSwitch />
        </div>
        {revoked && (
          <p className="notice" role="alert" data-testid="revoked-notice">
            {t("signedOutRevoked")}
          </p>
        )}
        <label>
          {t("serverUrl")}
          <input name="server" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required />
        </label>
        <label>
          {t("tenant")}
          <input name="tenant" value={tenant} onChange={(e) => setTenant(e.target.value)} required />
        </label>
        <label>
          {t("login")}
          <input name="login" value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="username" required />
        </label>
        <label>
          {t("password")}
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </label>
        <ErrorNote error={error} />
        <button className="primary big" type="submit" disabled={busy}>
          {busy ? t("signingIn") : t("signIn")}
        </button>
        {busy && <FirstSyncProgress status={status} />}
      </form>
    </main>
  );
}
