import { useState } from "react";
import type { BackendError, EquipmentView, PortalLink, SavedReport } from "../../backend";
import { toError } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { ReportPreview } from "../orders/ReportPreview";

/** A link shown with a copy button (the address customers open). */
function LinkLine({ link, label }: { link: PortalLink; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div className="portal-link">
      <span className="muted">{label}</span>
      <input readOnly value={link.url} aria-label={label} onFocus={(e) => e.target.select()} />
      <button
        onClick={() =>
          void navigator.clipboard?.writeText(link.url).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t("copied") : t("copy")}
      </button>
    </div>
  );
}

/** Print the QR label sheet of these machines; the PDF opens in the preview. */
export function PrintLabelsButton({ machines }: { machines: EquipmentView[] }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [saved, setSaved] = useState<SavedReport | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        disabled={busy || machines.length === 0}
        onClick={async () => {
          setError(null);
          setBusy(true);
          try {
            // A machine made on this device reaches the server with the next sync.
            await backend.syncNow();
            setSaved(await backend.printMachineLabels(
              machines.map((m) => m.id),
              false,
            ));
          } catch (e) {
            setError(toError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {t("printLabels", { n: machines.length })}
      </button>
      <ErrorNote error={error} />
      {saved && (
        <>
          <div className="notice" role="status" data-testid="labels-saved">
            {t("labelsSaved", { path: saved.path })}
          </div>
          <ReportPreview pdfBase64={saved.data_base64} onClose={() => setSaved(null)} />
        </>
      )}
    </>
  );
}

/** A machine's portal: its label's link and its customer's link, new codes, or none. */
export function MachinePortalPanel({ machine }: { machine: EquipmentView }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [links, setLinks] = useState<{ machine: PortalLink; customer: PortalLink } | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const act = async (f: () => Promise<void>) => {
    setError(null);
    setNote(null);
    try {
      await f();
    } catch (e) {
      setError(toError(e));
    }
  };
  const load = (reissue: boolean) =>
    act(async () => {
      await backend.syncNow();
      const [m] = await backend.portalLinks("machine", [machine.id], reissue);
      const [c] = await backend.portalLinks("customer", [machine.customer_id], false);
      setLinks({ machine: m, customer: c });
      if (reissue) setNote(t("linkReissued"));
    });
  return (
    <section className="portal-panel" aria-label={t("customerPortal")}>
      <h3>{t("customerPortal")}</h3>
      <p className="muted">{t("customerPortalHint")}</p>
      <div className="actions">
        <button onClick={() => void load(false)}>{t("showLinks")}</button>
        <PrintLabelsButton machines={[machine]} />
        <button
          onClick={() => {
            if (window.confirm(t("reissueConfirm"))) void load(true);
          }}
        >
          {t("reissueLink")}
        </button>
        <button
          className="danger"
          onClick={() => {
            if (window.confirm(t("revokeConfirm")))
              void act(async () => {
                await backend.revokePortalLink("machine", machine.id);
                setLinks(null);
                setNote(t("linkRevoked"));
              });
          }}
        >
          {t("revokeLink")}
        </button>
      </div>
      {links && (
        <>
          <LinkLine link={links.machine} label={t("machineLink")} />
          <LinkLine link={links.customer} label={t("customerLink")} />
        </>
      )}
      {note && (
        <div className="notice" role="status">
          {note}
        </div>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
