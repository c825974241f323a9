//! FieldOps sync server: authentication, scope, authority, storage and the live feed.

pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod compaction;
pub mod error;
pub mod http;
pub mod invitations;
pub mod notify;
pub mod planned;
pub mod portal;
pub mod setup;
pub mod storage;
pub mod sync;
pub mod throttle;

use std::net::SocketAddr;

pub use error::{Result, ServerError};

/// Run a command-line program's work on a fresh runtime; on failure, say why with the
/// error's code and exit with status 1.
pub fn run_command<E: std::fmt::Display>(
    work: impl std::future::Future<Output = std::result::Result<(), E>>,
) {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(work) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// How a server runs, besides where it listens and stores.
pub struct ServeOptions {
    /// Days the audit log keeps its lines (older ones are deleted at start and daily).
    pub audit_days: u32,
    pub limits: http::SyncLimits,
    pub notify: notify::NotifyOptions,
    /// The address customers reach the server at; default: the listen address.
    pub public_url: Option<String>,
    /// How often stored documents with appended changes are saved whole again.
    pub compact_every: std::time::Duration,
}

/// Serve until the process is stopped.
pub async fn serve(listen: SocketAddr, database: &str, options: ServeOptions) -> Result<()> {
    let ServeOptions {
        audit_days,
        limits,
        notify,
        public_url,
        compact_every,
    } = options;
    let storage = storage::open(database).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| ServerError::BadRequest(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Storage(e.to_string()))?;
    if let Some(token) = setup::prepare(&storage).await? {
        // Printed, never logged: whoever opens it creates the first administrator.
        println!(
            "no account exists yet: open http://{addr}/setup#{token} to create the company and its first administrator (the link works once)"
        );
    }
    if public_url.is_none() && addr.ip().is_unspecified() {
        tracing::warn!(
            %addr,
            "no --public-url: the links in labels, customer messages and invitations name {addr}, which nobody can open; give the address people reach this server at"
        );
    }
    portal::set_public_url(&public_url.unwrap_or_else(|| format!("http://{addr}")));
    // Scripts and tests wait for this line to know the port (it comes last).
    println!("listening on http://{addr}");
    tracing::info!(%addr, database = %redact(database), "sync server started");
    tokio::spawn(prune_audit_daily(storage.clone(), audit_days));
    let notifier = notify::Notifier::new(notify);
    let state = http::AppState::new(storage.clone(), limits, notifier.clone());
    let _ = notifier.feed.set(state.feed.clone());
    tokio::spawn(compaction::run(state.clone(), compact_every));
    tokio::spawn(notify::run_scanner(storage.clone(), notifier.clone()));
    tokio::spawn(notify::run_worker(storage, notifier));
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        tokio::spawn(storage::postgres::listen_feed(
            database.to_string(),
            state.feed.clone(),
        ));
    }
    axum::serve(
        listener,
        http::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    // Ctrl-C or SIGTERM (systemd, docker stop): stop accepting, finish the requests in
    // flight, then exit.
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| ServerError::Storage(e.to_string()))
}

async fn prune_audit_daily(storage: storage::DynStorage, days: u32) {
    loop {
        match audit::prune(&storage, days).await {
            Ok(n) if n > 0 => tracing::info!(deleted = n, days, "old audit lines deleted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "audit retention failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}
