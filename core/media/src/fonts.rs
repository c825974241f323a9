//! Fonts with Chinese glyphs, for what the device draws itself (reports, photo watermarks).

use fieldops_domain::error::{DomainError, Result};

/// Fonts tried, in order, when the app ships none: they cover Chinese and Latin.
pub const SYSTEM_CJK_FONTS: &[(&str, usize)] = &[
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
];

/// The first system font that exists, as (bytes, index in the collection).
pub fn find_cjk_font() -> Result<(Vec<u8>, usize)> {
    for (path, index) in SYSTEM_CJK_FONTS {
        if let Ok(bytes) = std::fs::read(path) {
            return Ok((bytes, *index));
        }
    }
    Err(DomainError::invalid(
        "no font with Chinese glyphs was found for the report (install fonts-wqy-microhei)",
    ))
}
