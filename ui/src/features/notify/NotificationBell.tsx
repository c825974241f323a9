import { useEffect, useRef, useState } from "react";
import type { Inbox } from "../../backend";
import { useBackend } from "../../context";
import { useI18n } from "../../i18n";

/** How often the bell asks the server for new messages. */
const POLL_MS = 60_000;

/**
 * The notification centre: a bell with the unread count in the top bar; open, it lists the
 * newest messages (alerts the company's rules send to this person). The server keeps them;
 * offline the bell keeps what it last heard.
 */
export function NotificationBell() {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      backend.notifications().then(
        (i) => live && setInbox(i),
        // Offline or signed out: keep what was last heard; the next poll tries again.
        () => undefined,
      );
    void load();
    const timer = window.setInterval(load, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [backend]);

  useEffect(() => {
    if (!open) return;
    void backend.notifications().then(setInbox, () => undefined);
    const close = (e: MouseEvent) => {
      if (panel.current && !panel.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open, backend]);

  const unread = inbox?.unread ?? 0;
  const markRead = (keys: string[]) => backend.markNotificationsRead(keys).then(setInbox, () => undefined);
  return (
    <div className="bell" ref={panel}>
      <button className="link" aria-label={t("notify.centre", { n: unread })} aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        <svg className="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" fill="currentColor" />
        </svg>
        {unread > 0 && <span className="count" data-testid="unread">{unread}</span>}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label={t("notify.title")}>
          <div className="bell-head">
            <strong>{t("notify.title")}</strong>
            <span className="spacer" />
            {unread > 0 && (
              <button className="link" onClick={() => void markRead([])}>
                {t("notify.markAll")}
              </button>
            )}
          </div>
          {!inbox || inbox.items.length === 0 ? (
            <p className="muted">{inbox ? t("notify.empty") : t("notify.unavailable")}</p>
          ) : (
            <ul className="bell-list">
              {inbox.items.map((n) => (
                <li key={n.key} className={n.read ? "read" : "unread"} onClick={() => !n.read && void markRead([n.key])}>
                  <div className="bell-subject">
                    <strong>{n.subject}</strong>
                    <span className="muted">{formatShort(n.at)}</span>
                  </div>
                  <p>{n.body}</p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
