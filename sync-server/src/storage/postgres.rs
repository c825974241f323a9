//! PostgreSQL storage for tenants that outgrow one machine. Every commit first takes the
//! tenant's row lock (the feed counter), so feed entries become visible in sequence order
//! and a reader never skips an entry that commits late. Plain SQL, no extensions.

use std::collections::HashMap;

use async_trait::async_trait;
use deadpool_postgres::{Manager, Pool};
use fieldops_domain::model::Role;
use fieldops_domain::protocol::UserInfo;
use tokio_postgres::NoTls;

use super::{
    AuthContext, DocCommit, FeedEntry, PageFacts, PageReader, SCHEMA, Sql, Storage, StoredDoc,
    UploadChunk, UserRecord, now_ms,
};
use crate::error::{Result, ServerError};

pub struct PgStorage {
    pool: Pool,
    /// Whether the database has LISTEN/NOTIFY (CockroachDB, for one, has not).
    notify: bool,
}

/// The NOTIFY channel on which commits announce `tenant<TAB>seq`.
pub const FEED_CHANNEL: &str = "fieldops_feed";

/// Forward the database's feed announcements to this instance's live-event listeners, so
/// devices connected to any instance hear about pushes taken by any other. Reconnects after
/// errors; runs until the process ends.
pub async fn listen_feed(url: String, feed: tokio::sync::broadcast::Sender<(String, u64)>) {
    loop {
        match tokio_postgres::connect(&url, NoTls).await {
            Ok((client, mut connection)) => {
                let forward = feed.clone();
                let pump = tokio::spawn(async move {
                    loop {
                        match futures_util::future::poll_fn(|cx| connection.poll_message(cx)).await
                        {
                            Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                                if let Some((tenant, seq)) = n.payload().split_once('\t') {
                                    let _ = forward
                                        .send((tenant.to_string(), seq.parse().unwrap_or(0)));
                                }
                            }
                            Some(Ok(_)) => {}
                            Some(Err(e)) => {
                                tracing::warn!(error = %e, "feed listener connection failed");
                                break;
                            }
                            None => break,
                        }
                    }
                });
                if let Err(e) = client
                    .batch_execute(&format!("LISTEN {FEED_CHANNEL}"))
                    .await
                {
                    tracing::warn!(error = %e, "LISTEN failed");
                }
                let _ = pump.await;
            }
            Err(e) => tracing::warn!(error = %e, "feed listener cannot connect"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

impl PgStorage {
    pub async fn connect(url: &str) -> Result<PgStorage> {
        let cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| ServerError::BadRequest(format!("bad PostgreSQL URL: {e}")))?;
        let pool = Pool::builder(Manager::new(cfg, NoTls))
            .max_size(16)
            .build()
            .map_err(|e| ServerError::Storage(e.to_string()))?;
        let client = pool.get().await?;
        for stmt in SCHEMA {
            client
                .batch_execute(
                    &stmt
                        .replace("{blob}", "BYTEA")
                        .replace("{int}", "BIGINT")
                        .replace("{serial}", "BIGSERIAL PRIMARY KEY"),
                )
                .await?;
        }
        // Probe for NOTIFY once: where it is missing, commits must not call it.
        let notify = client
            .batch_execute("SELECT pg_notify('fieldops_probe', '')")
            .await
            .is_ok();
        if !notify {
            tracing::warn!("the database has no LISTEN/NOTIFY: live events stay per instance");
        }
        Ok(PgStorage { pool, notify })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

fn user_from_row(r: &tokio_postgres::Row) -> (UserInfo, String) {
    let role: String = r.get(3);
    (
        UserInfo {
            id: r.get(0),
            login: r.get(1),
            name: r.get(2),
            role: Role::parse(&role).unwrap_or(Role::Technician),
            active: r.get::<_, i32>(5) == 1,
        },
        r.get(4),
    )
}

fn sql_param(v: &Sql) -> &(dyn tokio_postgres::types::ToSql + Sync) {
    match v {
        Sql::Int(n) => n,
        Sql::Text(t) => t,
    }
}

fn sql_row(r: &tokio_postgres::Row) -> Result<Vec<Sql>> {
    use tokio_postgres::types::Type;
    (0..r.len())
        .map(|i| {
            let ty = r.columns()[i].type_();
            Ok(if *ty == Type::INT8 {
                Sql::Int(r.try_get::<_, Option<i64>>(i)?)
            } else if *ty == Type::INT4 {
                Sql::Int(r.try_get::<_, Option<i32>>(i)?.map(i64::from))
            } else if *ty == Type::BOOL {
                Sql::Int(r.try_get::<_, Option<bool>>(i)?.map(i64::from))
            } else {
                Sql::Text(r.try_get::<_, Option<String>>(i)?)
            })
        })
        .collect()
}

#[async_trait]
impl Storage for PgStorage {
    async fn sql_query(&self, sql: &str, params: Vec<Sql>) -> Result<Vec<Vec<Sql>>> {
        let refs: Vec<_> = params.iter().map(sql_param).collect();
        let rows = self.client().await?.query(sql, &refs).await?;
        rows.iter().map(sql_row).collect()
    }

    async fn sql_write_guarded(
        &self,
        statements: Vec<(String, Vec<Sql>)>,
        guard: usize,
    ) -> Result<Option<Vec<u64>>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mut changed = Vec::with_capacity(statements.len());
        for (i, (sql, params)) in statements.iter().enumerate() {
            let refs: Vec<_> = params.iter().map(sql_param).collect();
            let n = tx.execute(sql.as_str(), &refs).await?;
            if i == guard && n == 0 {
                tx.rollback().await?;
                return Ok(None);
            }
            changed.push(n);
        }
        tx.commit().await?;
        Ok(Some(changed))
    }

    async fn ensure_tenant(&self, tenant: &str) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO tenants(id) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&tenant],
            )
            .await?;
        Ok(())
    }

    async fn tenant_exists(&self, tenant: &str) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .query_opt("SELECT 1 FROM tenants WHERE id = $1", &[&tenant])
            .await?
            .is_some())
    }

    async fn add_user(&self, tenant: &str, user: &UserRecord) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let n = tx
            .execute(
                "INSERT INTO users(id, tenant, login, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[&user.info.id, &tenant, &user.info.login, &user.info.name, &user.info.role.as_str(), &user.password_hash],
            )
            .await?;
        if n == 0 {
            return Err(ServerError::Conflict(format!(
                "login '{}' already exists in '{tenant}'",
                user.info.login
            )));
        }
        tx.execute(
            "UPDATE tenants SET directory_version = directory_version + 1 WHERE id = $1",
            &[&tenant],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_user(&self, tenant: &str, login: &str) -> Result<Option<UserRecord>> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT id, login, name, role, password_hash, CASE WHEN EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = users.id) THEN 0 ELSE 1 END FROM users WHERE tenant = $1 AND login = $2", &[&tenant, &login])
            .await?;
        Ok(row.map(|r| {
            let (info, password_hash) = user_from_row(&r);
            UserRecord {
                info,
                password_hash,
            }
        }))
    }

    async fn directory(&self, tenant: &str) -> Result<(u64, Vec<UserInfo>)> {
        let client = self.client().await?;
        let version: i64 = client
            .query_one(
                "SELECT directory_version FROM tenants WHERE id = $1",
                &[&tenant],
            )
            .await?
            .get(0);
        let rows = client
            .query("SELECT id, login, name, role, password_hash, CASE WHEN EXISTS (SELECT 1 FROM deactivated_users x WHERE x.user_id = users.id) THEN 0 ELSE 1 END FROM users WHERE tenant = $1 ORDER BY name", &[&tenant])
            .await?;
        Ok((
            version as u64,
            rows.iter().map(|r| user_from_row(r).0).collect(),
        ))
    }

    async fn directory_version(&self, tenant: &str) -> Result<u64> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT directory_version FROM tenants WHERE id = $1",
                &[&tenant],
            )
            .await?;
        Ok(row.map(|r| r.get::<_, i64>(0)).unwrap_or(0) as u64)
    }

    async fn bind_device(
        &self,
        tenant: &str,
        user_id: &str,
        actor: &str,
        name: &str,
    ) -> Result<String> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO devices(id, tenant, user_id, actor, name, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (actor) DO NOTHING",
            &[&id, &tenant, &user_id, &actor, &name, &now_ms()],
        )
        .await?;
        let row = tx
            .query_one(
                "SELECT id, user_id FROM devices WHERE actor = $1",
                &[&actor],
            )
            .await?;
        let (id, owner): (String, String) = (row.get(0), row.get(1));
        if owner != user_id {
            return Err(ServerError::Conflict(
                "this device's actor id belongs to another user".into(),
            ));
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn create_token(&self, token_hash: &str, device_id: &str, expires_at: i64) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO tokens(hash, device_id, expires_at) VALUES ($1, $2, $3)",
                &[&token_hash, &device_id, &expires_at],
            )
            .await?;
        Ok(())
    }

    async fn authenticate(&self, token_hash: &str) -> Result<Option<AuthContext>> {
        let row = self
            .client()
            .await?
            .query_opt(super::AUTHENTICATE, &[&token_hash])
            .await?;
        Ok(row.map(|r| {
            let role: String = r.get(2);
            AuthContext {
                tenant: r.get(0),
                user_id: r.get(1),
                role: Role::parse(&role).unwrap_or(Role::Technician),
                device_id: r.get(3),
                actor: r.get(4),
                expires_at: r.get(5),
                login: r.get(6),
                revoked: r.get::<_, Option<i64>>(7).map(|keep| {
                    super::Revocation::from_row(keep, r.get::<_, Option<i64>>(8).unwrap_or(0))
                }),
            }
        }))
    }

    async fn revoke_token(&self, token_hash: &str) -> Result<()> {
        self.client()
            .await?
            .execute("DELETE FROM tokens WHERE hash = $1", &[&token_hash])
            .await?;
        Ok(())
    }

    async fn load_doc(&self, tenant: &str, doc_id: &str) -> Result<Option<StoredDoc>> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT doc_type, bytes, heads FROM docs WHERE tenant = $1 AND id = $2",
                &[&tenant, &doc_id],
            )
            .await?;
        Ok(row.map(|r| StoredDoc {
            doc_type: r.get(0),
            bytes: r.get(1),
            heads: r.get(2),
        }))
    }

    async fn load_docs(
        &self,
        tenant: &str,
        doc_ids: &[String],
    ) -> Result<HashMap<String, StoredDoc>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, doc_type, bytes, heads FROM docs WHERE tenant = $1 AND id = ANY($2)",
                &[&tenant, &doc_ids],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let doc = StoredDoc {
                    doc_type: r.get(1),
                    bytes: r.get(2),
                    heads: r.get(3),
                };
                (r.get(0), doc)
            })
            .collect())
    }

    async fn doc_ids(&self, tenant: &str, doc_type: &str) -> Result<Vec<String>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id FROM docs WHERE tenant = $1 AND doc_type = $2 ORDER BY id",
                &[&tenant, &doc_type],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn commit_docs(&self, commits: &[DocCommit]) -> Result<Vec<Option<u64>>> {
        let Some(tenant) = commits.first().map(|m| m.tenant.as_str()) else {
            return Ok(Vec::new());
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The tenant row lock first: it orders every commit of the tenant, and a document's
        // heads read after it cannot move until this transaction ends.
        tx.execute("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", &[&tenant])
            .await?;
        let mut seqs = Vec::with_capacity(commits.len());
        for m in commits {
            seqs.push(write_commit(&tx, m).await?);
        }
        // Delivered on commit to every instance listening (see `listen_feed`).
        if self.notify
            && let Some(last) = seqs.iter().flatten().max()
        {
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&FEED_CHANNEL, &format!("{tenant}\t{last}")],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(seqs)
    }

    async fn replace_saved(
        &self,
        tenant: &str,
        doc_id: &str,
        heads: &str,
        bytes: &[u8],
    ) -> Result<bool> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // A push holding the row commits first and changes the heads: then nothing is written.
        let written = tx
            .execute(
                "UPDATE docs SET bytes = $4 WHERE tenant = $1 AND id = $2 AND heads = $3",
                &[&tenant, &doc_id, &heads, &bytes],
            )
            .await?;
        if written == 1 {
            tx.execute(
                "DELETE FROM doc_compaction WHERE tenant = $1 AND id = $2",
                &[&tenant, &doc_id],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(written == 1)
    }

    async fn put_blob(
        &self,
        tenant: &str,
        hash: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<bool> {
        let n = self
            .client()
            .await?
            .execute(
                "INSERT INTO blobs(tenant, hash, content_type, size, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[&tenant, &hash, &content_type, &(bytes.len() as i64), &bytes, &now_ms()],
            )
            .await?;
        Ok(n == 1)
    }

    async fn upload_received(&self, tenant: &str, hash: &str, device_id: &str) -> Result<u64> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT COALESCE(SUM(len), 0)::BIGINT FROM blob_upload_chunks WHERE tenant = $1 AND hash = $2 AND device_id = $3",
                &[&tenant, &hash, &device_id],
            )
            .await?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    async fn append_upload(&self, chunk: &UploadChunk<'_>) -> Result<u64> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let key: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&chunk.tenant, &chunk.hash, &chunk.device_id];
        tx.execute(
            "DELETE FROM blob_upload_chunks WHERE tenant = $1 AND created_at < $2",
            &[&chunk.tenant, &(now_ms() - super::ABANDONED_UPLOAD_MS)],
        )
        .await?;
        if chunk.offset == 0 {
            tx.execute(
                "DELETE FROM blob_upload_chunks WHERE tenant = $1 AND hash = $2 AND device_id = $3",
                &key,
            )
            .await?;
        }
        let (total, offset) = (chunk.total as i64, chunk.offset as i64);
        let row = tx
            .query_one(
                "SELECT COALESCE(SUM(len), 0)::BIGINT, COALESCE(BOOL_AND(total = $4 AND content_type = $5), TRUE)
                 FROM blob_upload_chunks WHERE tenant = $1 AND hash = $2 AND device_id = $3",
                &[&chunk.tenant, &chunk.hash, &chunk.device_id, &total, &chunk.content_type],
            )
            .await?;
        let (received, same_blob): (i64, bool) = (row.get(0), row.get(1));
        if received != offset || !same_blob {
            return Err(super::out_of_order(received as u64));
        }
        // Two chunks racing for one offset: the primary key lets only one in.
        let n = tx
            .execute(
                "INSERT INTO blob_upload_chunks(tenant, hash, device_id, offset_bytes, len, total, content_type, bytes, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                &[
                    &chunk.tenant,
                    &chunk.hash,
                    &chunk.device_id,
                    &offset,
                    &(chunk.bytes.len() as i64),
                    &total,
                    &chunk.content_type,
                    &chunk.bytes,
                    &now_ms(),
                ],
            )
            .await?;
        if n == 0 {
            return Err(super::out_of_order(received as u64));
        }
        tx.commit().await?;
        Ok(received as u64 + chunk.bytes.len() as u64)
    }

    async fn take_upload(
        &self,
        tenant: &str,
        hash: &str,
        device_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let rows = tx
            .query(
                "DELETE FROM blob_upload_chunks WHERE tenant = $1 AND hash = $2 AND device_id = $3
                 RETURNING offset_bytes, content_type, bytes",
                &[&tenant, &hash, &device_id],
            )
            .await?;
        tx.commit().await?;
        let mut chunks: Vec<(i64, String, Vec<u8>)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        chunks.sort_by_key(|c| c.0);
        let content_type = chunks.first().map(|c| c.1.clone());
        Ok(content_type.map(|ct| (ct, chunks.into_iter().flat_map(|c| c.2).collect())))
    }

    async fn get_blob(&self, tenant: &str, hash: &str) -> Result<Option<(String, Vec<u8>)>> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT content_type, bytes FROM blobs WHERE tenant = $1 AND hash = $2",
                &[&tenant, &hash],
            )
            .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    async fn blob_size(&self, tenant: &str, hash: &str) -> Result<Option<u64>> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT size FROM blobs WHERE tenant = $1 AND hash = $2",
                &[&tenant, &hash],
            )
            .await?;
        Ok(row.map(|r| r.get::<_, i64>(0) as u64))
    }

    async fn blob_referrers(&self, tenant: &str, hash: &str) -> Result<Vec<(String, String)>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT doc_id, doc_type FROM blob_refs WHERE tenant = $1 AND hash = $2",
                &[&tenant, &hash],
            )
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn order_numbers(
        &self,
        tenant: &str,
        wanted: &[(String, String)],
    ) -> Result<Vec<String>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The tenant row lock serialises allocations, so two first syncs of one order never
        // both take a number.
        tx.execute("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", &[&tenant])
            .await?;
        let mut numbers = Vec::with_capacity(wanted.len());
        for (order, month) in wanted {
            numbers.push(take_number(&tx, tenant, order, month).await?);
        }
        tx.commit().await?;
        Ok(numbers)
    }

    async fn feed_after(
        &self,
        tenant: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<FeedEntry>, bool)> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, doc_id, doc_type, octet_length(changes), origin_device FROM feed WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&tenant, &(cursor as i64), &(limit as i64 + 1)],
            )
            .await?;
        let mut entries: Vec<FeedEntry> = rows.iter().map(feed_entry).collect();
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        Ok((entries, more))
    }

    async fn feed_for(
        &self,
        reader: &PageReader<'_>,
        rules: &[(&'static str, super::ReadRule)],
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<FeedEntry>, bool, u64)> {
        let client = self.client().await?;
        // The head first: every entry up to it is committed (seqs are taken in commit order,
        // under the tenant row's lock). (One statement with the head in a CTE and the entries
        // in a LATERAL join measured slower under the storm than these two.)
        let head = client
            .query_opt(
                "SELECT feed_seq FROM tenants WHERE id = $1",
                &[&reader.tenant],
            )
            .await?
            .map(|r| r.get::<_, i64>(0))
            .unwrap_or(0);
        let statement = client
            .prepare_cached(&super::feed_for_sql(rules, "octet_length", "$6"))
            .await?;
        let rows = client
            .query(
                &statement,
                &[
                    &reader.tenant,
                    &reader.user_id,
                    &reader.device_id,
                    &(cursor as i64),
                    &(limit as i64 + 1),
                    &head,
                ],
            )
            .await?;
        let mut entries: Vec<FeedEntry> = rows.iter().map(feed_entry).collect();
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        Ok((entries, more, head.max(0) as u64))
    }

    async fn feed_changes(
        &self,
        tenant: &str,
        seqs: &[u64],
    ) -> Result<std::collections::HashMap<u64, Vec<u8>>> {
        let seqs: Vec<i64> = seqs.iter().map(|s| *s as i64).collect();
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, changes FROM feed WHERE tenant = $1 AND seq = ANY($2)",
                &[&tenant, &seqs],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
            .collect())
    }

    async fn last_seq(&self, tenant: &str) -> Result<u64> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT feed_seq FROM tenants WHERE id = $1", &[&tenant])
            .await?;
        Ok(row.map(|r| r.get::<_, i64>(0)).unwrap_or(0) as u64)
    }

    async fn technician_sees(
        &self,
        tenant: &str,
        user_id: &str,
        doc_id: &str,
        doc_type: &str,
    ) -> Result<bool> {
        let scope = super::technician_scope(doc_type);
        let Some(sql) = scope.one_query() else {
            return Ok(matches!(scope, super::ReadRule::Everyone));
        };
        Ok(self
            .client()
            .await?
            .query_opt(&sql, &[&tenant, &user_id, &doc_id])
            .await?
            .is_some())
    }

    async fn page_facts(
        &self,
        reader: &PageReader<'_>,
        docs: &[(String, String)],
    ) -> Result<PageFacts> {
        let client = self.client().await?;
        let mut facts = PageFacts::default();
        if reader.follow_links {
            let orders: Vec<&str> = docs
                .iter()
                .filter(|(_, ty)| ty == "order")
                .map(|(id, _)| id.as_str())
                .collect();
            for id in &orders {
                facts.links.insert(id.to_string(), Vec::new());
            }
            for r in client
                .query(
                    "SELECT from_id, to_id, to_type FROM doc_links
                     WHERE tenant = $1 AND from_id = ANY($2) ORDER BY from_id, to_id",
                    &[&reader.tenant, &orders],
                )
                .await?
            {
                facts
                    .links
                    .entry(r.get(0))
                    .or_default()
                    .push((r.get(1), r.get(2)));
            }
        }
        let universe = facts.universe(docs);
        let ids: Vec<&str> = universe.iter().map(|(id, _)| id.as_str()).collect();
        for r in client
            .query(
                "SELECT doc_id FROM device_docs WHERE device_id = $1 AND doc_id = ANY($2)",
                &[&reader.device_id, &ids],
            )
            .await?
        {
            facts.held.insert(r.get(0));
        }
        if reader.scoped {
            // Each listed scope read once for the page; point queries pipelined on one
            // connection (one round trip's wait for the page, not one per document).
            let mut listed: std::collections::HashMap<
                &'static str,
                std::collections::HashSet<String>,
            > = std::collections::HashMap::new();
            for (_, ty) in &universe {
                if let super::ReadRule::Listed(sql) = super::technician_scope(ty)
                    && !listed.contains_key(sql)
                {
                    let ids = client
                        .query(sql, &[&reader.tenant, &reader.user_id])
                        .await?
                        .iter()
                        .map(|r| r.get::<_, String>(0))
                        .collect();
                    listed.insert(sql, ids);
                }
            }
            let checks = universe.iter().map(|(id, ty)| {
                let (client, listed) = (&client, &listed);
                async move {
                    let sees = match super::technician_scope(ty) {
                        super::ReadRule::Everyone => true,
                        super::ReadRule::Nobody => false,
                        super::ReadRule::Listed(sql) => listed[sql].contains(id),
                        rule @ super::ReadRule::Large(_) => client
                            .query_opt(
                                &rule.one_query().unwrap_or_default(),
                                &[&reader.tenant, &reader.user_id, id],
                            )
                            .await?
                            .is_some(),
                    };
                    Ok::<_, ServerError>(sees.then(|| id.clone()))
                }
            });
            for seen in futures_util::future::join_all(checks).await {
                facts.visible.extend(seen?);
            }
        }
        Ok(facts)
    }

    async fn readable_docs(
        &self,
        tenant: &str,
        user_id: &str,
        rules: &[(&'static str, super::ReadRule)],
    ) -> Result<Vec<(String, String)>> {
        let mut client = self.client().await?;
        // One snapshot of the database for every type's list.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let mut all = Vec::new();
        for (ty, rule) in rules {
            let rows = match (rule, rule.listing()) {
                (super::ReadRule::Nobody, _) => continue,
                (_, Some(sql)) => tx.query(&sql, &[&tenant, &user_id, ty]).await?,
                (_, None) => {
                    tx.query(
                        "SELECT id FROM docs WHERE tenant = $1 AND doc_type = $2",
                        &[&tenant, ty],
                    )
                    .await?
                }
            };
            all.extend(rows.iter().map(|r| (r.get::<_, String>(0), ty.to_string())));
        }
        tx.commit().await?;
        all.sort_unstable();
        Ok(all)
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
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One statement each, the ids as arrays.
        tx.execute(
            "INSERT INTO device_docs(device_id, doc_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
            &[&device_id, &added],
        )
        .await?;
        tx.execute(
            "DELETE FROM device_docs WHERE device_id = $1 AND doc_id = ANY($2::text[])",
            &[&device_id, &removed],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn announces_feed(&self) -> bool {
        self.notify
    }

    async fn device_reset(&self, device_id: &str) -> Result<()> {
        self.client()
            .await?
            .execute(
                "DELETE FROM device_docs WHERE device_id = $1",
                &[&device_id],
            )
            .await?;
        Ok(())
    }
}

/// A feed row (seq, doc_id, doc_type, byte length of the changes, origin_device).
fn feed_entry(r: &tokio_postgres::Row) -> FeedEntry {
    FeedEntry {
        seq: r.get::<_, i64>(0) as u64,
        doc_id: r.get(1),
        doc_type: r.get(2),
        changes_len: r.get::<_, i32>(3).max(0) as usize,
        origin_device: r.get(4),
    }
}

/// One commit inside an open transaction that holds the tenant's row lock: `None` (and
/// nothing written) when the document moved on since `base_heads` were read.
async fn write_commit(
    tx: &deadpool_postgres::Transaction<'_>,
    m: &DocCommit,
) -> Result<Option<u64>> {
    let current: Option<String> = tx
        .query_opt(
            &tx.prepare_cached("SELECT heads FROM docs WHERE tenant = $1 AND id = $2")
                .await?,
            &[&m.tenant, &m.doc_id],
        )
        .await?
        .map(|r| r.get(0));
    if current != m.base_heads {
        return Ok(None);
    }
    type Params<'a> = [&'a (dyn tokio_postgres::types::ToSql + Sync)];
    let run = async |sql: &str, params: &Params<'_>| -> Result<()> {
        tx.execute(&tx.prepare_cached(sql).await?, params).await?;
        Ok(())
    };
    let next_seq = async || -> Result<i64> {
        let stmt = tx
            .prepare_cached(
                "UPDATE tenants SET feed_seq = feed_seq + 1 WHERE id = $1 RETURNING feed_seq",
            )
            .await?;
        Ok(tx.query_one(&stmt, &[&m.tenant]).await?.get(0))
    };
    let now = now_ms();
    run(
        "INSERT INTO docs(tenant, id, doc_type, bytes, heads, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant, id) DO UPDATE SET bytes = excluded.bytes, heads = excluded.heads,
           updated_at = excluded.updated_at",
        &[&m.tenant, &m.doc_id, &m.doc_type, &m.bytes, &m.heads, &now],
    )
    .await?;
    if m.compact_later {
        run(
            "INSERT INTO doc_compaction(tenant, id, queued_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&m.tenant, &m.doc_id, &now],
        )
        .await?;
    }
    run(
        "UPDATE doc_links SET active = 0 WHERE tenant = $1 AND from_id = $2",
        &[&m.tenant, &m.doc_id],
    )
    .await?;
    for (to, to_type) in &m.links {
        run(
            "INSERT INTO doc_links(tenant, from_id, to_id, to_type, active) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (tenant, from_id, to_id) DO UPDATE SET active = 1",
            &[&m.tenant, &m.doc_id, to, to_type],
        )
        .await?;
    }
    run(
        "DELETE FROM order_assignees WHERE tenant = $1 AND order_id = $2",
        &[&m.tenant, &m.doc_id],
    )
    .await?;
    for u in &m.assignees {
        run(
            "INSERT INTO order_assignees(tenant, order_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&m.tenant, &m.doc_id, u],
        )
        .await?;
    }
    let seq = next_seq().await?;
    run(
        "INSERT INTO feed(tenant, seq, doc_id, doc_type, changes, origin_device, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&m.tenant, &seq, &m.doc_id, &m.doc_type, &m.changes, &m.origin_device, &now],
    )
    .await?;
    if let Some(dev) = &m.origin_device {
        run(
            "INSERT INTO device_docs(device_id, doc_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[dev, &m.doc_id],
        )
        .await?;
    }
    run(
        "DELETE FROM blob_refs WHERE tenant = $1 AND doc_id = $2",
        &[&m.tenant, &m.doc_id],
    )
    .await?;
    for h in &m.blob_refs {
        run(
            "INSERT INTO blob_refs(tenant, hash, doc_id, doc_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&m.tenant, h, &m.doc_id, &m.doc_type],
        )
        .await?;
    }
    let mut last = seq;
    if let Some(server_changes) = &m.server_changes {
        last = next_seq().await?;
        run(
            "INSERT INTO feed(tenant, seq, doc_id, doc_type, changes, origin_device, received_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
            &[&m.tenant, &last, &m.doc_id, &m.doc_type, server_changes, &now],
        )
        .await?;
    }
    if let Some(a) = &m.audit {
        let params = a.params();
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            params.iter().map(sql_param).collect();
        run(super::AUDIT_INSERT, &refs).await?;
    }
    Ok(Some(last as u64))
}

/// An order's number inside a transaction holding the tenant's row lock: the one it has, or
/// the month's next.
async fn take_number(
    tx: &deadpool_postgres::Transaction<'_>,
    tenant: &str,
    order: &str,
    month: &str,
) -> Result<String> {
    let existing = tx
        .prepare_cached("SELECT number FROM order_numbers WHERE tenant = $1 AND order_id = $2")
        .await?;
    if let Some(row) = tx.query_opt(&existing, &[&tenant, &order]).await? {
        return Ok(row.get(0));
    }
    let next = tx
        .prepare_cached(
            "INSERT INTO number_counters(tenant, month, last) VALUES ($1, $2, 1)
             ON CONFLICT (tenant, month) DO UPDATE SET last = number_counters.last + 1 RETURNING last",
        )
        .await?;
    let seq: i64 = tx.query_one(&next, &[&tenant, &month]).await?.get(0);
    let number = super::format_number(month, seq);
    let insert = tx
        .prepare_cached("INSERT INTO order_numbers(tenant, order_id, number) VALUES ($1, $2, $3)")
        .await?;
    tx.execute(&insert, &[&tenant, &order, &number]).await?;
    Ok(number)
}
