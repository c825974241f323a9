#![no_main]
//! automerge itself, without our guard, on changes whose checksum is right: the bytes reach
//! its change decoding and op-set code. A crash here is automerge's (docs/UPSTREAM.md).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut doc = automerge::AutoCommit::new();
    let _ = doc.load_incremental(&fieldops_fuzz_targets::change_chunk(data));
});
