import { useState } from "react";
import type { BackendError, EventKind, OrderDetail } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ConfirmBox } from "../../shared/ConfirmBox";

type Asked = { retry: () => void; takenOff: [string, EventKind][] };

/**
 * Dispatch, reassign or plan on the schedule. When the device says it would take technicians
 * off work they have under way, it asks first (naming them and their step) and goes on only
 * when told.
 */
export function useDispatch(onDone: (o: OrderDetail) => void) {
  const backend = useBackend();
  const { t } = useI18n();
  const [error, setError] = useState<BackendError | null>(null);
  const [asked, setAsked] = useState<Asked | null>(null);
  const run = async (act: (overWork: boolean) => Promise<OrderDetail>, overWork = false): Promise<boolean> => {
    setError(null);
    setAsked(null);
    try {
      onDone(await act(overWork));
      return true;
    } catch (e) {
      const err = toError(e);
      if (err.refusal?.kind === "work_under_way") setAsked({ retry: () => void run(act, true), takenOff: err.refusal.taken_off });
      else setError(err);
      return false;
    }
  };
  const dispatch = (orderId: string, to: string[], overWork = false) => run((o) => backend.dispatchOrder(orderId, to, o), overWork);
  /** On `technician` at `start`; without a start, its own time or their next free slot. */
  const plan = (orderId: string, technician: string, start: number | null) => run((o) => backend.planOrder(orderId, technician, start, o));
  const confirm = asked && (
    <ConfirmBox
      label={t("reassign")}
      testId="work-under-way"
      message={t("workUnderWay", { who: asked.takenOff.map(([who, step]) => t("workStepOf", { who, step: t(`eventName.${step}`) })).join(t("listSeparator")) })}
      confirm={t("reassignAnyway")}
      onConfirm={asked.retry}
      onCancel={() => setAsked(null)}
    />
  );
  return { dispatch, plan, error, confirm };
}
