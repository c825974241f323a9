import { useState } from "react";
import { useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

/** YYYY-MM-DD of a local calendar day. */
function iso(d: Date): string {
  return d.toLocaleDateString("sv");
}

/** A month of planned visits (from every machine's plans), one cell per day. */
export function VisitCalendar({ onOpenOrder }: { onOpenOrder: (id: string) => void }) {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(() => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), 1);
  });
  const first = month;
  const last = new Date(month.getFullYear(), month.getMonth() + 1, 0);
  const visits = useLoad((b) => b.plannedVisits(iso(first), iso(last)), [first.getTime()]);
  // Weeks start on Monday, as in China and most of Europe.
  const lead = (first.getDay() + 6) % 7;
  const days: (Date | null)[] = [...Array(lead).fill(null), ...Array.from({ length: last.getDate() }, (_, i) => new Date(month.getFullYear(), month.getMonth(), i + 1))];
  const title = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" }).format(month);
  const weekday = new Intl.DateTimeFormat(lang, { weekday: "short" });
  return (
    <section className="visit-calendar" aria-label={t("calendar.title")}>
      <div className="toolbar">
        <button aria-label={t("calendar.previous")} onClick={() => setMonth(new Date(month.getFullYear(), month.getMonth() - 1, 1))}>
          ‹
        </button>
        <h3>{title}</h3>
        <button aria-label={t("calendar.next")} onClick={() => setMonth(new Date(month.getFullYear(), month.getMonth() + 1, 1))}>
          ›
        </button>
      </div>
      <ErrorNote error={visits.error} />
      <div className="month-grid">
        {Array.from({ length: 7 }, (_, i) => (
          <div key={`h${i}`} className="weekday">
            {weekday.format(new Date(2024, 0, 1 + i))}
          </div>
        ))}
        {days.map((d, i) => {
          const day = d ? iso(d) : "";
          const here = (visits.data ?? []).filter((v) => v.date === day);
          return (
            <div key={i} className={d ? "day" : "day empty"} data-date={day || undefined}>
              {d && <span className="day-number">{d.getDate()}</span>}
              {here.map((v) => (
                <button
                  key={`${v.plan_id}-${v.date}`}
                  className={`visit ${v.order_status ?? "unplanned"}`}
                  disabled={!v.order_id}
                  title={`${v.equipment_name} · ${v.customer_name ?? ""}`}
                  onClick={() => v.order_id && onOpenOrder(v.order_id)}
                >
                  {v.equipment_name}
                  <span className="muted"> · {v.plan.name || t(`planKind.${v.plan.kind}`)}</span>
                </button>
              ))}
            </div>
          );
        })}
      </div>
    </section>
  );
}
