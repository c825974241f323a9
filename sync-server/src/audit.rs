//! The audit log: append-only lines of who did what (sign-ins, people and devices, refused
//! and accepted sync), searched by administrators and deleted only when older than the
//! retention (`serve --audit-days`).

use fieldops_domain::ErrorCode;
use fieldops_domain::audit::{AuditEntry, AuditKind, AuditQuery, MAX_AUDIT_PAGE};

use crate::error::Result;
use crate::storage::{AuditRecord, DynStorage, Sql, now_ms};

/// Append a line. A failure to write it is logged, never turned into a failure of what was
/// done (that already happened).
pub async fn record(storage: &DynStorage, record: AuditRecord) {
    record_all(storage, vec![record]).await;
}

pub async fn record_all(storage: &DynStorage, records: Vec<AuditRecord>) {
    if records.is_empty() {
        return;
    }
    let statements = records.iter().map(AuditRecord::statement).collect();
    if let Err(e) = storage.sql_write(statements).await {
        tracing::error!(error = %e, "audit lines not written");
    }
}

/// A tenant's lines matching the query, newest first.
pub async fn search(storage: &DynStorage, tenant: &str, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let mut sql = String::from(
        "SELECT seq, at, kind, user_id, login, device_id, address, code, subject, detail FROM audit WHERE tenant = $1",
    );
    let mut params = vec![Sql::text(tenant)];
    let mut add = |clause: &str, value: Sql, sql: &mut String| {
        params.push(value);
        sql.push_str(&clause.replace("$?", &format!("${}", params.len())));
    };
    if let Some(kind) = q.kind {
        add(" AND kind = $?", Sql::text(kind.as_str()), &mut sql);
    }
    if let Some(since) = q.since {
        add(" AND at >= $?", Sql::int(since), &mut sql);
    }
    if let Some(until) = q.until {
        add(" AND at < $?", Sql::int(until), &mut sql);
    }
    if let Some(before) = q.before {
        add(" AND seq < $?", Sql::int(before), &mut sql);
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!(
            "%{}%",
            text.chars().take(100).collect::<String>().to_lowercase()
        );
        add(
            " AND (LOWER(COALESCE(login, '')) LIKE $? OR LOWER(COALESCE(subject, '')) LIKE $? OR LOWER(detail) LIKE $?)",
            Sql::text(pattern),
            &mut sql,
        );
    }
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_AUDIT_PAGE);
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
    let rows = storage.sql_query(&sql, params).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(AuditEntry {
                seq: r[0].as_int()?,
                at: r[1].as_int().unwrap_or(0),
                kind: AuditKind::parse(&r[2].as_text()?)?,
                user_id: r[3].as_text(),
                login: r[4].as_text(),
                device_id: r[5].as_text(),
                address: r[6].as_text(),
                code: r[7].as_text().map(|c| {
                    serde_json::from_value(serde_json::Value::String(c))
                        .unwrap_or(ErrorCode::Unknown)
                }),
                subject: r[8].as_text(),
                detail: r[9].as_text().unwrap_or_default(),
            })
        })
        .collect())
}

/// Delete lines older than `days`; how many went.
pub async fn prune(storage: &DynStorage, days: u32) -> Result<u64> {
    let cutoff = now_ms() - i64::from(days) * 24 * 3600 * 1000;
    let n = storage
        .sql_write(vec![(
            "DELETE FROM audit WHERE at < $1".into(),
            vec![Sql::int(cutoff)],
        )])
        .await?;
    Ok(n.first().copied().unwrap_or(0))
}
