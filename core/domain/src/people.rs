//! People and devices as the administrator manages them (`/v1/admin/…`), and the rules for
//! what an administrator types: checked here once, by the server before it stores anything.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Field, Problem, Result};
use crate::model::{Role, check_text};
use crate::protocol::UserInfo;

pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 200;
const MAX_LOGIN_CHARS: usize = 100;
const MAX_NAME_CHARS: usize = 100;

/// A device as the administrator sees it. Times are milliseconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeviceView {
    pub id: String,
    pub name: String,
    pub platform: String,
    pub model: String,
    pub app_version: String,
    pub first_seen: i64,
    /// The last sign-in or sync.
    pub last_seen: i64,
    pub last_address: Option<String>,
    /// Whether a token of this device is still valid.
    pub signed_in: bool,
    pub revoked: Option<Revocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Revocation {
    pub at: i64,
    /// The device sends its unsent work before it wipes itself.
    pub keep_unsent: bool,
}

/// One person of the company with their devices, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PersonView {
    pub user: UserInfo,
    pub devices: Vec<DeviceView>,
    /// Where notifications reach them (kept on the server, not in the synced directory).
    pub contact: Contact,
}

/// `PUT /v1/admin/people/{id}/contact`: a person's e-mail address, mobile number (empty:
/// none) and the language of the messages they receive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub email: String,
    pub phone: String,
    pub language: crate::notify::Language,
}

impl Contact {
    /// Trimmed and checked: a malformed address or number is refused in words.
    pub fn checked(&self) -> Result<Contact> {
        let (email, phone) = crate::notify::check_contact(&self.email, &self.phone)?;
        Ok(Contact {
            email,
            phone,
            language: self.language,
        })
    }
}

/// `POST /v1/admin/people`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub login: String,
    pub name: String,
    pub role: Role,
    /// The first password; the person is told it and changes it.
    pub password: String,
}

/// `PATCH /v1/admin/people/{id}`: what changes (absent: stays).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct PersonChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// `POST /v1/admin/people/{id}/password`, and `POST /v1/setup`'s password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// `POST /v1/password`: a person changes their own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// `POST /v1/admin/devices/{id}/revoke`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DeviceRevoke {
    pub keep_unsent: bool,
}

/// How long an invitation's link may be used.
pub const INVITATION_VALID_MS: i64 = 3 * 24 * 3600 * 1000;

/// `POST /v1/admin/invitations`: a new person who chooses their own password through a
/// one-time link sent to `email` (the administrator never knows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub email: String,
    /// The language of the e-mail (and of the person's later notifications).
    pub language: crate::notify::Language,
}

impl Invitation {
    pub fn check(&self) -> Result<()> {
        check_login(&self.login)?;
        check_person_name(&self.name)?;
        if self.email.trim().is_empty() {
            return Err(DomainError::bad_field(Field::Email, Problem::Required));
        }
        crate::notify::check_contact(&self.email, "").map(|_| ())
    }
}

/// The e-mail that carries an invitation's link, in the person's language.
pub fn invitation_message(
    language: crate::notify::Language,
    company: &str,
    name: &str,
    login: &str,
    link: &str,
) -> crate::notify::Message {
    let days = INVITATION_VALID_MS / (24 * 3600 * 1000);
    match language {
        crate::notify::Language::ZhCn => crate::notify::Message {
            subject: "FieldOps：请设置您的密码".into(),
            body: format!(
                "{name}，您好：\n\n管理员已为您开通 FieldOps 账号。\n公司：{company}\n登录名：{login}\n\n请在 {days} 天内打开以下链接设置密码（链接只能使用一次）：\n{link}\n\n设置后，在 FieldOps 应用中用公司、登录名和新密码登录。如果您没有申请此账号，请忽略本邮件。"
            ),
        },
        crate::notify::Language::En => crate::notify::Message {
            subject: "FieldOps: choose your password".into(),
            body: format!(
                "Hello {name},\n\nAn administrator opened a FieldOps account for you.\nCompany: {company}\nLogin: {login}\n\nOpen this link within {days} days to choose your password (it works once):\n{link}\n\nThen sign in in the FieldOps app with the company, your login and the new password. If you did not expect this, ignore this e-mail."
            ),
        },
    }
}

/// What an invitation (or a link sent again) answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InvitationSent {
    pub user: UserInfo,
    /// Where the link went.
    pub email: String,
    /// Until when it works (milliseconds since the epoch).
    pub expires_at: i64,
}

/// `POST /v1/invite`: the invited person's password, with the link's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationAccepted {
    pub token: String,
    pub password: String,
}

/// `POST /v1/setup`: the first administrator of a new server, with the one-time link's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub token: String,
    pub tenant: String,
    pub login: String,
    pub name: String,
    pub password: String,
}

pub fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        let min = MIN_PASSWORD_CHARS as u32;
        return Err(DomainError::bad_field(
            Field::Password,
            Problem::TooShort { min },
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        let max = MAX_PASSWORD_CHARS as u32;
        return Err(DomainError::bad_field(
            Field::Password,
            Problem::TooLong { max },
        ));
    }
    Ok(())
}

/// A login: 1–100 characters, no spaces or control characters (people type it on a phone).
pub fn check_login(login: &str) -> Result<()> {
    check_text(Field::Login, login, true, MAX_LOGIN_CHARS)?;
    if login.chars().any(char::is_whitespace) {
        return Err(DomainError::bad_field(
            Field::Login,
            Problem::ControlCharacters,
        ));
    }
    Ok(())
}

pub fn check_person_name(name: &str) -> Result<()> {
    check_text(Field::PersonName, name, true, MAX_NAME_CHARS)
}

impl NewPerson {
    pub fn check(&self) -> Result<()> {
        check_login(&self.login)?;
        check_person_name(&self.name)?;
        check_password(&self.password)
    }
}

impl PersonChange {
    pub fn check(&self) -> Result<()> {
        if let Some(name) = &self.name {
            check_person_name(name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldProblem;

    fn problem(r: Result<()>) -> Option<FieldProblem> {
        r.err().and_then(|e| e.field_problem())
    }

    #[test]
    fn an_invitation_needs_a_well_formed_e_mail_address() {
        let invitation = |email: &str| Invitation {
            login: "li.wei".into(),
            name: "李伟".into(),
            role: Role::Technician,
            email: email.into(),
            language: crate::notify::Language::ZhCn,
        };
        assert!(invitation("li.wei@acme.cn").check().is_ok());
        for (email, expected) in [("", Problem::Required), ("li.wei", Problem::Malformed)] {
            let got = problem(invitation(email).check()).unwrap();
            assert_eq!((got.field, got.problem), (Field::Email, expected));
        }
    }

    #[test]
    fn what_an_administrator_types_is_checked_with_the_field_named() {
        let person = NewPerson {
            login: "li.wei".into(),
            name: "李伟".into(),
            role: Role::Technician,
            password: "long enough".into(),
        };
        assert!(person.check().is_ok());
        let short = NewPerson {
            password: "short".into(),
            ..person.clone()
        };
        assert_eq!(
            problem(short.check()),
            Some(FieldProblem {
                field: Field::Password,
                problem: Problem::TooShort { min: 8 }
            })
        );
        let spaced = NewPerson {
            login: "li wei".into(),
            ..person.clone()
        };
        assert_eq!(problem(spaced.check()).unwrap().field, Field::Login);
        let unnamed = NewPerson {
            name: " ".into(),
            ..person
        };
        assert_eq!(
            problem(unnamed.check()),
            Some(FieldProblem {
                field: Field::PersonName,
                problem: Problem::Required
            })
        );
    }
}
