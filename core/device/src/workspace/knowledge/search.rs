//! Search terms for the knowledge base, made in Rust for SQLite's FTS5 (unicode61 over the
//! terms, bm25 ranking).
//!
//! Chinese has no spaces: each run of CJK characters is indexed as single characters and as
//! overlapping pairs, so a one-character query matches a character and a longer one matches
//! all of its pairs (the usual bigram index; a trigram index cannot answer one- or
//! two-character queries). Model numbers are written "KX-200B", "KX200B" or "kx 200b": a word
//! joined by dashes, slashes or dots is indexed whole without its joiners, by parts, and split
//! where letters meet digits, so each way of typing it finds the others.

use serde::{Deserialize, Serialize};

/// A piece of shown text, marked where it matches the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

fn fold(c: char) -> char {
    let c = match c as u32 {
        // Full-width ASCII (ＫＸ－２００) as typed by Chinese input methods.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_lowercase().next().unwrap_or(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '_' | '/' | '.' | '·' | '－')
}

/// A run of the text: CJK characters, or a word of letters and digits with its joined parts.
enum Run {
    Cjk(Vec<char>),
    Word(Vec<String>),
}

fn runs(text: &str) -> Vec<Run> {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            out.push(Run::Cjk(chars[start..i].to_vec()));
        } else if is_word(c) {
            let mut parts = vec![String::new()];
            while i < chars.len() {
                let c = chars[i];
                if is_word(c) {
                    if let Some(p) = parts.last_mut() {
                        p.push(c);
                    }
                    i += 1;
                } else if is_joiner(c) && chars.get(i + 1).is_some_and(|n| is_word(*n)) {
                    parts.push(String::new());
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Run::Word(parts));
        } else {
            i += 1;
        }
    }
    out
}

/// "kx200b" → ["kx", "200", "b"]: where letters meet digits.
fn letter_digit_parts(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last_digit: Option<bool> = None;
    for c in word.chars() {
        let digit = c.is_ascii_digit();
        if last_digit != Some(digit) {
            out.push(String::new());
        }
        if let Some(p) = out.last_mut() {
            p.push(c);
        }
        last_digit = Some(digit);
    }
    out
}

/// The terms a text is indexed under, space-separated.
pub fn index_terms(text: &str) -> String {
    let mut terms: Vec<String> = Vec::new();
    for run in runs(text) {
        match run {
            Run::Cjk(chars) => {
                terms.extend(chars.iter().map(|c| c.to_string()));
                terms.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
            }
            Run::Word(parts) => {
                if parts.len() > 1 {
                    terms.push(parts.concat());
                }
                for p in &parts {
                    terms.push(p.clone());
                    let split = letter_digit_parts(p);
                    if split.len() > 1 {
                        terms.extend(split);
                    }
                }
            }
        }
    }
    terms.join(" ")
}

/// The most terms one search asks SQLite for.
pub const MAX_QUERY_TERMS: usize = 48;

fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The FTS5 query for what a person typed: every word must match (`all`), or any (the
/// "possible solutions" of an order, ranked by how much matches). None when nothing
/// searchable was typed.
pub fn match_query(query: &str, all: bool) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for run in runs(query) {
        match run {
            Run::Cjk(chars) if chars.len() == 1 => terms.push(quoted(&chars[0].to_string())),
            Run::Cjk(chars) => {
                let pairs: Vec<String> = chars
                    .windows(2)
                    .map(|w| quoted(&w.iter().collect::<String>()))
                    .collect();
                // Any-word queries are an order's description, a sentence without spaces:
                // each pair counts, and bm25 ranks entries sharing more of them first.
                terms.extend(pairs);
            }
            // A word typed with its joiners is searched whole ("kx-200" as "kx200"); a prefix
            // matches, so "chil" finds "chiller" and "kx200" finds "kx200b".
            Run::Word(parts) => terms.push(format!("{}*", quoted(&parts.concat()))),
        }
    }
    // A pasted page of text is not a query: its first terms are.
    terms.truncate(MAX_QUERY_TERMS);
    (!terms.is_empty()).then(|| terms.join(if all { " AND " } else { " OR " }))
}

/// What to mark in shown text: each Chinese pair (or single character) and each word part.
fn marks(query: &str) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = Vec::new();
    for run in runs(query) {
        match run {
            Run::Cjk(chars) if chars.len() == 1 => out.push(chars),
            Run::Cjk(chars) => out.extend(chars.windows(2).map(|w| w.to_vec())),
            // The word as typed, its parts between joiners, and its letter and digit runs of
            // two or more (the "e" of "E07" would mark every e of the text).
            Run::Word(parts) => {
                out.push(parts.concat().chars().collect());
                for p in parts {
                    out.push(p.chars().collect());
                    out.extend(
                        letter_digit_parts(&p)
                            .into_iter()
                            .filter(|s| s.chars().count() >= 2)
                            .map(|s| s.chars().collect()),
                    );
                }
            }
        }
    }
    out.retain(|m| !m.is_empty());
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|m| seen.insert(m.clone()));
    out.truncate(MAX_QUERY_TERMS * 2);
    out
}

