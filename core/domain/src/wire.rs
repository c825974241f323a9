//! gzip for sync bodies, both ways, with a bound on what a body may unpack to: a small
//! compressed body must not become gigabytes in memory.

use std::io::{Read, Write};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    #[error("the body unpacks to more than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the body's compression is damaged: {0}")]
    Damaged(String),
}

/// Level 1: most of the saving (Base64 and JSON keys) at a fraction of the CPU of the default.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3 + 64),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = out.write_all(bytes);
    out.finish().unwrap_or_default()
}

/// Unpack at most `limit` bytes; more is `TooLarge` (found after reading `limit + 1`).
pub fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| WireError::Damaged(e.to_string()))?;
    if out.len() > limit {
        return Err(WireError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_round_trips_and_one_past_the_limit_or_damaged_is_refused() {
        let body = br#"{"push":[{"doc":"a","changes":"hW9KgwAAAAAAAA=="}]}"#.repeat(200);
        let packed = gzip(&body);
        assert!(
            packed.len() * 5 < body.len(),
            "{} of {}",
            packed.len(),
            body.len()
        );
        assert_eq!(gunzip(&packed, body.len()).unwrap(), body);
        assert_eq!(
            gunzip(&packed, body.len() - 1),
            Err(WireError::TooLarge {
                limit: body.len() - 1
            })
        );
        assert!(matches!(
            gunzip(b"not gzip at all", 1000),
            Err(WireError::Damaged(_))
        ));
        let mut damaged = packed.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0xff;
        assert!(matches!(
            gunzip(&damaged, body.len()),
            Err(WireError::Damaged(_))
        ));
    }
}
