import { useState, type FormEvent } from "react";
import type { BackendError, SessionInfo } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

/**
 * Shown when the device keeps the person's session but holds no token to sync with (kept in
 * memory only, or lost by the platform's store): work goes on with the local data, and the
 * password alone brings sync back.
 */
export function ResumeSync({ info, onResumed }: { info: SessionInfo; onResumed: (s: SessionInfo) => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { server_url, tenant, user } = info.session;
      onResumed(await backend.login(server_url, tenant, user.login, password));
    } catch (err) {
      setError(toError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="notice resume-sync" onSubmit={submit} aria-label={t("resumeSync")} data-testid="resume-sync">
      <span>{t("resumeSyncWhy")}</span>
      <input
        type="password"
        name="resume-password"
        aria-label={t("password")}
        placeholder={t("password")}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoComplete="current-password"
        required
      />
      <button type="submit" className="primary" disabled={busy}>
        {t("resumeSync")}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}
