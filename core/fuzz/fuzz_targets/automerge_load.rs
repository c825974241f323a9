#![no_main]
//! automerge itself, without our guard: what a damaged or crafted change does to
//! `load_incremental`. A crash here is automerge's (write it up in docs/UPSTREAM.md); the
//! app's paths catch it (see the `push` target).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut doc = automerge::AutoCommit::new();
    let _ = doc.load_incremental(data);
    let _ = automerge::Automerge::load(data);
});
