import { useState } from "react";
import type { BackendError, ClockKind, SavedFile, UserInfo } from "../../backend";
import { toError } from "../../backend";
import { useBackend, useLoad, userName } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";
import { DateRange, SavedNotice } from "../../shared/FormParts";
import { PositionPanel } from "./PositionPanel";
import { Locating, useLocate } from "./useLocate";
import { savedLink } from "../../files";

const offsetMin = () => -new Date().getTimezoneOffset();

function localDate(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The technician's working day: clock in and out with the device position, wherever they are. */
export function AttendanceBar() {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const state = useLoad((b) => b.attendanceState(), []);
  const [error, setError] = useState<BackendError | null>(null);
  const since = state.data?.clocked_in_since ?? null;
  const position = useLocate<ClockKind>(async (kind, p) => {
    try {
      await backend.clock(kind, p);
      state.reload();
      return true;
    } catch (e) {
      setError(toError(e));
      return false;
    }
  });
  const start = (kind: ClockKind) => {
    setError(null);
    void position.locate(kind);
  };
  const ask = position.ask;
  return (
    <section className="attendance-bar" aria-label={t("attendance")}>
      <span data-testid="clock-state">{since ? t("clockedInSince", { time: formatShort(since) }) : t("notClockedIn")}</span>
      {since ? (
        <button className="big" onClick={() => start("clock_out")}>
          {t("clockOut")}
        </button>
      ) : (
        <button className="big primary" onClick={() => start("clock_in")}>
          {t("clockIn")}
        </button>
      )}
      {position.locating !== null && <Locating onTypeInstead={position.typeInstead} onCancel={position.cancel} />}
      {ask && <PositionPanel why={ask.why} onSubmit={(p) => position.record(ask.step, p)} onCancel={position.cancel} />}
      <ErrorNote error={error ?? state.error} />
    </section>
  );
}

/** Supervisors: attendance per person and day, with time on site per order; CSV export. */
export function AttendanceView({ directory, onOpen }: { directory: UserInfo[]; onOpen: (orderId: string) => void }) {
  const backend = useBackend();
  const { t, formatShort } = useI18n();
  const [from, setFrom] = useState(localDate());
  const [to, setTo] = useState(localDate());
  const [saved, setSaved] = useState<SavedFile | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const rows = useLoad((b) => b.attendanceReport(from, to, offsetMin()), [from, to]);
  const time = (ms: number | null) => (ms === null ? "—" : formatShort(ms));
  const exportCsv = async () => {
    setError(null);
    try {
      setSaved(await backend.exportAttendance(from, to, offsetMin()));
    } catch (e) {
      setError(toError(e));
    }
  };
  return (
    <section aria-label={t("tab.attendance")}>
      <div className="filters toolbar">
        <DateRange from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <button onClick={exportCsv}>{t("exportCsv")}</button>
      </div>
      {saved && <SavedNotice saved={savedLink(saved, "csv")} testId="export-saved" />}
      <ErrorNote error={error ?? rows.error} />
      <div className="table-scroll">
      <table className="orders" aria-label={t("tab.attendance")}>
        <thead>
          <tr>
            <th>{t("day")}</th>
            <th>{t("technician")}</th>
            <th>{t("clockIn")}</th>
            <th>{t("clockOut")}</th>
            <th className="num">{t("workedHours")}</th>
            <th>{t("firstLastCheckIn")}</th>
            <th className="num">{t("customersVisited")}</th>
            <th className="num">{t("flagged")}</th>
            <th>{t("timeOnSite")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.data?.map((r) => (
            <tr key={`${r.user_id}|${r.day}`}>
              <td className="nowrap">{r.day}</td>
              <td>{userName(directory, r.user_id)}</td>
              <td className="nowrap">{time(r.clock_in)}</td>
              <td className="nowrap">{time(r.clock_out)}</td>
              <td className="num">{(r.worked_minutes / 60).toFixed(1)}</td>
              <td className="nowrap">
                {time(r.first_check_in)} – {time(r.last_check_in)}
              </td>
              <td className="num">{r.customers_visited}</td>
              <td className="num">{r.flagged_check_ins > 0 ? <span className="badge warn">{r.flagged_check_ins}</span> : 0}</td>
              <td>
                {r.on_site.map((s) => (
                  <div key={s.order_id}>
                    <button className="link" onClick={() => onOpen(s.order_id)}>
                      {s.display_number}
                    </button>{" "}
                    {t("minutes", { n: s.minutes })}
                    {s.open && <span className="muted"> · {t("noCheckOut")}</span>}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {rows.data?.length === 0 && <p className="muted">{t("noAttendance")}</p>}
    </section>
  );
}
