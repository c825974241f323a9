#![no_main]
//! See `fieldops_fuzz_targets::change_body`. The app catches panics inside automerge on purpose, so
//! libFuzzer's abort-on-any-panic hook is replaced by a silent one: a panic that escapes is
//! still a crash (libfuzzer-sys aborts when the target unwinds).
libfuzzer_sys::fuzz_target!(
    init: std::panic::set_hook(Box::new(|_| {})),
    |data: &[u8]| fieldops_fuzz_targets::change_body(data)
);
