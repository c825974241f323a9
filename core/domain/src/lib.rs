//! FieldOps domain rules: the documents and their folds, who may change what (authority), the
//! CRDT helpers, the sync protocol's shapes and limits, blob checks and the geofence. What the
//! sync server and the device both enforce lives here, once. No storage, network or runtime:
//! no rusqlite, reqwest or tokio.

pub mod alerts;
pub mod audit;
pub mod authority;
pub mod blob;
pub mod crdt;
pub mod doc_cache;
pub mod error;
pub mod geo;
pub mod model;
pub mod notify;
pub mod people;
pub mod portal;
pub mod protocol;
pub mod push;
pub mod wire;

pub use error::{
    DomainError, ErrorBody, ErrorCode, Field, FieldProblem, Problem, Refusal, Result, Thing,
};
