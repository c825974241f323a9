import { useState, type FormEvent } from "react";
import type { BackendError } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

/** A person changes their own password; their other devices then sign in again. */
export function ChangePassword({ onClose }: { onClose: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [error, setError] = useState<BackendError | null>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await backend.changePassword(current, next);
      setDone(true);
      setCurrent("");
      setNext("");
    } catch (err) {
      setError(toError(err));
    }
  };
  return (
    <form className="notice change-password line-form" onSubmit={submit} aria-label={t("changePassword")}>
      <label>
        {t("currentPassword")}
        <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" />
      </label>
      <label>
        {t("newPassword")}
        <input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />
      </label>
      <button type="submit">{t("setPassword")}</button>
      <button type="button" className="link" onClick={onClose}>
        {t("close")}
      </button>
      {done && <p role="status">{t("passwordChanged")}</p>}
      {error?.code === "bad_credentials" ? <p className="error" role="alert">{t("currentPasswordWrong")}</p> : <ErrorNote error={error} />}
    </form>
  );
}
