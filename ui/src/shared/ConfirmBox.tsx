import type { ReactNode } from "react";
import { useI18n } from "../i18n";

/** A rule's question before going on: what it would mean, the go-ahead button and Cancel. */
export function ConfirmBox({ label, testId, message, confirm, onConfirm, onCancel }: { label: string; testId: string; message: ReactNode; confirm: string; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="inline-form warn" role="alertdialog" aria-label={label} data-testid={testId}>
      <strong>{message}</strong>
      <div className="actions">
        <button className="primary" onClick={onConfirm}>
          {confirm}
        </button>
        <button onClick={onCancel}>{t("cancel")}</button>
      </div>
    </div>
  );
}
