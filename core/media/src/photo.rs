//! Site photos: whatever the camera or the file picker gives (JPEG, PNG, WebP) becomes an
//! upright, metadata-free JPEG of at most 2048 px on the long edge plus a 320 px thumbnail.
//! Capture time and position are kept in our own record, never in the file.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use fieldops_domain::error::{DomainError, Result};

/// Larger files are refused before anything is decoded.
pub const MAX_INPUT_BYTES: usize = 25 * 1024 * 1024;
/// Decompression bombs: refused from the header, before pixels are allocated.
pub const MAX_PIXELS: u64 = 50_000_000;
pub const FULL_EDGE: u32 = fieldops_domain::model::order::PHOTO_MAX_EDGE;
pub const THUMB_EDGE: u32 = 320;
pub const JPEG_QUALITY: u8 = 82;

#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The stored photo: JPEG, upright, no metadata.
    pub full: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub thumb_width: u32,
    pub thumb_height: u32,
}

fn bad(message: impl Into<String>) -> DomainError {
    DomainError::invalid(message.into())
}

/// Text drawn into the stored photo (time, place, order number): common practice against
/// recycled site photos. The font must cover the text (CJK included).
pub struct Watermark<'a> {
    pub lines: Vec<String>,
    pub font: &'a [u8],
    /// Index of the face in a font collection (.ttc); 0 for plain fonts.
    pub font_index: u32,
}

/// Decode, turn upright, shrink, re-encode. Every refusal says why in words.
pub fn process(bytes: &[u8]) -> Result<Processed> {
    process_with(bytes, None)
}

/// `process`, drawing `watermark` into the stored photo (and so into its thumbnail).
pub fn process_with(bytes: &[u8], watermark: Option<&Watermark<'_>>) -> Result<Processed> {
    // JPEG has no alpha: flatten onto white rather than black. Shrunk before it is turned
    // upright: a turn of the camera's 12 megapixels cost as much as the rest of the shrink.
    let (img, orientation) = decode(bytes)?;
    let mut full = upright(shrink(&flatten(img), FULL_EDGE)?, orientation);
    if let Some(w) = watermark {
        draw_watermark(&mut full, w)?;
    }
    let thumb = shrink(&full, THUMB_EDGE)?;
    Ok(Processed {
        width: full.width(),
        height: full.height(),
        full: encode(&full)?,
        thumb_width: thumb.width(),
        thumb_height: thumb.height(),
        thumb: encode(&thumb)?,
    })
}

/// The widest and tallest a stored company logo is (pixels): sharp at print size in a
/// report's header, small enough to travel in the settings document.
pub const LOGO_MAX: (u32, u32) = (600, 200);

/// A company logo as stored: decoded with the photo's limits, upright, transparency kept,
/// scaled down to fit `LOGO_MAX`, as PNG.
pub fn logo(bytes: &[u8]) -> Result<Vec<u8>> {
    let img = decode_upright(bytes)?;
    let (w, h) = (img.width(), img.height());
    let img = if w > LOGO_MAX.0 || h > LOGO_MAX.1 {
        img.resize(
            LOGO_MAX.0,
            LOGO_MAX.1,
            image::imageops::FilterType::Lanczos3,
        )
    } else {
        img
    };
    let mut out = Cursor::new(Vec::new());
    img.into_rgba8()
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| bad(format!("the logo cannot be encoded: {e}")))?;
    Ok(out.into_inner())
}

