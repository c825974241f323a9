import { useEffect, useState } from "react";
import type { Backend, SessionInfo } from "./backend";
import { BackendContext, useBackend, useDirectory, useSyncStatus } from "./context";
import { I18nProvider, useI18n, type Lang } from "./i18n";
import { LanguageSwitch } from "./features/session/LanguageSwitch";
import { NotificationBell } from "./features/notify/NotificationBell";
import { LoginScreen } from "./features/session/LoginScreen";
import { PartsTab } from "./features/parts/PartsViews";
import { KnowledgeView } from "./features/knowledge/KnowledgeView";
import { SupervisorView } from "./layout/SupervisorView";
import { SyncBar } from "./features/session/SyncBar";
import { ResumeSync } from "./features/session/ResumeSync";
import { ChangePassword } from "./features/session/ChangePassword";
import { TechnicianView } from "./layout/TechnicianView";

/** A standing notice: one short sentence, the whole story behind "Details". */
function Notice({ short, details }: { short: string; details: string }) {
  const { t } = useI18n();
  return (
    <div className="notice" role="note">
      <span>{short}</span>{" "}
      <details>
        <summary>{t("details")}</summary>
        <span>{details}</span>
      </details>
    </div>
  );
}

export function App({ backend, lang }: { backend: Backend; lang?: Lang }) {
  return (
    <BackendContext.Provider value={backend}>
      <I18nProvider lang={lang}>
        <Root />
      </I18nProvider>
    </BackendContext.Provider>
  );
}

function Root() {
  const backend = useBackend();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [revoked, setRevoked] = useState(false);
  useEffect(() => {
    backend.session().then(setSession, () => setSession(null));
    const offIn = backend.on("signed-in", (s) => setSession(s as SessionInfo));
    const offOut = backend.on("signed-out", (code) => {
      setRevoked(code === "device_revoked");
      setSession(null);
    });
    return () => {
      offIn();
      offOut();
    };
  }, [backend]);
  if (session === undefined) return null;
  if (session === null) return <LoginScreen onSignedIn={setSession} revoked={revoked} />;
  return <Shell info={session} onSession={setSession} onSignedOut={() => setSession(null)} />;
}

function Shell({ info, onSession, onSignedOut }: { info: SessionInfo; onSession: (s: SessionInfo) => void; onSignedOut: () => void }) {
  const backend = useBackend();
  const { t } = useI18n();
  const status = useSyncStatus();
  const directory = useDirectory();
  const me = info.session.user;
  const [changingPassword, setChangingPassword] = useState(false);
  const signOut = async () => {
    const pending = status?.pending ?? 0;
    if (pending > 0 && !window.confirm(t("signOutPending", { n: pending }))) return;
    await backend.logout(false);
    onSignedOut();
  };
  return (
    <div className="app">
      <header className="topbar">
        <strong className="brand">{t("appName")}</strong>
        <SyncBar />
        <span className="spacer" />
        {info.can_sync && <NotificationBell />}
        <LanguageSwitch />
        <span className="user" data-testid="user">
          {me.name} · {t(`role.${me.role}`)}
        </span>
        {info.can_sync && (
          <button className="link" title={t("changePassword")} onClick={() => setChangingPassword((v) => !v)}>
            {t("password")}
          </button>
        )}
        <button onClick={signOut}>{t("signOut")}</button>
      </header>
      {changingPassword && <ChangePassword onClose={() => setChangingPassword(false)} />}
      {!info.can_sync ? (
        <ResumeSync info={info} onResumed={onSession} />
      ) : (
        info.token_home.kind === "memory" && <Notice short={t(`tokenMemory.${info.token_home.why}.short`)} details={t(`tokenMemory.${info.token_home.why}`)} />
      )}
      {info.at_rest !== "encrypted" && info.token_home.kind !== "memory" && <Notice short={t("notEncrypted.short")} details={t("notEncrypted")} />}
      {me.role === "technician" ? (
        <TechnicianView me={me} directory={directory} />
      ) : me.role === "warehouse" ? (
        <div className="warehouse">
          <PartsTab directory={directory} me={me.id} />
          <details className="warehouse-knowledge">
            <summary>{t("knowledgeBase")}</summary>
            <KnowledgeView directory={directory} canManage={false} canWrite={false} />
          </details>
        </div>
      ) : (
        <SupervisorView directory={directory} isAdmin={me.role === "admin"} meId={me.id} />
      )}
    </div>
  );
}
