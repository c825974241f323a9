//! Setting text in lines for what the device prints itself (the service report): widths from
//! the font's own advances, breaks only where Unicode allows them (UAX #14), so a Latin word
//! is never cut ("spindle", not "spind le"), Chinese breaks between ideographs, and closing
//! punctuation (，。）) never starts a line.

use ab_glyph::{Font, FontRef};
use unicode_linebreak::{BreakOpportunity, linebreaks};

/// Widths of text in one font face, in ems (multiply by the size for points).
pub struct Measure<'a> {
    face: FontRef<'a>,
    units_per_em: f32,
}

impl<'a> Measure<'a> {
    /// None when the bytes are not a font this can read.
    pub fn new(font: &'a [u8], index: usize) -> Option<Measure<'a>> {
        let face = FontRef::try_from_slice_and_index(font, u32::try_from(index).ok()?).ok()?;
        let units_per_em = face.units_per_em().filter(|u| *u > 0.0)?;
        Some(Measure { face, units_per_em })
    }

    pub fn width_em(&self, text: &str) -> f32 {
        text.chars()
            .map(|c| self.face.h_advance_unscaled(self.face.glyph_id(c)) / self.units_per_em)
            .sum()
    }

    /// `text` in lines no wider than `max_em`, broken at UAX #14 opportunities; a hard break
    /// (a newline) always breaks. A run with no opportunity that is wider than a line (a long
    /// serial number, say) is cut between characters, the only way it fits.
    pub fn wrap(&self, text: &str, max_em: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut start = 0;
        for (end, opportunity) in linebreaks(text) {
            let segment = &text[start..end];
            start = end;
            let candidate = format!("{line}{segment}");
            if self.width_em(candidate.trim_end()) <= max_em {
                line = candidate;
            } else {
                if !line.trim().is_empty() {
                    lines.push(line.trim_end().to_string());
                }
                line = String::new();
                for c in segment.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width_em(next.trim_end()) > max_em {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            if opportunity == BreakOpportunity::Mandatory {
                lines.push(line.trim_end().to_string());
                line = String::new();
            }
        }
        if !line.trim().is_empty() || lines.is_empty() {
            lines.push(line.trim_end().to_string());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::BUNDLED_CJK_FONT;

    fn measure() -> Measure<'static> {
        Measure::new(BUNDLED_CJK_FONT, 0).unwrap()
    }

    #[test]
    fn latin_words_are_never_cut() {
        let m = measure();
        let text = "Replaced the spindle bearing and realigned the drive belt of the lathe";
        let width = m.width_em("Replaced the spindle bearing");
        let lines = m.wrap(text, width);
        assert!(lines.len() > 1, "{lines:?}");
        let words: Vec<&str> = text.split(' ').collect();
        for line in &lines {
            assert!(m.width_em(line) <= width + 1e-3, "{line} is too wide");
            for w in line.split(' ') {
                assert!(words.contains(&w), "'{w}' is a cut word in {lines:?}");
            }
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn chinese_breaks_between_ideographs_but_not_before_closing_punctuation() {
        let m = measure();
        let text = "更换主轴轴承，振动恢复正常。客户确认设备运行平稳，同意验收。";
        let width = m.width_em("更换主轴轴承");
        let lines = m.wrap(text, width);
        assert!(lines.len() >= 4, "{lines:?}");
        assert_eq!(lines.concat(), text);
        for line in &lines {
            assert!(
                !line.starts_with('，') && !line.starts_with('。'),
                "{line} starts with closing punctuation: {lines:?}"
            );
        }
        // Mixed text keeps its Latin word whole.
        let mixed = m.wrap("更换 SKF-6204 轴承后试运行", m.width_em("更换 SKF-62"));
        assert!(mixed.iter().any(|l| l.contains("SKF-6204")), "{mixed:?}");
    }

    #[test]
    fn a_run_wider_than_the_line_is_cut_and_newlines_break() {
        let m = measure();
        let serial = "SN0123456789ABCDEF0123456789";
        let lines = m.wrap(serial, m.width_em("SN0123456"));
        assert!(lines.len() >= 3);
        assert_eq!(lines.concat(), serial);
        assert_eq!(m.wrap("一\n二", 10.0), vec!["一", "二"]);
        assert_eq!(m.wrap("", 10.0), vec![""]);
    }
}