/// A JPEG, PNG or WebP image, checked whole and within the pixel limit, turned upright.
fn decode_upright(bytes: &[u8]) -> Result<DynamicImage> {
    let (mut img, orientation) = decode(bytes)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// `upright` for an RGB picture.
fn upright(img: image::RgbImage, orientation: Orientation) -> image::RgbImage {
    let mut img = DynamicImage::ImageRgb8(img);
    img.apply_orientation(orientation);
    img.into_rgb8()
}

/// A JPEG, PNG or WebP image, checked whole and within the pixel limit, and how the camera
/// says it must be turned to stand upright.
fn decode(bytes: &[u8]) -> Result<(DynamicImage, Orientation)> {
    if bytes.is_empty() {
        return Err(bad("the file is empty"));
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(bad(format!(
            "the photo is larger than {} MB",
            MAX_INPUT_BYTES / 1024 / 1024
        )));
    }
    let format = match fieldops_domain::blob::sniff(bytes) {
        Some("image/jpeg") => ImageFormat::Jpeg,
        Some("image/png") => ImageFormat::Png,
        Some("image/webp") => ImageFormat::WebP,
        _ => return Err(bad("the file is not a JPEG, PNG or WebP image")),
    };
    check_complete(format, bytes)?;
    let reader = || {
        let mut r = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
        r.limits(limits);
        r
    };
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|e| bad(format!("the image header cannot be read: {e}")))?;
    if w == 0 || h == 0 {
        return Err(bad("the image has no pixels"));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(bad(format!(
            "a {w}×{h} image has more than {} megapixels",
            MAX_PIXELS / 1_000_000
        )));
    }
    let mut decoder = reader()
        .into_decoder()
        .map_err(|e| bad(format!("the image cannot be read: {e}")))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder)
        .map_err(|e| bad(format!("the image is truncated or damaged: {e}")))?;
    Ok((img, orientation))
}

/// Decoders fill a cut-off file with grey rather than fail, so check the ends: a JPEG ends
/// with its EOI marker (cameras may pad with zeros), a WebP holds as many bytes as its RIFF
/// header says, a PNG ends with its IEND chunk.
fn check_complete(format: ImageFormat, bytes: &[u8]) -> Result<()> {
    let complete = match format {
        ImageFormat::Jpeg => {
            let end = bytes.len() - bytes.iter().rev().take_while(|&&b| b == 0).count();
            end >= 4 && bytes[end - 2..end] == [0xFF, 0xD9]
        }
        ImageFormat::WebP => bytes
            .get(4..8)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .is_some_and(|riff| (riff as usize).saturating_add(8) <= bytes.len()),
        _ => bytes.len() >= 12 && &bytes[bytes.len() - 8..bytes.len() - 4] == b"IEND",
    };
    if complete {
        Ok(())
    } else {
        Err(bad(
            "the image is truncated or damaged (the file ends too early)",
        ))
    }
}

