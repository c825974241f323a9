//! FieldOps core: the domain, its CRDT documents, the device's local store and the sync
//! client. No UI or Tauri dependency: the app, the server and the tests all link this crate.

pub mod address;
#[cfg(feature = "report")]
pub mod app;
pub mod authority;
pub mod blob;
pub mod crdt;
pub mod error;
pub mod fonts;
pub mod location;
pub mod model;
pub mod photo;
pub mod protocol;
#[cfg(feature = "report")]
pub mod report;
pub mod store;
pub mod sync;
pub mod workspace;

pub use error::{CoreError, ErrorBody, Result};

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
