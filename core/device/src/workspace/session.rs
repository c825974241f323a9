//! Who is signed in on this device: sign-in, the session, sign-out, the directory.

use super::*;
use crate::Field;

/// Who is signed in on this device, as the server told us at login. The token is not here:
/// it lives in the OS keyring (or in memory), never in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Session {
    pub server_url: String,
    pub tenant: String,
    pub user: UserInfo,
    pub device_id: String,
}

impl Workspace {
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Prepare a sign-in and return the actor id to bind. A different account on this device
    /// starts from an empty store with a fresh actor id, so nobody pushes changes in another
    /// person's name; unsent changes of the previous account are never discarded silently.
    pub fn begin_login(&mut self, tenant: &str, login: &str) -> Result<String> {
        check_text(Field::Company, tenant, true, 100)?;
        check_text(Field::Login, login, true, 100)?;
        let account = format!("{tenant}/{login}");
        if let Some(previous) = self.store.meta("last_account")?
            && previous != account
        {
            let pending = self.store.pending_count()?;
            if pending > 0 {
                return Err(DeviceError::refused(Refusal::UnsentWorkOfAnotherAccount {
                    account: previous,
                    pending: u32::try_from(pending).unwrap_or(u32::MAX),
                }));
            }
            self.store.wipe(false)?;
        }
        Ok(self.store.actor().to_hex_string())
    }

    /// Record a successful login (after `begin_login`).
    pub fn set_session(&mut self, session: Session, login: &str) -> Result<()> {
        let json =
            serde_json::to_string(&session).map_err(|e| DeviceError::invalid(e.to_string()))?;
        self.store.set_meta("session", &json)?;
        self.store
            .set_meta("last_account", &format!("{}/{login}", session.tenant))?;
        self.session = Some(session);
        Ok(())
    }

    /// Sign out. Unsent changes stay on the device for the same user's next sign-in unless
    /// `discard` is set, in which case the store is wiped.
    pub fn sign_out(&mut self, discard: bool) -> Result<()> {
        if discard {
            self.store.wipe(false)?;
        } else {
            self.store.delete_meta("session")?;
        }
        self.session = None;
        Ok(())
    }

    pub fn actor(&self) -> Result<Actor> {
        let s = self.session.as_ref().ok_or(DeviceError::NotSignedIn)?;
        Ok(Actor {
            user_id: s.user.id.clone(),
            role: s.user.role,
        })
    }

    /// The technicians new work may go to: active ones (deactivated people stay in the
    /// directory for the orders they worked on).
    pub fn technicians(&self) -> Result<Vec<UserInfo>> {
        Ok(self
            .directory()?
            .into_iter()
            .filter(|u| u.role == crate::model::Role::Technician && u.active)
            .collect())
    }

    pub fn directory(&self) -> Result<Vec<UserInfo>> {
        Ok(match self.store.meta("directory")? {
            Some(s) => serde_json::from_str(&s).unwrap_or_default(),
            None => Vec::new(),
        })
    }
}
