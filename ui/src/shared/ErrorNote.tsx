import type { BackendError } from "../backend";
import { useI18n } from "../i18n";
import { errorAdvice, fieldAdvice, refusalAdvice } from "../i18n/errors";

/**
 * Shows a backend error: what happened and what to do next in the person's language (from its
 * code), then the particular reason the device gave. A refused field (which one, and why) is
 * said wholly in the person's language. The code itself is for support only.
 */
export function ErrorNote({ error }: { error: BackendError | null }) {
  const { lang, t, formatTime } = useI18n();
  if (!error) return null;
  const particular = error.field
    ? fieldAdvice(lang, error.field)
    : error.refusal
      ? refusalAdvice(error.refusal, { lang, status: (s) => t(`status.${s}`), requestStatus: (s) => t(`requestStatus.${s}`), time: formatTime })
      : null;
  return (
    <div className="error" role="alert" data-code={error.code}>
      {particular ? (
        <strong>{particular}</strong>
      ) : (
        <>
          <strong>{errorAdvice(lang, error.code)}</strong>
          {error.message && <div className="detail">{error.message}</div>}
        </>
      )}
    </div>
  );
}
