//! People and devices, and the audit log: the administrator's screens. These ask the server
//! directly (they need it: nothing here is kept on the device), which decides and enforces
//! every rule; the device only carries the answers.

use crate::audit::{AuditEntry, AuditQuery};
use crate::people::{
    Contact, DeviceRevoke, Invitation, InvitationSent, NewPerson, PasswordReset, PersonChange,
    PersonView,
};
use reqwest::Method;

use crate::protocol::UserInfo;
use crate::workspace::csv_field;
use crate::{DeviceError, Result};

use super::App;
use super::field::SavedFile;

fn online(app: &App) -> Result<crate::sync::SyncHttp> {
    app.http().ok_or(DeviceError::NotSignedIn)
}

commands! {
    /// Every person of the company with their devices (administrators).
    task fn people(app) -> Vec<PersonView> {
        online(&app)?.get_json("/v1/admin/people", &[]).await
    }
    task fn add_person(app, person: NewPerson) -> UserInfo {
        let info = online(&app)?.send_json(Method::POST, "/v1/admin/people", &person).await?;
        // The directory on this device follows with the next sync.
        app.wake.notify_one();
        Ok(info)
    }
    /// Add someone by e-mail: they choose their own password through a one-time link.
    task fn invite_person(app, invitation: Invitation) -> InvitationSent {
        let sent = online(&app)?.send_json(Method::POST, "/v1/admin/invitations", &invitation).await?;
        app.wake.notify_one();
        Ok(sent)
    }
    /// The link to choose a password, again, to the e-mail address of the person's contact
    /// (the earlier link stops working).
    task fn send_invitation(app, id: String) -> InvitationSent {
        let path = format!("/v1/admin/people/{}/invitation", path_id(&id)?);
        online(&app)?.send_json(Method::POST, &path, &serde_json::json!({})).await
    }
    /// Name, role, or active (a deactivated person is signed out everywhere at once).
    task fn change_person(app, id: String, change: PersonChange) -> UserInfo {
        let path = format!("/v1/admin/people/{}", path_id(&id)?);
        let info = online(&app)?.send_json(Method::PATCH, &path, &change).await?;
        app.wake.notify_one();
        Ok(info)
    }
    /// Where someone's notifications go: e-mail, mobile number, language.
    task fn set_person_contact(app, id: String, contact: Contact) -> Contact {
        let path = format!("/v1/admin/people/{}/contact", path_id(&id)?);
        online(&app)?.send_json(Method::PUT, &path, &contact).await
    }
    /// A new password for someone; their devices sign in again.
    task fn reset_password(app, id: String, password: String) -> () {
        let path = format!("/v1/admin/people/{}/password", path_id(&id)?);
        let _: serde_json::Value = online(&app)?.send_json(Method::POST, &path, &PasswordReset { password }).await?;
        Ok(())
    }
    /// Cut a device off: at its next contact it erases its local copy, after sending its
    /// unsent work when `keep_unsent`.
    task fn revoke_device(app, id: String, keep_unsent: bool) -> () {
        let path = format!("/v1/admin/devices/{}/revoke", path_id(&id)?);
        let _: serde_json::Value = online(&app)?.send_json(Method::POST, &path, &DeviceRevoke { keep_unsent }).await?;
        Ok(())
    }
    /// The audit log, newest first.
    task fn audit_log(app, query: AuditQuery) -> Vec<AuditEntry> {
        online(&app)?.get_json("/v1/admin/audit", &audit_params(&query)).await
    }
    /// The audit log as CSV (up to 500 lines of the search), saved under exports/.
    task fn export_audit(app, query: AuditQuery) -> SavedFile {
        let query = AuditQuery { limit: Some(crate::audit::MAX_AUDIT_PAGE), ..query };
        let entries: Vec<AuditEntry> = online(&app)?.get_json("/v1/admin/audit", &audit_params(&query)).await?;
        let csv = audit_csv(&entries);
        let name = format!("audit-{}.csv", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = app.save_file("exports", &name, csv.as_bytes())?;
        Ok(SavedFile { path, data_base64: super::encode_base64(csv.as_bytes()) })
    }
}

/// Ids go into a URL path: only the characters our ids have.
fn path_id(id: &str) -> Result<&str> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(id)
    } else {
        Err(DeviceError::invalid(format!("'{id}' is not an id")))
    }
}

