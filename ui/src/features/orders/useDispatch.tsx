import { useState } from "react";
import type { BackendError, EventKind, OrderDetail } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ConfirmBox } from "../../shared/ConfirmBox";

type Asked = { orderId: string; to: string[]; takenOff: [string, EventKind][] };

/**
 * Dispatch or reassign. When the device says the reassignment would take technicians off work
 * they have under way, it asks first (naming them and their step) and goes on only when told.
 */
export function useDispatch(onDone: (o: OrderDetail) => void) {
  const backend = useBackend();
  const { t } = useI18n();
  const [error, setError] = useState<BackendError | null>(null);
  const [asked, setAsked] = useState<Asked | null>(null);
  const dispatch = async (orderId: string, to: string[], overWork = false) => {
    setError(null);
    setAsked(null);
    try {
      onDone(await backend.dispatchOrder(orderId, to, overWork));
      return true;
    } catch (e) {
      const err = toError(e);
      if (err.refusal?.kind === "work_under_way") setAsked({ orderId, to, takenOff: err.refusal.taken_off });
      else setError(err);
      return false;
    }
  };
  const confirm = asked && (
    <ConfirmBox
      label={t("reassign")}
      testId="work-under-way"
      message={t("workUnderWay", { who: asked.takenOff.map(([who, step]) => t("workStepOf", { who, step: t(`eventName.${step}`) })).join(t("listSeparator")) })}
      confirm={t("reassignAnyway")}
      onConfirm={() => void dispatch(asked.orderId, asked.to, true)}
      onCancel={() => setAsked(null)}
    />
  );
  return { dispatch, error, confirm };
}
