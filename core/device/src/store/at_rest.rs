//! The device's database encrypted at rest: SQLCipher (AES-256, every page, the photos and
//! signatures stored in it included) with a random 256-bit key kept in the platform's secure
//! store. Where the build has no SQLCipher (a platform the app is not built for) or the
//! platform has no secure store (a key only in memory would lock the data at the next start),
//! the database stays plain and the app says so.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::app::{Secrets, TokenHome};
use crate::error::{DeviceError, Result};

/// Whether this build links SQLCipher (see core/device/Cargo.toml).
pub const AVAILABLE: bool = cfg!(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "ios",
    target_os = "android",
    target_os = "windows"
));

/// A database key: 32 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// From the operating system's random source (through rand's thread generator): all 256
    /// bits random, where two v4 UUIDs would give 244.
    pub fn random() -> DbKey {
        DbKey(rand::random())
    }

    fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn from_hex(s: &str) -> Option<DbKey> {
        hex::decode(s.trim()).ok()?.try_into().ok().map(DbKey)
    }

    /// SQLCipher's raw-key form (no key derivation: the key is random already).
    fn sql_literal(&self) -> String {
        format!("\"x'{}'\"", self.to_hex())
    }
}

/// Give a fresh connection its key, before anything reads the file.
pub(crate) fn apply_key(conn: &Connection, key: &DbKey) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA key = {};", key.sql_literal()))?;
    Ok(())
}

/// How the device's data is kept on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AtRest {
    /// Encrypted with a key in the platform's secure store.
    Encrypted,
    /// Plain: the platform has no secure store for the key (the token notice says so too).
    PlainNoSecureStore,
    /// Plain: this build has no database encryption (a platform the app is not built for).
    PlainNotInThisBuild,
}

/// The key for the database at `file`, and how the data is kept. A plain database from an
/// earlier version is encrypted in place on the way. Keys are never overwritten: each has its
/// own generation (named in `<file>.key-id`, the key itself only in the secure store), so a
/// key the secure store could not give this time is not replaced by a new one under the same
/// name. An encrypted database whose key cannot be had is moved aside with its key id (to be
/// opened again if the key comes back) and the device starts empty; what was synced comes
/// back from the server.
pub fn prepare(file: &Path, secrets: &dyn Secrets) -> Result<(Option<DbKey>, AtRest)> {
    if !AVAILABLE {
        return Ok((None, AtRest::PlainNotInThisBuild));
    }
    if secrets.home() != TokenHome::Keyring {
        return Ok((None, AtRest::PlainNoSecureStore));
    }
    let id_file = key_id_file(file);
    let account = |generation: &str| format!("database-key|{}|{generation}", file.display());
    let stored = std::fs::read_to_string(&id_file)
        .ok()
        .and_then(|g| secrets.load(&account(g.trim())))
        .and_then(|k| DbKey::from_hex(&k));
    let exists = file.exists();
    let plain = exists && is_plain(file);
    if let Some(key) = stored
        && exists
        && !plain
    {
        return Ok((Some(key), AtRest::Encrypted));
    }
    if exists && !plain {
        set_aside(file)?;
    }
    let generation = hex::encode(&DbKey::random().0[..8]);
    let key = DbKey::random();
    if secrets.save(&account(&generation), &key.to_hex()) != TokenHome::Keyring {
        // Without the key kept, the data would be locked at the next start.
        return Ok((None, AtRest::PlainNoSecureStore));
    }
    std::fs::write(&id_file, &generation).map_err(io("cannot write the key id"))?;
    if exists && plain {
        encrypt_in_place(file, &key)?;
    }
    Ok((Some(key), AtRest::Encrypted))
}

fn key_id_file(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("fieldops.sqlite");
    file.with_file_name(format!("{name}.key-id"))
}

/// A plain SQLite file starts with this header; an encrypted one with random bytes.
fn is_plain(file: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut header))
        .map(|()| &header == b"SQLite format 3\0")
        .unwrap_or(false)
}

fn io(what: &str) -> impl Fn(std::io::Error) -> DeviceError + '_ {
    move |e| DeviceError::invalid(format!("{what}: {e}"))
}

