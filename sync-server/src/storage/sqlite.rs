//! The embedded default: one SQLite file (WAL, synchronous=FULL), one connection behind a
//! mutex. Writes are serialised by the mutex, so feed sequence numbers commit in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use fieldops_domain::model::Role;
use fieldops_domain::protocol::UserInfo;
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    AuthContext, DocCommit, FeedEntry, PageFacts, PageReader, SCHEMA, Sql, Storage, StoredDoc,
    UploadChunk, UserRecord, now_ms, sqlite_placeholders,
};
use crate::error::{Result, ServerError};

pub struct SqliteStorage {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStorage {
    pub fn open(path: &str) -> Result<SqliteStorage> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // A push's commits run through cached statements; rusqlite keeps 16.
        conn.set_prepared_statement_cache_capacity(128);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        for stmt in SCHEMA {
            conn.execute(
                &stmt
                    .replace("{blob}", "BLOB")
                    .replace("{int}", "INTEGER")
                    .replace("{serial}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
                [],
            )?;
        }
        Ok(SqliteStorage {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| ServerError::Storage("database lock poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| ServerError::Storage(e.to_string()))?
    }
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(UserInfo, String)> {
    let role: String = r.get(3)?;
    Ok((
        UserInfo {
            id: r.get(0)?,
            login: r.get(1)?,
            name: r.get(2)?,
            role: Role::parse(&role).unwrap_or(Role::Technician),
            active: r.get::<_, i64>(5)? == 1,
        },
        r.get(4)?,
    ))
}

fn sql_param(v: &Sql) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match v {
        Sql::Int(Some(n)) => Value::Integer(*n),
        Sql::Text(Some(t)) => Value::Text(t.clone()),
        Sql::Int(None) | Sql::Text(None) => Value::Null,
    }
}

fn sql_value(v: rusqlite::types::ValueRef<'_>) -> Sql {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Integer(n) => Sql::Int(Some(n)),
        ValueRef::Real(f) => Sql::Int(Some(f as i64)),
        ValueRef::Text(t) => Sql::Text(Some(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Blob(_) | ValueRef::Null => Sql::Text(None),
    }
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn sql_query(&self, sql: &str, params: Vec<Sql>) -> Result<Vec<Vec<Sql>>> {
        let sql = sqlite_placeholders(sql);
        self.run(move |c| {
            let mut stmt = c.prepare(&sql)?;
            let columns = stmt.column_count();
            let rows = stmt
                .query_map(
                    rusqlite::params_from_iter(params.iter().map(sql_param)),
                    |r| {
                        (0..columns)
                            .map(|i| r.get_ref(i).map(sql_value))
                            .collect::<rusqlite::Result<Vec<_>>>()
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn sql_write_guarded(
        &self,
        statements: Vec<(String, Vec<Sql>)>,
        guard: usize,
    ) -> Result<Option<Vec<u64>>> {
        self.run(move |c| {
            let tx = c.transaction()?;
            let mut changed = Vec::with_capacity(statements.len());
            for (i, (sql, params)) in statements.iter().enumerate() {
                let n = tx.execute(
                    &sqlite_placeholders(sql),
                    rusqlite::params_from_iter(params.iter().map(sql_param)),
                )?;
                if i == guard && n == 0 {
                    return Ok(None);
                }
                changed.push(n as u64);
            }
            tx.commit()?;
            Ok(Some(changed))
        })
        .await
    }

    async fn ensure_tenant(&self, tenant: &str) -> Result<()> {
        let tenant = tenant.to_string();
        self.run(move |c| {
            c.execute("INSERT OR IGNORE INTO tenants(id) VALUES (?1)", [tenant])?;
            Ok(())
        })
        .await
    }

    async fn tenant_exists(&self, tenant: &str) -> Result<bool> {
        let tenant = tenant.to_string();
        self.run(move |c| {
            Ok(
                c.query_row("SELECT 1 FROM tenants WHERE id = ?1", [tenant], |_| Ok(()))
                    .optional()?
                    .is_some(),
            )
        })
        .await
    }

    async fn add_user(&self, tenant: &str, user: &UserRecord) -> Result<()> {
        let (tenant, user) = (tenant.to_string(), user.clone());
        self.run(move |c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO users(id, tenant, login, name, role, password_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![user.info.id, tenant, user.info.login, user.info.name, user.info.role.as_str(), user.password_hash],
            )?;
            if n == 0 {
                return Err(ServerError::Conflict(format!("login '{}' already exists in '{tenant}'", user.info.login)));
            }
            tx.execute("UPDATE tenants SET directory_version = directory_version + 1 WHERE id = ?1", [&tenant])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn find_user(&self, tenant: &str, login: &str) -> Result<Option<UserRecord>> {
        let (tenant, login) = (tenant.to_string(), login.to_string());
        self.run(move |c| {
            let row = c
                .query_row(
                    "SELECT id, login, name, role, password_hash, CASE WHEN EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = users.id) THEN 0 ELSE 1 END FROM users WHERE tenant = ?1 AND login = ?2",
                    params![tenant, login],
                    user_from_row,
                )
                .optional()?;
            Ok(row.map(|(info, password_hash)| UserRecord { info, password_hash }))
        })
        .await
    }

    async fn directory(&self, tenant: &str) -> Result<(u64, Vec<UserInfo>)> {
        let tenant = tenant.to_string();
        self.run(move |c| {
            let version: i64 = c.query_row("SELECT directory_version FROM tenants WHERE id = ?1", [&tenant], |r| r.get(0))?;
            let mut stmt = c.prepare("SELECT id, login, name, role, password_hash, CASE WHEN EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = users.id) THEN 0 ELSE 1 END FROM users WHERE tenant = ?1 ORDER BY name")?;
            let users = stmt.query_map([&tenant], user_from_row)?.map(|r| r.map(|(u, _)| u)).collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((version as u64, users))
        })
        .await
    }

    async fn directory_version(&self, tenant: &str) -> Result<u64> {
        let tenant = tenant.to_string();
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT directory_version FROM tenants WHERE id = ?1",
                [tenant],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .unwrap_or(0) as u64)
        })
        .await
    }

    async fn bind_device(
        &self,
        tenant: &str,
        user_id: &str,
        actor: &str,
        name: &str,
    ) -> Result<String> {
        let (tenant, user_id, actor, name) = (
            tenant.to_string(),
            user_id.to_string(),
            actor.to_string(),
            name.to_string(),
        );
        self.run(move |c| {
            let tx = c.transaction()?;
            let existing: Option<(String, String)> = tx
                .query_row("SELECT id, user_id FROM devices WHERE actor = ?1", [&actor], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let id = match existing {
                Some((id, owner)) if owner == user_id => id,
                Some(_) => return Err(ServerError::Conflict("this device's actor id belongs to another user".into())),
                None => {
                    let id = uuid::Uuid::now_v7().to_string();
                    tx.execute(
                        "INSERT INTO devices(id, tenant, user_id, actor, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![id, tenant, user_id, actor, name, now_ms()],
                    )?;
                    id
                }
            };
            tx.commit()?;
            Ok(id)
        })
        .await
    }

    async fn create_token(&self, token_hash: &str, device_id: &str, expires_at: i64) -> Result<()> {
        let (h, d) = (token_hash.to_string(), device_id.to_string());
        self.run(move |c| {
            c.execute(
                "INSERT INTO tokens(hash, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![h, d, expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn authenticate(&self, token_hash: &str) -> Result<Option<AuthContext>> {
        let h = token_hash.to_string();
        self.run(move |c| {
            Ok(
                c.query_row(&super::sqlite_placeholders(super::AUTHENTICATE), [h], |r| {
                    let role: String = r.get(2)?;
                    let revoked_at: Option<i64> = r.get(8)?;
                    Ok(AuthContext {
                        tenant: r.get(0)?,
                        user_id: r.get(1)?,
                        role: Role::parse(&role).unwrap_or(Role::Technician),
                        device_id: r.get(3)?,
                        actor: r.get(4)?,
                        expires_at: r.get(5)?,
                        login: r.get(6)?,
                        revoked: r
                            .get::<_, Option<i64>>(7)?
                            .map(|keep| super::Revocation::from_row(keep, revoked_at.unwrap_or(0))),
                    })
                })
                .optional()?,
            )
        })
        .await
    }

    async fn revoke_token(&self, token_hash: &str) -> Result<()> {
        let h = token_hash.to_string();
        self.run(move |c| {
            c.execute("DELETE FROM tokens WHERE hash = ?1", [h])?;
            Ok(())
        })
        .await
    }

    async fn load_doc(&self, tenant: &str, doc_id: &str) -> Result<Option<StoredDoc>> {
        let (t, d) = (tenant.to_string(), doc_id.to_string());
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT doc_type, bytes, heads FROM docs WHERE tenant = ?1 AND id = ?2",
                params![t, d],
                |r| {
                    Ok(StoredDoc {
                        doc_type: r.get(0)?,
                        bytes: r.get(1)?,
                        heads: r.get(2)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    async fn load_docs(
        &self,
        tenant: &str,
        doc_ids: &[String],
    ) -> Result<HashMap<String, StoredDoc>> {
        let ids =
            serde_json::to_string(doc_ids).map_err(|e| ServerError::Storage(e.to_string()))?;
        let t = tenant.to_string();
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, doc_type, bytes, heads FROM docs
                 WHERE tenant = ?1 AND id IN (SELECT value FROM json_each(?2))",
            )?;
            let rows = stmt.query_map(params![t, ids], |r| {
                let doc = StoredDoc {
                    doc_type: r.get(1)?,
                    bytes: r.get(2)?,
                    heads: r.get(3)?,
                };
                Ok((r.get::<_, String>(0)?, doc))
            })?;
            Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
        })
        .await
    }

    async fn doc_ids(&self, tenant: &str, doc_type: &str) -> Result<Vec<String>> {
        let (t, ty) = (tenant.to_string(), doc_type.to_string());
        self.run(move |c| {
            let mut stmt =
                c.prepare("SELECT id FROM docs WHERE tenant = ?1 AND doc_type = ?2 ORDER BY id")?;
            Ok(stmt
                .query_map(params![t, ty], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .await
    }

    async fn commit_docs(&self, commits: &[DocCommit]) -> Result<Vec<Option<u64>>> {
        let commits = commits.to_vec();
        self.run(move |c| {
            let tx = c.transaction()?;
            let seqs = commits
                .iter()
                .map(|m| write_commit(&tx, m))
                .collect::<Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(seqs)
        })
        .await
    }

    async fn replace_saved(
        &self,
        tenant: &str,
        doc_id: &str,
        heads: &str,
        bytes: &[u8],
    ) -> Result<bool> {
        let (t, d, h, b) = (
            tenant.to_string(),
            doc_id.to_string(),
            heads.to_string(),
            bytes.to_vec(),
        );
        self.run(move |c| {
            let tx = c.transaction()?;
            let written = tx
                .prepare_cached(
                    "UPDATE docs SET bytes = ?4 WHERE tenant = ?1 AND id = ?2 AND heads = ?3",
                )?
                .execute(params![t, d, h, b])?;
            if written == 1 {
                tx.prepare_cached("DELETE FROM doc_compaction WHERE tenant = ?1 AND id = ?2")?
                    .execute(params![t, d])?;
            }
            tx.commit()?;
            Ok(written == 1)
        })
        .await
    }

    async fn put_blob(
        &self,
        tenant: &str,
        hash: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<bool> {
        let (t, h, ct, b) = (
            tenant.to_string(),
            hash.to_string(),
            content_type.to_string(),
            bytes.to_vec(),
        );
        self.run(move |c| {
            let n = c.execute(
                "INSERT OR IGNORE INTO blobs(tenant, hash, content_type, size, bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t, h, ct, b.len() as i64, b, now_ms()],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn upload_received(&self, tenant: &str, hash: &str, device_id: &str) -> Result<u64> {
        let (t, h, d) = (tenant.to_string(), hash.to_string(), device_id.to_string());
        self.run(move |c| upload_received(c, &t, &h, &d)).await
    }

    async fn append_upload(&self, chunk: &UploadChunk<'_>) -> Result<u64> {
        let (t, h, d, ct) = (
            chunk.tenant.to_string(),
            chunk.hash.to_string(),
            chunk.device_id.to_string(),
            chunk.content_type.to_string(),
        );
        let (total, offset, bytes) = (
            chunk.total as i64,
            chunk.offset as i64,
            chunk.bytes.to_vec(),
        );
        self.run(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "DELETE FROM blob_upload_chunks WHERE tenant = ?1 AND created_at < ?2",
                params![t, now_ms() - super::ABANDONED_UPLOAD_MS],
            )?;
            if offset == 0 {
                tx.execute(
                    "DELETE FROM blob_upload_chunks WHERE tenant = ?1 AND hash = ?2 AND device_id = ?3",
                    params![t, h, d],
                )?;
            }
            let received = upload_received(&tx, &t, &h, &d)?;
            let same_blob: bool = tx
                .query_row(
                    "SELECT COUNT(*) = 0 OR MIN(total = ?4 AND content_type = ?5) FROM blob_upload_chunks
                     WHERE tenant = ?1 AND hash = ?2 AND device_id = ?3",
                    params![t, h, d, total, ct],
                    |r| r.get(0),
                )?;
            if received as i64 != offset || !same_blob {
                return Err(super::out_of_order(received));
            }
            tx.execute(
                "INSERT INTO blob_upload_chunks(tenant, hash, device_id, offset_bytes, len, total, content_type, bytes, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![t, h, d, offset, bytes.len() as i64, total, ct, bytes, now_ms()],
            )?;
            tx.commit()?;
            Ok(received + bytes.len() as u64)
        })
        .await
    }

    async fn take_upload(
        &self,
        tenant: &str,
        hash: &str,
        device_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let (t, h, d) = (tenant.to_string(), hash.to_string(), device_id.to_string());
        self.run(move |c| {
            let tx = c.transaction()?;
            let mut content_type = None;
            let mut out = Vec::new();
            {
                let mut stmt = tx.prepare(
                    "SELECT content_type, bytes FROM blob_upload_chunks
                     WHERE tenant = ?1 AND hash = ?2 AND device_id = ?3 ORDER BY offset_bytes",
                )?;
                let mut rows = stmt.query(params![t, h, d])?;
                while let Some(r) = rows.next()? {
                    content_type = Some(r.get::<_, String>(0)?);
                    out.extend_from_slice(&r.get::<_, Vec<u8>>(1)?);
                }
            }
            tx.execute(
                "DELETE FROM blob_upload_chunks WHERE tenant = ?1 AND hash = ?2 AND device_id = ?3",
                params![t, h, d],
            )?;
            tx.commit()?;
            Ok(content_type.map(|ct| (ct, out)))
        })
        .await
    }

    async fn get_blob(&self, tenant: &str, hash: &str) -> Result<Option<(String, Vec<u8>)>> {
        let (t, h) = (tenant.to_string(), hash.to_string());
        self.run(move |c| {
            Ok(c.query_row(
                "SELECT content_type, bytes FROM blobs WHERE tenant = ?1 AND hash = ?2",
                params![t, h],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })
        .await
    }

    async fn blob_size(&self, tenant: &str, hash: &str) -> Result<Option<u64>> {
        let (t, h) = (tenant.to_string(), hash.to_string());
        self.run(move |c| {
            let size: Option<i64> = c
                .query_row(
                    "SELECT size FROM blobs WHERE tenant = ?1 AND hash = ?2",
                    params![t, h],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(size.map(|n| n as u64))
        })
        .await
    }

    async fn blob_referrers(&self, tenant: &str, hash: &str) -> Result<Vec<(String, String)>> {
        let (t, h) = (tenant.to_string(), hash.to_string());
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT doc_id, doc_type FROM blob_refs WHERE tenant = ?1 AND hash = ?2",
            )?;
            Ok(stmt
                .query_map(params![t, h], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn order_numbers(
        &self,
        tenant: &str,
        wanted: &[(String, String)],
    ) -> Result<Vec<String>> {
        let (t, wanted) = (tenant.to_string(), wanted.to_vec());
        self.run(move |c| {
            let tx = c.transaction()?;
            let numbers = wanted
                .iter()
                .map(|(order, month)| take_number(&tx, &t, order, month))
                .collect::<Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(numbers)
        })
        .await
    }

    async fn feed_after(
        &self,
        tenant: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<FeedEntry>, bool)> {
        let t = tenant.to_string();
        self.run(move |c| {
            let mut stmt = c.prepare(
                "SELECT seq, doc_id, doc_type, length(changes), origin_device FROM feed WHERE tenant = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            let mut entries = stmt
                .query_map(params![t, cursor as i64, limit as i64 + 1], feed_entry)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let more = entries.len() > limit as usize;
            entries.truncate(limit as usize);
            Ok((entries, more))
        })
        .await
    }

    async fn feed_for(
        &self,
        reader: &PageReader<'_>,
        rules: &[(&'static str, super::ReadRule)],
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<FeedEntry>, bool, u64)> {
        let (t, u, d) = (
            reader.tenant.to_string(),
            reader.user_id.to_string(),
            reader.device_id.to_string(),
        );
        let sql = sqlite_placeholders(&super::feed_for_sql(rules, "length", "$6"));
        self.run(move |c| {
            let c = c.transaction()?;
            let head = c
                .query_row("SELECT feed_seq FROM tenants WHERE id = ?1", [&t], |r| {
                    r.get::<_, i64>(0)
                })
                .optional()?
                .unwrap_or(0);
            let mut entries = c
                .prepare_cached(&sql)?
                .query_map(
                    params![t, u, d, cursor as i64, limit as i64 + 1, head],
                    feed_entry,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            c.commit()?;
            let more = entries.len() > limit as usize;
            entries.truncate(limit as usize);
            Ok((entries, more, head.max(0) as u64))
        })
        .await
    }

    async fn feed_changes(
        &self,
        tenant: &str,
        seqs: &[u64],
    ) -> Result<std::collections::HashMap<u64, Vec<u8>>> {
        let (t, seqs) = (tenant.to_string(), seqs.to_vec());
        self.run(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT changes FROM feed WHERE tenant = ?1 AND seq = ?2")?;
            let mut out = std::collections::HashMap::with_capacity(seqs.len());
            for seq in seqs {
                if let Some(bytes) = stmt
                    .query_row(params![t, seq as i64], |r| r.get::<_, Vec<u8>>(0))
                    .optional()?
                {
                    out.insert(seq, bytes);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn last_seq(&self, tenant: &str) -> Result<u64> {
        let t = tenant.to_string();
        self.run(move |c| {
            Ok(
                c.query_row("SELECT feed_seq FROM tenants WHERE id = ?1", [t], |r| {
                    r.get::<_, i64>(0)
                })
                .optional()?
                .unwrap_or(0) as u64,
            )
        })
        .await
    }

    async fn technician_sees(
        &self,
        tenant: &str,
        user_id: &str,
        doc_id: &str,
        doc_type: &str,
    ) -> Result<bool> {
        let (t, u, d, ty) = (
            tenant.to_string(),
            user_id.to_string(),
            doc_id.to_string(),
            doc_type.to_string(),
        );
        self.run(move |c| {
            let scope = super::technician_scope(&ty);
            let Some(sql) = scope.one_query() else {
                return Ok(matches!(scope, super::ReadRule::Everyone));
            };
            Ok(
                c.query_row(&sqlite_placeholders(&sql), params![t, u, d], |_| Ok(()))
                    .optional()?
                    .is_some(),
            )
        })
        .await
    }

    async fn page_facts(
        &self,
        reader: &PageReader<'_>,
        docs: &[(String, String)],
    ) -> Result<PageFacts> {
        let (t, u, d) = (
            reader.tenant.to_string(),
            reader.user_id.to_string(),
            reader.device_id.to_string(),
        );
        let (scoped, follow_links) = (reader.scoped, reader.follow_links);
        let docs = docs.to_vec();
        self.run(move |c| {
            // One read transaction: one lock of the file for the page, not one per statement.
            let c = c.transaction()?;
            let mut facts = PageFacts::default();
            // Each listed scope read once for the page; point queries once per document.
            let mut listed: std::collections::HashMap<
                &'static str,
                std::collections::HashSet<String>,
            > = std::collections::HashMap::new();
            let mut sees = |id: &str, ty: &str| -> Result<bool> {
                Ok(match super::technician_scope(ty) {
                    super::ReadRule::Everyone => true,
                    super::ReadRule::Nobody => false,
                    super::ReadRule::Listed(sql) => {
                        if !listed.contains_key(sql) {
                            let ids = c
                                .prepare_cached(&sqlite_placeholders(sql))?
                                .query_map(params![t, u], |r| r.get::<_, String>(0))?
                                .collect::<rusqlite::Result<_>>()?;
                            listed.insert(sql, ids);
                        }
                        listed[sql].contains(id)
                    }
                    rule @ super::ReadRule::Large(_) => c
                        .prepare_cached(&sqlite_placeholders(&rule.one_query().unwrap_or_default()))?
                        .exists(params![t, u, id])?,
                })
            };
            // A scoped reader's holdings are the size of their scope: read them whole.
            let held_all: Option<std::collections::HashSet<String>> = if scoped {
                Some(
                    c.prepare_cached("SELECT doc_id FROM device_docs WHERE device_id = ?1")?
                        .query_map(params![d], |r| r.get::<_, String>(0))?
                        .collect::<rusqlite::Result<_>>()?,
                )
            } else {
                None
            };
            if follow_links {
                let mut links = c.prepare_cached(
                    "SELECT to_id, to_type FROM doc_links WHERE tenant = ?1 AND from_id = ?2 ORDER BY to_id",
                )?;
                for (id, ty) in docs.iter().filter(|(_, ty)| ty == "order") {
                    // What an order the reader neither reads nor holds points at is nothing
                    // to them: it neither brings nor takes away a document of theirs.
                    let held = held_all.as_ref().is_none_or(|all| all.contains(id));
                    if !held && !sees(id, ty)? {
                        continue;
                    }
                    let found = links
                        .query_map(params![t, id], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
                    facts.links.insert(id.clone(), found);
                }
            }
            let universe = facts.universe(&docs);
            match &held_all {
                Some(all) => {
                    facts.held.extend(
                        universe
                            .iter()
                            .filter(|(id, _)| all.contains(id))
                            .map(|(id, _)| id.clone()),
                    );
                }
                None => {
                    let mut held = c.prepare_cached(
                        "SELECT 1 FROM device_docs WHERE device_id = ?1 AND doc_id = ?2",
                    )?;
                    for (id, _) in &universe {
                        if held.exists(params![d, id])? {
                            facts.held.insert(id.clone());
                        }
                    }
                }
            }
            if scoped {
                for (id, ty) in &universe {
                    if sees(id, ty)? {
                        facts.visible.insert(id.clone());
                    }
                }
            }
            c.commit()?;
            Ok(facts)
        })
        .await
    }

    async fn readable_docs(
        &self,
        tenant: &str,
        user_id: &str,
        rules: &[(&'static str, super::ReadRule)],
    ) -> Result<Vec<(String, String)>> {
        let (t, u, rules) = (tenant.to_string(), user_id.to_string(), rules.to_vec());
        self.run(move |c| {
            // One read transaction: every type's list from the same state.
            let c = c.transaction()?;
            let mut all = Vec::new();
            for (ty, rule) in rules {
                let ids = match (rule, rule.listing()) {
                    (super::ReadRule::Nobody, _) => continue,
                    (_, Some(sql)) => c
                        .prepare_cached(&sqlite_placeholders(&sql))?
                        .query_map(params![t, u, ty], |r| r.get::<_, String>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()?,
                    (_, None) => c
                        .prepare_cached("SELECT id FROM docs WHERE tenant = ?1 AND doc_type = ?2")?
                        .query_map(params![t, ty], |r| r.get::<_, String>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()?,
                };
                all.extend(ids.into_iter().map(|id| (id, ty.to_string())));
            }
            c.commit()?;
            all.sort_unstable();
            Ok(all)
        })
        .await
    }

    async fn device_update(
        &self,
        device_id: &str,
        added: &[String],
        removed: &[String],
    ) -> Result<()> {
        if added.is_empty() && removed.is_empty() {
            return Ok(());
        }
        let (d, added, removed) = (device_id.to_string(), added.to_vec(), removed.to_vec());
        self.run(move |c| {
            let tx = c.transaction()?;
            {
                let mut add = tx.prepare_cached(
                    "INSERT OR IGNORE INTO device_docs(device_id, doc_id) VALUES (?1, ?2)",
                )?;
                for doc in &added {
                    add.execute(params![d, doc])?;
                }
                let mut remove = tx.prepare_cached(
                    "DELETE FROM device_docs WHERE device_id = ?1 AND doc_id = ?2",
                )?;
                for doc in &removed {
                    remove.execute(params![d, doc])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn device_reset(&self, device_id: &str) -> Result<()> {
        let d = device_id.to_string();
        self.run(move |c| {
            c.execute("DELETE FROM device_docs WHERE device_id = ?1", [d])?;
            Ok(())
        })
        .await
    }
}

fn upload_received(c: &Connection, tenant: &str, hash: &str, device_id: &str) -> Result<u64> {
    let n: i64 = c.query_row(
        "SELECT COALESCE(SUM(len), 0) FROM blob_upload_chunks WHERE tenant = ?1 AND hash = ?2 AND device_id = ?3",
        params![tenant, hash, device_id],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

/// A feed row (seq, doc_id, doc_type, byte length of the changes, origin_device).
fn feed_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedEntry> {
    Ok(FeedEntry {
        seq: r.get::<_, i64>(0)? as u64,
        doc_id: r.get(1)?,
        doc_type: r.get(2)?,
        changes_len: r.get::<_, i64>(3)?.max(0) as usize,
        origin_device: r.get(4)?,
    })
}

/// One commit inside an open transaction: `None` (and nothing written) when the document
/// moved on since `base_heads` were read.
fn write_commit(tx: &rusqlite::Transaction<'_>, m: &DocCommit) -> Result<Option<u64>> {
    let current: Option<String> = tx
        .prepare_cached("SELECT heads FROM docs WHERE tenant = ?1 AND id = ?2")?
        .query_row(params![m.tenant, m.doc_id], |r| r.get(0))
        .optional()?;
    if current != m.base_heads {
        return Ok(None);
    }
    let run = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<()> {
        tx.prepare_cached(sql)?.execute(p)?;
        Ok(())
    };
    let next_seq = || -> Result<i64> {
        Ok(tx
            .prepare_cached(
                "UPDATE tenants SET feed_seq = feed_seq + 1 WHERE id = ?1 RETURNING feed_seq",
            )?
            .query_row([&m.tenant], |r| r.get(0))?)
    };
    run(
        "INSERT INTO docs(tenant, id, doc_type, bytes, heads, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(tenant, id) DO UPDATE SET bytes = excluded.bytes, heads = excluded.heads,
           updated_at = excluded.updated_at",
        params![m.tenant, m.doc_id, m.doc_type, m.bytes, m.heads, now_ms()],
    )?;
    if m.compact_later {
        run(
            "INSERT INTO doc_compaction(tenant, id, queued_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![m.tenant, m.doc_id, now_ms()],
        )?;
    }
    run(
        "UPDATE doc_links SET active = 0 WHERE tenant = ?1 AND from_id = ?2",
        params![m.tenant, m.doc_id],
    )?;
    for (to, to_type) in &m.links {
        run(
            "INSERT INTO doc_links(tenant, from_id, to_id, to_type, active) VALUES (?1, ?2, ?3, ?4, 1)
             ON CONFLICT(tenant, from_id, to_id) DO UPDATE SET active = 1",
            params![m.tenant, m.doc_id, to, to_type],
        )?;
    }
    run(
        "DELETE FROM order_assignees WHERE tenant = ?1 AND order_id = ?2",
        params![m.tenant, m.doc_id],
    )?;
    for u in &m.assignees {
        run(
            "INSERT OR IGNORE INTO order_assignees(tenant, order_id, user_id) VALUES (?1, ?2, ?3)",
            params![m.tenant, m.doc_id, u],
        )?;
    }
    let seq = next_seq()?;
    run(
        "INSERT INTO feed(tenant, seq, doc_id, doc_type, changes, origin_device, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            m.tenant,
            seq,
            m.doc_id,
            m.doc_type,
            m.changes,
            m.origin_device,
            now_ms()
        ],
    )?;
    if let Some(dev) = &m.origin_device {
        run(
            "INSERT OR IGNORE INTO device_docs(device_id, doc_id) VALUES (?1, ?2)",
            params![dev, m.doc_id],
        )?;
    }
    run(
        "DELETE FROM blob_refs WHERE tenant = ?1 AND doc_id = ?2",
        params![m.tenant, m.doc_id],
    )?;
    for h in &m.blob_refs {
        run(
            "INSERT OR IGNORE INTO blob_refs(tenant, hash, doc_id, doc_type) VALUES (?1, ?2, ?3, ?4)",
            params![m.tenant, h, m.doc_id, m.doc_type],
        )?;
    }
    if let Some(a) = &m.audit {
        tx.prepare_cached(&super::sqlite_placeholders(super::AUDIT_INSERT))?
            .execute(rusqlite::params_from_iter(a.params().iter().map(sql_param)))?;
    }
    let mut last = seq;
    if let Some(server_changes) = &m.server_changes {
        last = next_seq()?;
        run(
            "INSERT INTO feed(tenant, seq, doc_id, doc_type, changes, origin_device, received_at) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
            params![
                m.tenant,
                last,
                m.doc_id,
                m.doc_type,
                server_changes,
                now_ms()
            ],
        )?;
    }
    Ok(Some(last as u64))
}

/// An order's number inside an open transaction: the one it has, or the month's next.
fn take_number(
    tx: &rusqlite::Transaction<'_>,
    tenant: &str,
    order: &str,
    month: &str,
) -> Result<String> {
    if let Some(n) = tx
        .prepare_cached("SELECT number FROM order_numbers WHERE tenant = ?1 AND order_id = ?2")?
        .query_row(params![tenant, order], |r| r.get::<_, String>(0))
        .optional()?
    {
        return Ok(n);
    }
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO number_counters(tenant, month, last) VALUES (?1, ?2, 1)
             ON CONFLICT(tenant, month) DO UPDATE SET last = last + 1 RETURNING last",
        )?
        .query_row(params![tenant, month], |r| r.get(0))?;
    let number = super::format_number(month, seq);
    tx.prepare_cached("INSERT INTO order_numbers(tenant, order_id, number) VALUES (?1, ?2, ?3)")?
        .execute(params![tenant, order, number])?;
    Ok(number)
}
