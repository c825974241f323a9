//! Fonts with Chinese glyphs, for what the device draws itself (reports, photo watermarks).
//!
//! The app ships its own: WenQuanYi Micro Hei (Apache-2.0, from the Droid fonts) cut to Latin, CJK punctuation,
//! GB2312 and the whole CJK Unified Ideographs block (`fonts/subset.py`), 2.8 MB, so reports
//! and watermarks work on Android and iOS, where no system font path is known. A system font
//! is used only for a text with a character the bundled one lacks (a rare ideograph of an
//! extension block, say) when that system font has them all.

use std::borrow::Cow;

use ab_glyph::{Font, FontRef};

/// The font the app ships (TrueType outlines, one face).
pub const BUNDLED_CJK_FONT: &[u8] = include_bytes!("../fonts/WenQuanYiMicroHei-FieldOps.ttf");

/// System fonts that may cover what the bundled one does not, as (path, face in the file).
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

/// Whether the font (bytes, face) has a glyph for every visible character of `text`.
pub fn covers(font: &[u8], index: usize, text: &str) -> bool {
    let Ok(face) = FontRef::try_from_slice_and_index(font, index as u32) else {
        return false;
    };
    text.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .all(|c| face.glyph_id(c).0 != 0)
}

/// The font to draw `text` with: the bundled one, unless it lacks a character that one of
/// `system` (paths and faces, tried in order) has, every one of them.
pub fn cjk_font_for(text: &str, system: &[(&str, usize)]) -> (Cow<'static, [u8]>, usize) {
    if !covers(BUNDLED_CJK_FONT, 0, text) {
        for (path, index) in system {
            if let Ok(bytes) = std::fs::read(path)
                && covers(&bytes, *index, text)
            {
                return (Cow::Owned(bytes), *index);
            }
        }
    }
    (Cow::Borrowed(BUNDLED_CJK_FONT), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_covers_chinese_names_and_latin() {
        assert!(covers(
            BUNDLED_CJK_FONT,
            0,
            "上海华东医疗设备有限公司 · 张江工厂 WO-202612-0001 ¥636.00"
        ));
        // Rare characters people's names use, outside GB2312.
        assert!(covers(BUNDLED_CJK_FONT, 0, "王堃 李喆 张玥 陈昇"));
        // An extension-B ideograph is not in it.
        assert!(!covers(BUNDLED_CJK_FONT, 0, "𠀀"));
    }

    #[test]
    fn without_system_fonts_the_bundled_one_is_used() {
        let (font, index) = cjk_font_for("𠀀 服务报告", &[]);
        assert_eq!((font.len(), index), (BUNDLED_CJK_FONT.len(), 0));
        let (font, _) = cjk_font_for("服务报告", SYSTEM_CJK_FONTS);
        assert!(
            matches!(font, Cow::Borrowed(_)),
            "a covered text keeps the bundled font"
        );
    }
}
