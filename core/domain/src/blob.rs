//! Blobs: signatures and photos are content-addressed (SHA-256) and never live inside a CRDT
//! document; documents hold only the hash. The same checks run on the device before it keeps
//! a blob and on the server before it accepts an upload.

use sha2::{Digest, Sha256};

use crate::error::{DomainError, Result};

/// The largest blob a device uploads or the server accepts: a knowledge-base PDF.
pub const MAX_BLOB_BYTES: usize = crate::model::knowledge::MAX_ATTACHMENT_BYTES;
/// The largest picture (photos, signatures).
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A blob's name: 64 lowercase hex digits.
pub fn check_hash(hash: &str) -> Result<()> {
    if hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "'{hash}' is not a SHA-256 in lowercase hex"
        )))
    }
}

/// The type the bytes really are (a picture or a PDF), from their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    sniff_image(bytes).or_else(|| bytes.starts_with(b"%PDF-").then_some("application/pdf"))
}

fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Size, type and (for PNG) a sane header: what every stored blob must satisfy.
pub fn check_blob(bytes: &[u8], declared_type: &str) -> Result<()> {
    if bytes.is_empty() {
        return Err(DomainError::invalid("the file is empty"));
    }
    let max = if declared_type == "application/pdf" {
        MAX_BLOB_BYTES
    } else {
        MAX_IMAGE_BYTES
    };
    if bytes.len() > max {
        return Err(DomainError::invalid(format!(
            "the file is larger than {} MB",
            max / 1024 / 1024
        )));
    }
    match sniff(bytes) {
        Some(t) if t == declared_type => {}
        Some(t) => {
            return Err(DomainError::invalid(format!(
                "the file is {t}, not {declared_type}"
            )));
        }
        None => {
            return Err(DomainError::invalid(
                "the file is not a PNG, JPEG or WebP image or a PDF",
            ));
        }
    }
    if declared_type == "image/png" {
        let (w, h) =
            png_size(bytes).ok_or_else(|| DomainError::invalid("the PNG header is damaged"))?;
        if w == 0 || h == 0 || w > 8000 || h > 8000 {
            return Err(DomainError::invalid(format!(
                "a {w}×{h} image is out of range"
            )));
        }
    }
    Ok(())
}

/// CRC-32 (IEEE), as PNG chunks carry it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

/// A valid 1×1 PNG (a sample for tests and demo data).
pub fn tiny_png() -> Vec<u8> {
    hex::decode("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63606060f80f00010401005fe5c34b0000000049454e44ae426082").unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_checked_by_content_not_by_name() {
        let png = tiny_png();
        assert!(check_blob(&png, "image/png").is_ok());
        assert!(
            check_blob(&png, "image/jpeg")
                .unwrap_err()
                .to_string()
                .contains("image/png")
        );
        assert!(check_blob(b"%PDF-1.4 not an image", "image/png").is_err());
        assert!(check_blob(&[], "image/png").is_err());
        let mut huge = png.clone();
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(check_blob(&huge, "image/png").is_err());
        assert!(check_blob(&vec![0u8; MAX_BLOB_BYTES + 1], "image/png").is_err());
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(check_hash(&sha256_hex(b"abc")).is_ok());
        assert!(check_hash("../../etc/passwd").is_err());
        assert_eq!(crc32(b"IEND"), 0xAE42_6082, "the CRC every PNG ends with");
    }
}