fn audit_params(q: &AuditQuery) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    if let Some(t) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        params.push(("text", t.to_string()));
    }
    if let Some(k) = q.kind {
        params.push(("kind", k.as_str().to_string()));
    }
    for (name, value) in [("since", q.since), ("until", q.until), ("before", q.before)] {
        if let Some(v) = value {
            params.push((name, v.to_string()));
        }
    }
    if let Some(l) = q.limit {
        params.push(("limit", l.to_string()));
    }
    params
}

fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut out =
        String::from("seq,time_utc,kind,login,user_id,device_id,address,code,subject,detail\n");
    for e in entries {
        let at = chrono::DateTime::from_timestamp_millis(e.at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let cells = [
            e.seq.to_string(),
            at,
            e.kind.as_str().to_string(),
            e.login.clone().unwrap_or_default(),
            e.user_id.clone().unwrap_or_default(),
            e.device_id.clone().unwrap_or_default(),
            e.address.clone().unwrap_or_default(),
            e.code.map(|c| c.as_str().to_string()).unwrap_or_default(),
            e.subject.clone().unwrap_or_default(),
            e.detail.clone(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use crate::app::App;
    use crate::app::test_platform::TestPlatform;
    use crate::location::NoLocation;
    use crate::model::Role;
    use crate::testing::{SUPERVISOR, customer_input, order_input};
    use crate::workspace::Workspace;
    use crate::{DeviceError, ErrorCode};

    /// Told it was revoked, the device erases its documents, photos and token, and the
    /// database file no longer holds the order's words anywhere (free pages and log included).
    #[tokio::test]
    async fn a_revoked_device_erases_its_copy_and_its_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fieldops.sqlite");
        let session = {
            let mut ws = Workspace::open(&file).unwrap();
            let seeded = crate::testing::workspace(SUPERVISOR, Role::Supervisor);
            let session = seeded.session().unwrap().clone();
            ws.begin_login("acme", "sup").unwrap();
            ws.set_session(session.clone(), "sup").unwrap();
            let c = ws
                .create_customer(&customer_input("上海精密仪器有限公司"))
                .unwrap();
            ws.create_order(&order_input(
                &c.id,
                &c.sites[0].id,
                "Spindle vibration at 3000 rpm",
            ))
            .unwrap();
            session
        };
        let platform = TestPlatform::new(NoLocation);
        let probe = platform.probe();
        let account = super::super::session::account_key(&session);
        probe
            .secrets
            .lock()
            .unwrap()
            .insert(account.clone(), "a-token".into());
        let app: Arc<App> = App::open(dir.path(), Box::new(platform)).unwrap();
        assert_eq!(
            app.call("session", json!({})).await.unwrap()["can_sync"],
            true
        );

        app.after_sync(&Err(DeviceError::Server {
            code: ErrorCode::DeviceRevoked,
            message: "revoked".into(),
        }));

        assert!(app.call("session", json!({})).await.unwrap().is_null());
        assert!(probe.secrets.lock().unwrap().get(&account).is_none());
        let said = probe.events.lock().unwrap().clone();
        assert!(
            said.contains(&("signed-out".to_string(), json!("device_revoked"))),
            "{said:?}"
        );
        drop(app);
        let mut bytes = std::fs::read(&file).unwrap();
        if let Ok(wal) = std::fs::read(dir.path().join("fieldops.sqlite-wal")) {
            bytes.extend(wal);
        }
        let words = b"Spindle vibration";
        assert!(!bytes.windows(words.len()).any(|w| w == words));
        let name = "上海精密仪器".as_bytes();
        assert!(!bytes.windows(name.len()).any(|w| w == name));
    }
}
