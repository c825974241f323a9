import { useEffect, useRef, useState, type PointerEvent } from "react";
import type { OrderDetail } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";
import { formatMoney } from "../../format";

/** The customer signs with a finger (or mouse); saved as a PNG blob referenced by the order. */
export function SignaturePad({ order, editable, run }: { order: OrderDetail; editable: boolean; run: (a: () => Promise<OrderDetail>) => Promise<boolean> }) {
  const backend = useBackend();
  const { t, formatTime, lang } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [inked, setInked] = useState(false);
  const [signer, setSigner] = useState("");
  const [image, setImage] = useState<string | null>(null);
  const hash = order.signature?.hash;

  useEffect(() => {
    let live = true;
    if (!hash) {
      setImage(null);
      return;
    }
    backend.getBlob(hash).then(
      (b) => live && setImage(`data:${b.content_type};base64,${b.data_base64}`),
      () => live && setImage(null),
    );
    return () => {
      live = false;
    };
  }, [backend, hash]);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const c = canvas.current!;
    const r = c.getBoundingClientRect();
    return [((e.clientX - r.left) * c.width) / r.width, ((e.clientY - r.top) * c.height) / r.height] as const;
  };
  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    drawing.current = true;
    canvas.current!.setPointerCapture(e.pointerId);
    const [x, y] = point(e);
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#102040";
    ctx.beginPath();
    ctx.moveTo(x, y);
  };
  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    const [x, y] = point(e);
    ctx.lineTo(x, y);
    ctx.stroke();
    setInked(true);
  };
  const clear = () => {
    const c = canvas.current;
    c?.getContext("2d")?.clearRect(0, 0, c.width, c.height);
    setInked(false);
  };
  const save = async () => {
    const data = canvas.current?.toDataURL("image/png") ?? "";
    const ok = await run(() => backend.captureSignature(order.id, data.replace(/^data:image\/png;base64,/, ""), signer));
    if (ok) clear();
  };

  return (
    <section className="signature" aria-label={t("signature")}>
      <h3>
        {t("signature")}
        {order.signature_required && !order.signature && <span className="muted"> ({t("required")})</span>}
      </h3>
      {order.signature && (
        <div className="signed">
          {image ? <img src={image} alt={t("signature")} data-testid="signature-image" /> : <span className="muted">{t("signatureLoading")}</span>}
          <div className="muted">
            {order.signature.signer} · {formatTime(order.signature.at)}
          </div>
        </div>
      )}
      {editable && (
        <>
          <div className="sign-review" data-testid="sign-review">
            <strong>{t("signReview")}</strong>
            <div>{t("signReviewChecklist", { done: order.checklist.filter((c) => c.done).length, all: order.checklist.length })}</div>
            {order.charges.length === 0 ? (
              <div className="muted">{t("signReviewNoCharges")}</div>
            ) : (
              <table className="lines">
                <tbody>
                  {order.charges.map((c) => (
                    <tr key={c.id}>
                      <td>{t(`charge.${c.kind}`)}</td>
                      <td>{c.description}</td>
                      <td className="num">{formatMoney(c.amounts.total, c.currency, lang)}</td>
                    </tr>
                  ))}
                  <tr>
                    <th colSpan={2}>{t("chargesTotal")}</th>
                    <th className="num">{formatMoney(order.totals.charges_total, order.totals.currency, lang)}</th>
                  </tr>
                </tbody>
              </table>
            )}
          </div>
          <canvas
            ref={canvas}
            width={600}
            height={200}
            className="pad"
            data-testid="signature-pad"
            onPointerDown={down}
            onPointerMove={move}
            onPointerUp={() => (drawing.current = false)}
            onPointerCancel={() => (drawing.current = false)}
          />
          <div className="line-form">
            <label className="mini">
              {t("signerName")}
              <input value={signer} onChange={(e) => setSigner(e.target.value)} />
            </label>
            <button onClick={clear}>{t("clear")}</button>
            <button className="primary" disabled={!inked} onClick={save}>
              {order.signature ? t("replaceSignature") : t("saveSignature")}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
