import { useEffect, useState } from "react";
import type { BackendError, OrderDetail, PhotoView, UserInfo } from "../../backend";
import { toError } from "../../backend";
import { useBackend, userName } from "../../context";
import { useI18n } from "../../i18n";
import { readBase64 } from "../../files";
import { ErrorNote } from "../../shared/ErrorNote";


/** One thumbnail, fetched from the device or, when missing, from the server. */
function Thumb({ photo, onOpen }: { photo: PhotoView; onOpen: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let live = true;
    backend
      .getBlob(photo.thumb_hash)
      .then((b) => live && setSrc(`data:${b.content_type};base64,${b.data_base64}`))
      .catch(() => live && setMissing(true));
    return () => {
      live = false;
    };
  }, [backend, photo.thumb_hash]);
  return (
    <button className="thumb" onClick={onOpen} aria-label={photo.caption || t("photo")} disabled={!src}>
      {src ? <img src={src} alt={photo.caption} /> : <span className="muted">{missing ? t("photoNotUploaded") : "…"}</span>}
    </button>
  );
}

/** Site photos of an order: thumbnails for everyone who sees the order, the full picture on
 * demand, and (for field work) taking or picking new ones with a caption. */
export function PhotosPanel({ order, directory, editable, onChanged }: { order: OrderDetail; directory: UserInfo[]; editable: boolean; onChanged: (o: OrderDetail) => void }) {
  const backend = useBackend();
  const { t, formatTime } = useI18n();
  const [files, setFiles] = useState<File[]>([]);
  const [caption, setCaption] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [full, setFull] = useState<{ photo: PhotoView; src: string | null } | null>(null);

  const attach = async () => {
    setError(null);
    // The last check-in, so the photos sit with the visit they document.
    const lastCheckIn = [...order.check_ins].reverse().find((c) => c.kind === "checked_in");
    for (const [i, file] of files.entries()) {
      setBusy(t("photoProcessing", { n: i + 1, total: files.length }));
      try {
        const data = await readBase64(file);
        onChanged(await backend.attachPhoto(order.id, data, { caption, event_id: lastCheckIn?.event_id ?? null }));
      } catch (e) {
        setError(toError(e));
        break;
      }
    }
    setBusy(null);
    setFiles([]);
    setCaption("");
  };

  const open = async (photo: PhotoView) => {
    setFull({ photo, src: null });
    try {
      const b = await backend.getBlob(photo.hash);
      setFull({ photo, src: `data:${b.content_type};base64,${b.data_base64}` });
    } catch (e) {
      setFull(null);
      setError(toError(e));
    }
  };

  if (!editable && order.photos.length === 0) return null;
  return (
    <section aria-label={t("photos")}>
      <h3>
        {t("photos")} ({order.photos.length})
      </h3>
      <div className="thumbs" data-testid="photos">
        {order.photos.map((p) => (
          <figure key={p.id}>
            <Thumb photo={p} onOpen={() => open(p)} />
            <figcaption>
              {p.caption}
              <div className="muted">
                {p.by === "customer" ? t("theCustomer") : userName(directory, p.by)} · {formatTime(p.at)}
              </div>
            </figcaption>
          </figure>
        ))}
      </div>
      {full && (
        <div className="lightbox" role="dialog" aria-label={full.photo.caption || t("photo")}>
          {full.src ? <img src={full.src} alt={full.photo.caption} data-testid="photo-full" /> : <p>…</p>}
          <button onClick={() => setFull(null)}>{t("close")}</button>
        </div>
      )}
      {editable && (
        <div className="line-form">
          <label>
            {t("addPhotos")}
            <input type="file" accept="image/*" capture="environment" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
          </label>
          <label>
            {t("photoCaption")}
            <input value={caption} onChange={(e) => setCaption(e.target.value)} maxLength={500} />
          </label>
          <button className="primary" disabled={!files.length || !!busy} onClick={attach}>
            {t("attachPhotos", { n: files.length })}
          </button>
        </div>
      )}
      {busy && <p role="status">{busy}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
