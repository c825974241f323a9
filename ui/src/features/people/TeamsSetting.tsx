import { useState } from "react";
import type { TeamView, UserInfo } from "../../backend";
import { useAction, useBackend, useLoad } from "../../context";
import { useI18n } from "../../i18n";
import { ErrorNote } from "../../shared/ErrorNote";

/** Administrators group technicians into teams; the dashboard and the staff assessment narrow to one. */
export function TeamsSetting({ directory }: { directory: UserInfo[] }) {
  const { t } = useI18n();
  const teams = useLoad((b) => b.teams(), []);
  const technicians = directory.filter((u) => u.role === "technician");
  return (
    <section className="teams" aria-label={t("teams.title")}>
      <h3>{t("teams.title")}</h3>
      <p className="muted small">{t("teams.hint")}</p>
      <ErrorNote error={teams.error} />
      {teams.data?.map((team) => (
        <TeamEditor key={team.id} team={team} technicians={technicians} onSaved={teams.reload} />
      ))}
      <TeamEditor key={`new-${teams.data?.length ?? 0}`} team={null} technicians={technicians} onSaved={teams.reload} />
    </section>
  );
}

/** One team's name and members (or a new team's), saved together. */
function TeamEditor({ team, technicians, onSaved }: { team: TeamView | null; technicians: UserInfo[]; onSaved: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const action = useAction();
  const [name, setName] = useState(team?.name ?? "");
  const [members, setMembers] = useState<string[]>(team?.members ?? []);
  const label = team ? team.name : t("teams.new");
  const toggle = (id: string, on: boolean) => setMembers((m) => (on ? [...m, id] : m.filter((x) => x !== id)));
  return (
    <form
      className="team"
      aria-label={label}
      onSubmit={async (e) => {
        e.preventDefault();
        if (await action.run(() => backend.saveTeam(team?.id ?? null, { name, members }))) onSaved();
      }}
    >
      <label>
        {t("teams.name")}
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset>
        <legend>{t("teams.members")}</legend>
        {technicians.map((u) => (
          <label key={u.id} className="check">
            <input type="checkbox" checked={members.includes(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} /> {u.name}
          </label>
        ))}
      </fieldset>
      <div className="toolbar">
        <button type="submit">{team ? t("save") : t("teams.create")}</button>
        {team && (
          <button type="button" className="danger" onClick={async () => (await action.run(() => backend.removeTeam(team.id))) && onSaved()}>
            {t("teams.remove")}
          </button>
        )}
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}
