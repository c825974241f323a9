import { useRef, useState } from "react";
import type { BackendError, Position } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";

/**
 * A step that takes the device's position (check-in, clock-in): ask the location service
 * without blocking anything (a phone may take seconds for a fix), let the person type the
 * position instead or cancel meanwhile, and ask for one by hand where the device has none.
 * A late answer after "type it" or "cancel" is ignored. `record` says whether the step was
 * recorded (the prompt then closes; otherwise it stays for a correction).
 */
export function useLocate<S>(record: (step: S, position: Position | null) => Promise<boolean>) {
  const backend = useBackend();
  const [locating, setLocating] = useState<S | null>(null);
  const [ask, setAsk] = useState<{ step: S; why: BackendError | null } | null>(null);
  const attempt = useRef(0);
  const locate = async (step: S) => {
    const mine = ++attempt.current;
    setAsk(null);
    setLocating(step);
    let position: Position;
    try {
      position = await backend.currentPosition();
    } catch (e) {
      if (attempt.current === mine) {
        setLocating(null);
        setAsk({ step, why: toError(e) });
      }
      return;
    }
    if (attempt.current !== mine) return;
    setLocating(null);
    await save(step, position);
  };
  const save = async (step: S, position: Position | null) => {
    if (await record(step, position)) setAsk(null);
  };
  const typeInstead = () => {
    attempt.current++;
    if (locating !== null) setAsk({ step: locating, why: null });
    setLocating(null);
  };
  const cancel = () => {
    attempt.current++;
    setLocating(null);
    setAsk(null);
  };
  return { locating, ask, locate, typeInstead, cancel, record: save };
}

/** While the location service looks for a fix: say so, and offer to type it or cancel. */
export function Locating({ onTypeInstead, onCancel }: { onTypeInstead: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="prompt locating" role="status" data-testid="locating">
      <span>{t("locating")}</span>
      <button type="button" onClick={onTypeInstead}>
        {t("typePositionInstead")}
      </button>
      <button type="button" onClick={onCancel}>
        {t("cancel")}
      </button>
    </div>
  );
}
