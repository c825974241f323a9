//! Sample pictures for tests of this crate and the crates above it (feature `samples`).

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// A w×h picture whose top-left quadrant is red and the rest blue, so orientation shows.
pub fn marked(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if x < w / 2 && y < h / 2 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    })
}

pub fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap();
    out
}
