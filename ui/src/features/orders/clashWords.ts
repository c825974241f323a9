import type { Clash } from "../../backend";
import type { Translate } from "../../i18n";

/** A clash of the order's history in the person's words: who did what, against what. */
export function clashWords(c: Clash, t: Translate, name: (id: string) => string, sep: string): string {
  const names = (ids: string[]) => (ids.length ? ids.map(name).join(sep) : t("nobody"));
  switch (c.clash) {
    case "not_assigned":
      return t("clash.not_assigned", { who: name(c.by), event: t(`eventName.${c.event}`), assignees: names(c.assignees) });
    case "not_now":
      return t("clash.not_now", { who: name(c.by), event: t(`eventName.${c.event}`), status: t(`status.${c.status}`) });
    case "completed_again":
      return t("clash.completed_again", { who: name(c.by) });
    case "reassigned_over_work":
      return t("clash.reassigned_over_work", {
        who: name(c.by),
        to: names(c.to),
        taken: c.taken_off.map(([u, step]) => t("workStepOf", { who: name(u), step: t(`eventName.${step}`) })).join(sep),
      });
  }
}
