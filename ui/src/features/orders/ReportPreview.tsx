import { useEffect, useRef, useState } from "react";
import { useI18n } from "../../i18n";

/** Renders the service report PDF itself (pdf.js, page by page onto canvases), so what the
 * technician shows the customer is exactly the file that is saved and sent. */
export function ReportPreview({ pdfBase64, onClose }: { pdfBase64: string; onClose: () => void }) {
  const { t } = useI18n();
  const pages = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [rendered, setRendered] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const host = pages.current;
    (async () => {
      // Loaded on demand: pdf.js is large and only this view needs it.
      const pdfjs = await import("pdfjs-dist");
      const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      const bytes = Uint8Array.from(atob(pdfBase64), (c) => c.charCodeAt(0));
      const doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false }).promise;
      for (let n = 1; n <= doc.numPages && !cancelled; n++) {
        const page = await doc.getPage(n);
        const viewport = page.getViewport({ scale: 1.4 });
        const canvas = document.createElement("canvas");
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        canvas.setAttribute("aria-label", `page ${n}`);
        await page.render({ canvas, viewport }).promise;
        if (cancelled) break;
        host?.appendChild(canvas);
        setRendered(n);
      }
      await doc.destroy();
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      host?.replaceChildren();
    };
  }, [pdfBase64]);

  return (
    <section className="card" aria-label={t("reportPreview")}>
      <header className="detail-head">
        <h3>{t("reportPreview")}</h3>
        <button onClick={onClose}>{t("closePreview")}</button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="report-preview" ref={pages} data-testid="report-pages" data-pages={rendered} />
    </section>
  );
}
