import type { Status } from "../../backend";
import { useI18n } from "../../i18n";

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useI18n();
  return <span className={`status status-${status}`}>{t(`status.${status}`)}</span>;
}