fn sidecars(file: &Path) -> [PathBuf; 2] {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("fieldops.sqlite");
    [
        file.with_file_name(format!("{name}-wal")),
        file.with_file_name(format!("{name}-shm")),
    ]
}

/// Write an encrypted copy of a plain database, then put it in the plain one's place.
fn encrypt_in_place(file: &Path, key: &DbKey) -> Result<()> {
    let copy = file.with_extension("sqlite.encrypting");
    let _ = std::fs::remove_file(&copy);
    {
        let conn = Connection::open(file)?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        conn.execute_batch(&format!(
            "ATTACH DATABASE '{}' AS encrypted KEY {};",
            copy.display().to_string().replace('\'', "''"),
            key.sql_literal()
        ))?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch("DETACH DATABASE encrypted;")?;
    }
    for side in sidecars(file) {
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&copy, file).map_err(io("cannot replace the plain database"))
}

fn set_aside(file: &Path) -> Result<()> {
    let aside = file.with_extension(format!("sqlite.unreadable-{}", crate::model::now_ms()));
    let name = aside
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("unreadable");
    let _ = std::fs::rename(
        key_id_file(file),
        aside.with_file_name(format!("{name}.key-id")),
    );
    eprintln!(
        "fieldops: the key of {} is gone; the file is kept as {}",
        file.display(),
        aside.display()
    );
    for side in sidecars(file) {
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(file, &aside).map_err(io("cannot set the unreadable database aside"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;
    use crate::app::NoKeyring;
    use crate::model::Role;
    use crate::store::OrderFilter;
    use crate::testing::{SUPERVISOR, customer_input, order_input};
    use crate::workspace::Workspace;

    /// A secure store in memory that says it is one (the platform's, in a real app).
    #[derive(Default)]
    struct Keychain {
        kept: Mutex<HashMap<String, String>>,
        absent: bool,
    }

    impl Secrets for Keychain {
        fn save(&self, account: &str, secret: &str) -> TokenHome {
            self.kept
                .lock()
                .unwrap()
                .insert(account.into(), secret.into());
            self.home()
        }
        fn load(&self, account: &str) -> Option<String> {
            self.kept.lock().unwrap().get(account).cloned()
        }
        fn delete(&self, account: &str) {
            self.kept.lock().unwrap().remove(account);
        }
        fn home(&self) -> TokenHome {
            if self.absent {
                TokenHome::Memory {
                    why: NoKeyring::Unavailable,
                }
            } else {
                TokenHome::Keyring
            }
        }
    }

    const WORDS: &str = "Spindle vibration at 3000 rpm";

    fn write_order(file: &Path, key: Option<&DbKey>) {
        let mut ws = Workspace::open_with_key(file, key).unwrap();
        let seeded = crate::testing::workspace(SUPERVISOR, Role::Supervisor);
        ws.begin_login("acme", "sup").unwrap();
        ws.set_session(seeded.session().unwrap().clone(), "sup")
            .unwrap();
        let c = ws
            .create_customer(&customer_input("上海精密仪器有限公司"))
            .unwrap();
        ws.create_order(&order_input(&c.id, &c.sites[0].id, WORDS))
            .unwrap();
        ws.store
            .conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }

    fn file_holds(file: &Path, text: &str) -> bool {
        let mut bytes = std::fs::read(file).unwrap();
        for side in sidecars(file) {
            bytes.extend(std::fs::read(side).unwrap_or_default());
        }
        bytes.windows(text.len()).any(|w| w == text.as_bytes())
    }

    fn orders(file: &Path, key: Option<&DbKey>) -> Result<usize> {
        Ok(Workspace::open_with_key(file, key)?
            .list_orders(&OrderFilter::default())?
            .len())
    }

    /// Opened without its key the file is noise: no order text, not a database; with its
    /// key the order is there, with another key nothing opens.
    #[test]
    fn without_the_key_the_file_holds_no_order_text() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fieldops.sqlite");
        let keychain = Keychain::default();
        let (key, at_rest) = prepare(&file, &keychain).unwrap();
        assert_eq!(at_rest, AtRest::Encrypted);
        write_order(&file, key.as_ref());
        assert!(!file_holds(&file, WORDS));
        assert!(!file_holds(&file, "上海精密仪器"));
        assert!(!is_plain(&file));
        let keyless = Connection::open(&file).unwrap();
        assert!(
            keyless
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
                    .get::<_, i64>(0))
                .is_err()
        );
        assert!(orders(&file, Some(&DbKey::random())).is_err());
        // The next start finds the key in the secure store.
        let (again, _) = prepare(&file, &keychain).unwrap();
        assert_eq!(again, key);
        assert_eq!(orders(&file, again.as_ref()).unwrap(), 1);
    }

    /// A plain database from an earlier version is encrypted in place, nothing lost.
    #[test]
    fn a_plain_database_is_encrypted_on_the_first_start_with_a_secure_store() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fieldops.sqlite");
        write_order(&file, None);
        assert!(
            file_holds(&file, WORDS),
            "the test starts from a plain file"
        );
        let (key, at_rest) = prepare(&file, &Keychain::default()).unwrap();
        assert_eq!(at_rest, AtRest::Encrypted);
        assert!(!file_holds(&file, WORDS));
        assert_eq!(orders(&file, key.as_ref()).unwrap(), 1);
    }

    /// Without a secure store the data stays plain (and the app says so); an encrypted file
    /// whose key is gone is set aside rather than opened as garbage.
    #[test]
    fn no_secure_store_keeps_it_plain_and_a_lost_key_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fieldops.sqlite");
        let none = Keychain {
            absent: true,
            ..Default::default()
        };
        assert_eq!(
            prepare(&file, &none).unwrap(),
            (None, AtRest::PlainNoSecureStore)
        );

        let keychain = Keychain::default();
        let (key, _) = prepare(&file, &keychain).unwrap();
        write_order(&file, key.as_ref());
        let forgot = Keychain::default();
        let (fresh, at_rest) = prepare(&file, &forgot).unwrap();
        assert_eq!(at_rest, AtRest::Encrypted);
        assert_ne!(fresh, key);
        assert!(!file.exists());
        assert_eq!(orders(&file, fresh.as_ref()).unwrap(), 0);
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains("unreadable"));
        assert!(aside, "the unreadable file is kept aside");
    }

    /// On Windows the key goes to the Credential Manager (the app's own secure store, not
    /// the test's): the file holds no order text, and a new start of the app, with nothing
    /// in memory, takes the key from there and reads the order. Runs in the Windows tier
    /// (`make test-windows`).
    #[cfg(all(windows, feature = "os-keyring"))]
    #[test]
    fn on_windows_the_key_is_kept_by_the_credential_manager() {
        use crate::app::PlatformSecrets;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fieldops.sqlite");
        let first_run = PlatformSecrets::new();
        assert_eq!(first_run.home(), TokenHome::Keyring);
        let (key, at_rest) = prepare(&file, &first_run).unwrap();
        assert_eq!(at_rest, AtRest::Encrypted);
        write_order(&file, key.as_ref());
        assert!(!file_holds(&file, WORDS));
        assert!(!file_holds(&file, "上海精密仪器"));
        drop(first_run);

        let generation = std::fs::read_to_string(key_id_file(&file)).unwrap();
        let account = format!("database-key|{}|{}", file.display(), generation.trim());
        let next_run = PlatformSecrets::new();
        let stored = keyring_core::Entry::new("com.fieldops.app", &account)
            .and_then(|e| e.get_password())
            .expect("the key is in the Credential Manager");
        assert_eq!(DbKey::from_hex(&stored), key);
        let (again, at_rest) = prepare(&file, &next_run).unwrap();
        assert_eq!((again.as_ref(), at_rest), (key.as_ref(), AtRest::Encrypted));
        assert_eq!(orders(&file, again.as_ref()).unwrap(), 1);
        next_run.delete(&account);
        assert!(next_run.load(&account).is_none());
    }
}
