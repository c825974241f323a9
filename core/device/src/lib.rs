//! FieldOps on a device: the local store and its projections, the typed workspace API, the
//! sync client and the app's declared commands. No UI or Tauri dependency: the desktop and
//! mobile shell, the development bridge and the scenario tests link this crate.
//!
//! The domain rules (`fieldops_domain`) and media (`fieldops_media`) are re-exported under
//! their module names, so device code and its users name one path for each rule.

pub mod address;
pub mod app;
pub mod assessment;
pub mod error;
pub mod labels;
pub mod location;
pub mod net;
pub mod report;
pub mod store;
pub mod sync;
pub mod workspace;

pub use fieldops_domain::{
    DomainError, ErrorBody, ErrorCode, Field, FieldProblem, Problem, Refusal, Thing,
};
pub use fieldops_domain::{
    alerts, audit, authority, blob, crdt, geo, model, notify, people, portal, protocol,
};
pub use fieldops_media::{fonts, photo, text as media_text};

pub use error::{DeviceError, Result};

#[cfg(any(test, feature = "test-steps"))]
pub mod test_steps;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
