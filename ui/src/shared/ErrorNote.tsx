import type { BackendError } from "../backend";
import { useI18n } from "../i18n";
import { errorAdvice } from "../i18n/errors";

/**
 * Shows a backend error: what happened and what to do next in the person's language (from its
 * code), then the particular reason the device gave. The code itself is for support only.
 */
export function ErrorNote({ error }: { error: BackendError | null }) {
  const { lang } = useI18n();
  if (!error) return null;
  return (
    <div className="error" role="alert" data-code={error.code}>
      <strong>{errorAdvice(lang, error.code)}</strong>
      {error.message && <div className="detail">{error.message}</div>}
    </div>
  );
}
