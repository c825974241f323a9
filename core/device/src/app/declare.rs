//! How a command is declared. Each feature module lists its commands once:
//!
//! ```text
//! commands! {
//!     /// The order list, filtered.
//!     read fn list_orders(ws, filter: OrderFilter) -> Vec<OrderSummary> { ws.list_orders(&filter) }
//!     write fn accept_order(ws, id: String) -> OrderDetail { ws.accept_order(&id) }
//!     task fn sync_now(app) -> SyncReport { ... }
//! }
//! ```
//!
//! `read` bodies get `&Workspace`, `write` bodies `&mut Workspace` (and a sync is scheduled
//! after them); both run on a blocking thread, never on the UI's. `task` bodies are async and
//! get the `Arc<App>`. Every body returns `crate::Result<T>`. From the list the macro makes the
//! feature's dispatcher (arguments in camelCase, unknown ones refused) and its signatures,
//! from which `bindings.rs` writes the TypeScript client and types.

use std::sync::Arc;

use serde_json::Value;

use super::App;
use crate::{DeviceError, ErrorBody, Result};

/// One command as the TypeScript generator sees it.
pub struct Signature {
    pub name: &'static str,
    pub doc: &'static str,
    /// Argument names (snake_case, as in Rust) and their TypeScript types.
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
    /// Visits the argument and result types, so their declarations are generated too.
    pub visit: fn(&mut super::bindings::Collect),
}

macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        $mode:ident fn $name:ident($subject:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        #[allow(non_camel_case_types, dead_code, unused_imports)]
        mod args {
            use super::*;
            $(
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "camelCase", deny_unknown_fields)]
                pub struct $name { $(pub $arg: $ty,)* }
            )*
        }

        /// Run `command` if this feature declares it; hand the arguments back otherwise.
        pub(super) async fn dispatch(
            app: &std::sync::Arc<super::App>,
            command: &str,
            args: serde_json::Value,
        ) -> std::result::Result<crate::Result<serde_json::Value>, serde_json::Value> {
            match command {
                $(
                    stringify!($name) => Ok(async move {
                        let args::$name { $($arg),* } = super::declare::parse_args(command, args)?;
                        let out: $ret = command_body!($mode, app, $subject, $ret, $body);
                        super::declare::to_json(out)
                    }.await),
                )*
                _ => Err(args),
            }
        }

        pub(super) fn signatures() -> Vec<super::declare::Signature> {
            vec![$(
                super::declare::Signature {
                    name: stringify!($name),
                    doc: concat!($($doc, "\n",)*),
                    args: vec![$((stringify!($arg), super::bindings::ts_name::<$ty>()),)*],
                    returns: super::bindings::ts_name::<$ret>(),
                    visit: |v| {
                        $(v.add::<$ty>();)*
                        v.add::<$ret>();
                    },
                },
            )*]
        }
    };
}

macro_rules! command_body {
    (read, $app:ident, $ws:ident, $ret:ty, $body:block) => {{
        let app = $app.clone();
        super::declare::blocking(move || app.read(|$ws| $body)).await?
    }};
    (write, $app:ident, $ws:ident, $ret:ty, $body:block) => {{
        let app = $app.clone();
        super::declare::blocking(move || app.mutate(|$ws| $body)).await?
    }};
    (task, $app:ident, $subject:ident, $ret:ty, $body:block) => {{
        let $subject = $app.clone();
        let result: crate::Result<$ret> = async move { $body }.await;
        result?
    }};
}

/// The features, in the order the generated client lists them.
macro_rules! features {
    ($($feature:ident),* $(,)?) => {
        pub(super) async fn dispatch(
            app: &Arc<App>,
            command: &str,
            args: Value,
        ) -> std::result::Result<Value, ErrorBody> {
            $(
                let args = match super::$feature::dispatch(app, command, args).await {
                    Ok(result) => return result.map_err(|e| e.body()),
                    Err(args) => args,
                };
            )*
            drop(args);
            Err(DeviceError::invalid(format!("the app has no command '{command}'")).body())
        }

        pub fn signatures() -> Vec<Signature> {
            let mut all = Vec::new();
            $(all.extend(super::$feature::signatures());)*
            all
        }
    };
}

features!(
    session, orders, field, places, parts, scan, settings, people, statistics, alerts, notify,
    portal, knowledge
);

pub(super) fn parse_args<T: serde::de::DeserializeOwned>(command: &str, args: Value) -> Result<T> {
    // A command without arguments may be called with none at all.
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args)
        .map_err(|e| DeviceError::invalid(format!("{command}: bad arguments: {e}")))
}

pub(super) fn to_json<T: serde::Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| DeviceError::invalid(e.to_string()))
}

/// Store work runs on a blocking thread so that it never holds up the async runtime.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DeviceError::invalid(format!("the command stopped: {e}")))?
}
