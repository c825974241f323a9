import type { BackendError, ErrorBody } from "../backend";
import { useI18n } from "../i18n";
import { errorAdvice, fieldAdvice, refusalAdvice } from "../i18n/errors";

/**
 * The words for a backend error in the person's language: a refused field or a rule's refusal
 * said wholly (`particular`), else what its code means and what to do next (`advice`).
 */
export function useErrorWords(): (error: ErrorBody) => { particular: string | null; advice: string } {
  const { lang, t, formatTime } = useI18n();
  return (error) => ({
    particular: error.field
      ? fieldAdvice(lang, error.field)
      : error.refusal
        ? refusalAdvice(error.refusal, { lang, status: (s) => t(`status.${s}`), requestStatus: (s) => t(`requestStatus.${s}`), time: formatTime })
        : null,
    advice: errorAdvice(lang, error.code),
  });
}

/**
 * Shows a backend error: what happened and what to do next in the person's language (from its
 * code), then the particular reason the device gave. A refused field (which one, and why) is
 * said wholly in the person's language. The code itself is for support only.
 */
export function ErrorNote({ error }: { error: BackendError | null }) {
  const words = useErrorWords();
  if (!error) return null;
  const { particular, advice } = words(error);
  return (
    <div className="error" role="alert" data-code={error.code}>
      {particular ? (
        <strong>{particular}</strong>
      ) : (
        <>
          <strong>{advice}</strong>
          {error.message && <div className="detail">{error.message}</div>}
        </>
      )}
    </div>
  );
}