/// `text` cut to about `width` characters around its first match (all of it when `width` is
/// 0), with the matches marked.
pub fn highlight(text: &str, query: &str, width: usize) -> Vec<Segment> {
    let original: Vec<char> = text.chars().collect();
    let folded: Vec<char> = original.iter().map(|c| fold(*c)).collect();
    let mut hit = vec![false; folded.len()];
    for m in marks(query) {
        let mut i = 0;
        while i + m.len() <= folded.len() {
            if folded[i..i + m.len()] == m[..] {
                hit[i..i + m.len()].iter_mut().for_each(|h| *h = true);
                i += m.len();
            } else {
                i += 1;
            }
        }
    }
    let (start, end) = if width == 0 || original.len() <= width {
        (0, original.len())
    } else {
        let first = hit.iter().position(|h| *h).unwrap_or(0);
        let start = first.saturating_sub(width / 4);
        (start, (start + width).min(original.len()))
    };
    let ellipsis = || Segment {
        text: "…".into(),
        hit: false,
    };
    let mut shown: Vec<Segment> = Vec::new();
    for i in start..end {
        let c = if original[i] == '\n' {
            ' '
        } else {
            original[i]
        };
        match shown.last_mut() {
            Some(s) if s.hit == hit[i] => s.text.push(c),
            _ => shown.push(Segment {
                text: c.to_string(),
                hit: hit[i],
            }),
        }
    }
    let mut out = Vec::with_capacity(shown.len() + 2);
    if start > 0 {
        out.push(ellipsis());
    }
    out.extend(shown);
    if end < original.len() {
        out.push(ellipsis());
    }
    out
}

/// A model as compared in filters: folded, without joiners or spaces ("KX-200" = "kx200").
pub fn model_key(model: &str) -> String {
    model
        .chars()
        .map(fold)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_are_indexed_as_characters_and_pairs() {
        assert_eq!(index_terms("冷水机"), "冷 水 机 冷水 水机");
        assert_eq!(match_query("水", true).as_deref(), Some("\"水\""));
        assert_eq!(
            match_query("冷水机", true).as_deref(),
            Some("\"冷水\" AND \"水机\"")
        );
    }

    #[test]
    fn model_numbers_are_indexed_whole_by_parts_and_letters_and_digits() {
        let terms = index_terms("KX-200B");
        for t in ["kx200b", "kx", "200b", "200", "b"] {
            assert!(terms.split(' ').any(|x| x == t), "{t} in {terms}");
        }
        assert_eq!(match_query("kx-200", true).as_deref(), Some("\"kx200\"*"));
        assert_eq!(
            match_query("ＫＸ２００", true).as_deref(),
            Some("\"kx200\"*")
        );
        assert_eq!(model_key("KX-200 b"), "kx200b");
    }

    #[test]
    fn any_word_queries_join_every_word_and_chinese_pair_with_or() {
        assert_eq!(
            match_query("压缩机 noise", false).as_deref(),
            Some("\"压缩\" OR \"缩机\" OR \"noise\"*")
        );
        assert_eq!(match_query("  ,.; ", true), None);
        let long = "压缩机异响".repeat(1000);
        let q = match_query(&long, false).unwrap();
        assert_eq!(q.matches(" OR ").count(), MAX_QUERY_TERMS - 1);
        // Quotes and FTS5 operators typed by a person are words, not syntax.
        assert_eq!(
            match_query("a\"b OR", true).as_deref(),
            Some("\"a\"* AND \"b\"* AND \"or\"*")
        );
    }

    #[test]
    fn highlights_mark_matches_in_the_original_text() {
        let segs = highlight("检查压缩机 KX-200 的电源", "压缩 kx200", 0);
        let marked: Vec<&str> = segs
            .iter()
            .filter(|s| s.hit)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, vec!["压缩", "KX", "200"]);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "检查压缩机 KX-200 的电源");
        let long = format!("{}压缩机{}", "甲".repeat(100), "乙".repeat(100));
        let cut = highlight(&long, "压缩", 40);
        assert_eq!(cut.first().map(|s| s.text.as_str()), Some("…"));
        assert_eq!(cut.last().map(|s| s.text.as_str()), Some("…"));
        assert!(cut.iter().any(|s| s.hit && s.text == "压缩"));
        let shown: usize = cut.iter().map(|s| s.text.chars().count()).sum();
        assert_eq!(shown, 42);
        // A fault code's single letter does not mark every such letter of the text.
        let code = highlight("E07: see the manual", "E07", 0);
        let marked: Vec<&str> = code
            .iter()
            .filter(|s| s.hit)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, vec!["E07"]);
    }
}