/// White text on a darkened band along the bottom edge, sized to the picture.
fn draw_watermark(img: &mut image::RgbImage, w: &Watermark<'_>) -> Result<()> {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
    let font = FontRef::try_from_slice_and_index(w.font, w.font_index)
        .map_err(|_| DomainError::invalid("the watermark font cannot be read"))?;
    let (width, height) = img.dimensions();
    let px = (height.min(width) as f32 / 28.0).clamp(12.0, 64.0);
    let scaled = font.as_scaled(PxScale::from(px));
    let line_h = (scaled.height() + scaled.line_gap()).ceil();
    let margin = (px * 0.6).round();
    let lines: Vec<&str> = w
        .lines
        .iter()
        .map(String::as_str)
        .filter(|l| !l.is_empty())
        .collect();
    let band = (line_h * lines.len() as f32 + margin * 2.0).min(height as f32) as u32;
    for y in height - band..height {
        for x in 0..width {
            let p = img.get_pixel_mut(x, y);
            for c in 0..3 {
                p[c] = (u16::from(p[c]) * 2 / 5) as u8;
            }
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let baseline = (height - band) as f32 + margin + scaled.ascent() + line_h * i as f32;
        let mut x = margin;
        for c in line.chars() {
            let id = scaled.glyph_id(c);
            let glyph = id.with_scale_and_position(PxScale::from(px), point(x, baseline));
            x += scaled.h_advance(id);
            if x > width as f32 - margin {
                break;
            }
            if let Some(outlined) = font.outline_glyph(glyph) {
                let b = outlined.px_bounds();
                outlined.draw(|gx, gy, coverage| {
                    let (px_x, px_y) = (
                        b.min.x as i64 + i64::from(gx),
                        b.min.y as i64 + i64::from(gy),
                    );
                    if px_x < 0 || px_y < 0 || px_x >= i64::from(width) || px_y >= i64::from(height)
                    {
                        return;
                    }
                    let p = img.get_pixel_mut(px_x as u32, px_y as u32);
                    for ch in 0..3 {
                        let v = f32::from(p[ch]) * (1.0 - coverage) + 255.0 * coverage;
                        p[ch] = v.round().clamp(0.0, 255.0) as u8;
                    }
                });
            }
        }
    }
    Ok(())
}

/// A picture with transparency laid on white paper (JPEG and PDF pages have no alpha).
pub fn flatten(img: DynamicImage) -> image::RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let mut out = image::RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(src[3]);
        for c in 0..3 {
            dst[c] = ((u16::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

/// Long edge at most `edge`, aspect kept; never enlarged. The same either way round, so a
/// picture may be shrunk before or after it is turned upright.
fn shrink(img: &image::RgbImage, edge: u32) -> Result<image::RgbImage> {
    use fast_image_resize::images::{Image, ImageRef};
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let (w, h) = img.dimensions();
    if w.max(h) <= edge {
        return Ok(img.clone());
    }
    let (nw, nh) = if w >= h {
        (
            edge,
            ((u64::from(h) * u64::from(edge) + u64::from(w) / 2) / u64::from(w)).max(1) as u32,
        )
    } else {
        (
            ((u64::from(w) * u64::from(edge) + u64::from(h) / 2) / u64::from(h)).max(1) as u32,
            edge,
        )
    };
    let failed = |e: &dyn std::fmt::Display| bad(format!("the photo cannot be resized: {e}"));
    let src = ImageRef::new(w, h, img.as_raw(), PixelType::U8x3).map_err(|e| failed(&e))?;
    let mut dst = Image::new(nw, nh, PixelType::U8x3);
    // Bilinear is the triangle filter, widened to the scale as in any downscaling convolution.
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| failed(&e))?;
    image::RgbImage::from_raw(nw, nh, dst.into_vec())
        .ok_or_else(|| bad("the photo cannot be resized"))
}

fn encode(img: &image::RgbImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(img)
        .map_err(|e| DomainError::invalid(format!("the photo cannot be encoded: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::{jpeg, marked, with_orientation};
    use image::{Rgb, RgbImage};

    fn decode(bytes: &[u8]) -> RgbImage {
        image::load_from_memory(bytes).unwrap().into_rgb8()
    }

    fn is_red(p: &Rgb<u8>) -> bool {
        p[0] > 150 && p[2] < 100
    }

    /// Which corner the red quadrant ends up in: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.
    fn red_corner(img: &RgbImage) -> usize {
        let (w, h) = img.dimensions();
        let corners = [(2, 2), (w - 3, 2), (2, h - 3), (w - 3, h - 3)];
        let reds: Vec<usize> = (0..4)
            .filter(|&i| is_red(img.get_pixel(corners[i].0, corners[i].1)))
            .collect();
        assert_eq!(reds.len(), 1, "exactly one red corner");
        reds[0]
    }

    #[test]
    fn every_exif_orientation_is_turned_upright() {
        // A 60×40 landscape with red top-left; each EXIF orientation says how the camera
        // stored it. Expected: after applying, which corner is red and the size.
        let src = marked(60, 40);
        let expected = [
            (1, 0, (60, 40)),
            (2, 1, (60, 40)), // mirrored horizontally
            (3, 3, (60, 40)), // rotated 180
            (4, 2, (60, 40)), // mirrored vertically
            (5, 0, (40, 60)), // transposed
            (6, 1, (40, 60)), // rotated 90 clockwise
            (7, 3, (40, 60)), // transversed
            (8, 2, (40, 60)), // rotated 270 clockwise
        ];
        for (orientation, corner, size) in expected {
            let out = process(&with_orientation(&jpeg(&src), orientation)).unwrap();
            let img = decode(&out.full);
            assert_eq!(img.dimensions(), size, "orientation {orientation}");
            assert_eq!(red_corner(&img), corner, "orientation {orientation}");
        }
    }

    #[test]
    fn output_is_small_upright_jpeg_without_metadata() {
        let big = marked(3000, 2000);
        let src = with_orientation(&jpeg(&big), 6);
        assert!(src.windows(4).any(|w| w == b"Exif"));
        let out = process(&src).unwrap();
        assert_eq!((out.width, out.height), (1365, 2048));
        assert_eq!((out.thumb_width, out.thumb_height), (213, 320));
        for bytes in [&out.full, &out.thumb] {
            assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "metadata stripped");
        }
        // PNG with transparency and WebP are accepted too; small ones are not enlarged.
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(50, 30, image::Rgba([0, 0, 0, 0]))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let out = process(&png).unwrap();
        assert_eq!((out.width, out.height), (50, 30));
        assert!(
            decode(&out.full).get_pixel(10, 10)[0] > 240,
            "transparent becomes white"
        );
        let mut webp = Vec::new();
        DynamicImage::ImageRgb8(marked(64, 64))
            .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
            .unwrap();
        assert_eq!(process(&webp).unwrap().width, 64);
        assert!(
            process(&webp[..webp.len() - 10])
                .unwrap_err()
                .to_string()
                .contains("truncated")
        );
        assert!(
            process(&png[..png.len() - 12])
                .unwrap_err()
                .to_string()
                .contains("truncated")
        );
        // Cameras may pad a JPEG after its end marker.
        let mut padded = jpeg(&marked(40, 40));
        padded.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(process(&padded).unwrap().width, 40);
    }

    #[test]
    fn bad_files_are_refused_with_reasons() {
        let good = jpeg(&marked(200, 100));
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (Vec::new(), "empty"),
            (
                b"%PDF-1.7 definitely not a photo".to_vec(),
                "not a JPEG, PNG or WebP",
            ),
            (good[..good.len() / 2].to_vec(), "truncated or damaged"),
            (good[..good.len() - 1].to_vec(), "truncated or damaged"),
            (vec![0xFF; MAX_INPUT_BYTES + 1], "larger than 25 MB"),
        ];
        for (bytes, why) in cases {
            let err = process(&bytes).unwrap_err();
            assert!(matches!(err, DomainError::Invalid(_)));
            assert!(err.to_string().contains(why), "{err} / {why}");
        }
        // A bomb: a PNG header claiming 10000×10000 (100 MP) is refused before decoding.
        let mut png = Vec::new();
        image::GrayImage::new(1, 1)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        png[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&10_000u32.to_be_bytes());
        let crc = fieldops_domain::blob::crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = process(&png).unwrap_err().to_string();
        assert!(
            err.contains("10000×10000 image has more than 50 megapixels"),
            "{err}"
        );
    }

    #[test]
    fn the_watermark_draws_chinese_text_into_the_stored_photo() {
        // The bundled font alone: no system font is looked at.
        let (font, index) = crate::fonts::cjk_font_for("上海华东医疗 · 张江工厂", &[]);
        let src = jpeg(&RgbImage::from_pixel(1600, 1200, Rgb([40, 90, 160])));
        let plain = process(&src).unwrap();
        let w = Watermark {
            lines: vec![
                "2026-11-29 10:42".into(),
                "上海华东医疗 · 张江工厂".into(),
                "WO-202611-0042".into(),
            ],
            font: &font,
            font_index: index as u32,
        };
        {
            use ab_glyph::Font;
            let face = ab_glyph::FontRef::try_from_slice_and_index(&font, index as u32).unwrap();
            assert!(
                "上海华东医疗张江工厂"
                    .chars()
                    .all(|c| face.glyph_id(c).0 != 0),
                "the font covers the Chinese text"
            );
        }
        let marked = process_with(&src, Some(&w)).unwrap();
        let (a, b) = (decode(&plain.full), decode(&marked.full));
        // The top is untouched, the bottom band is darker with bright glyph pixels in it.
        assert_eq!(a.get_pixel(800, 100), b.get_pixel(800, 100));
        let bright = (900..1200)
            .flat_map(|y| (0..1600).map(move |x| (x, y)))
            .filter(|&(x, y)| b.get_pixel(x, y)[0] > 200)
            .count();
        assert!(bright > 2_000, "glyphs drawn: {bright} bright pixels");
        assert!(
            b.get_pixel(1590, 1195)[2] < a.get_pixel(1590, 1195)[2],
            "band darkened"
        );
        assert!(
            process_with(
                &src,
                Some(&Watermark {
                    font: b"not a font",
                    ..w
                })
            )
            .is_err(),
            "a bad font is an error, not a panic"
        );
    }

    #[test]
    fn a_logo_is_scaled_to_fit_and_keeps_its_transparency() {
        let mut img = image::RgbaImage::new(1800, 300);
        img.put_pixel(0, 0, image::Rgba([10, 20, 30, 0]));
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, ImageFormat::Png).unwrap();
        let stored = logo(png.get_ref()).unwrap();
        let back = image::load_from_memory(&stored).unwrap();
        assert_eq!((back.width(), back.height()), (600, 100));
        assert!(back.color().has_alpha());
        assert!(logo(b"not an image").is_err());
        assert!(
            logo(&png.get_ref()[..100]).is_err(),
            "a cut-off file is refused"
        );
    }
}
