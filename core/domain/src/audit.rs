//! The server's audit log as an administrator reads it (`GET /v1/admin/audit`): who did what,
//! from which device and address, and with what result. Append-only on the server.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    SignIn,
    SignInFailed,
    SignOut,
    /// A sync request or one of its documents was refused (the code says why).
    SyncRefused,
    /// A document's changes were stored (the detail lists the fields they touched).
    ChangeAccepted,
    PersonAdded,
    PersonChanged,
    PasswordReset,
    DeviceRevoked,
    /// A revoked device was told to wipe itself.
    DeviceWiped,
    SetupCompleted,
    /// A notification channel was set up, changed or removed (never with its secrets).
    ChannelChanged,
    /// A customer portal link (a machine's label or a customer's link) was issued again or
    /// revoked.
    PortalLinkChanged,
    /// A link to choose a password was e-mailed to a person (never with the link itself).
    InvitationSent,
    /// An invited person chose their password through the link.
    InvitationAccepted,
}

impl AuditKind {
    pub const ALL: [AuditKind; 15] = [
        AuditKind::SignIn,
        AuditKind::SignInFailed,
        AuditKind::SignOut,
        AuditKind::SyncRefused,
        AuditKind::ChangeAccepted,
        AuditKind::PersonAdded,
        AuditKind::PersonChanged,
        AuditKind::PasswordReset,
        AuditKind::DeviceRevoked,
        AuditKind::DeviceWiped,
        AuditKind::SetupCompleted,
        AuditKind::ChannelChanged,
        AuditKind::PortalLinkChanged,
        AuditKind::InvitationSent,
        AuditKind::InvitationAccepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::SignIn => "sign_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::SignOut => "sign_out",
            AuditKind::SyncRefused => "sync_refused",
            AuditKind::ChangeAccepted => "change_accepted",
            AuditKind::PersonAdded => "person_added",
            AuditKind::PersonChanged => "person_changed",
            AuditKind::PasswordReset => "password_reset",
            AuditKind::DeviceRevoked => "device_revoked",
            AuditKind::DeviceWiped => "device_wiped",
            AuditKind::SetupCompleted => "setup_completed",
            AuditKind::ChannelChanged => "channel_changed",
            AuditKind::PortalLinkChanged => "portal_link_changed",
            AuditKind::InvitationSent => "invitation_sent",
            AuditKind::InvitationAccepted => "invitation_accepted",
        }
    }

    pub fn parse(s: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of the audit log. Times are milliseconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub kind: AuditKind,
    /// Who acted (absent for a failed sign-in of an unknown login).
    pub user_id: Option<String>,
    /// The login as typed or as stored.
    pub login: Option<String>,
    pub device_id: Option<String>,
    pub address: Option<String>,
    pub code: Option<ErrorCode>,
    /// The document concerned, or the person or device an administrator acted on.
    pub subject: Option<String>,
    /// What changed: fields touched, role given, and the like (plain data, no secrets).
    pub detail: String,
}

/// A search of the audit log, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct AuditQuery {
    /// Words found in the login, subject or detail.
    pub text: Option<String>,
    pub kind: Option<AuditKind>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Entries older than this sequence number (the next page).
    pub before: Option<i64>,
    /// At most `MAX_AUDIT_PAGE`.
    pub limit: Option<u32>,
}

pub const MAX_AUDIT_PAGE: u32 = 500;
