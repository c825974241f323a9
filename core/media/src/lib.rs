//! FieldOps media: what the device does with pictures and glyphs (site photos made upright,
//! small and metadata-free, with an optional watermark; the fonts it draws Chinese with).
//! Neither the domain rules nor the sync server need it.

pub mod fonts;
pub mod photo;
/// Sample pictures for tests and benchmarks, here and in the crates above.
pub mod samples;
pub mod text;
