//! The photo pipeline against ImageMagick on the same 12-megapixel JPEG, side by side in one
//! run. Prints JSON. `cargo bench -p fieldops-media --bench photo` (or `make bench`).
//!
//! Ours: `fieldops_media::photo::process` (decode, EXIF orientation, 2048 px + 320 px JPEGs at
//! quality 82, metadata stripped). ImageMagick: `convert in.jpg -auto-orient -resize
//! 2048x2048 -strip -quality 82 full.jpg` followed by the thumbnail from that result,
//! `convert full.jpg -resize 320x320 -strip -quality 82 thumb.jpg`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 7;

/// A 4000×3000 picture with gradients and grain, so the JPEG is as heavy as a camera's.
fn camera_like() -> image::RgbImage {
    let mut seed: u32 = 0x2545_F491;
    image::RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 24) as i32 - 12;
        let r = (x * 255 / 4000) as i32 + grain;
        let g = (y * 255 / 3000) as i32 + grain;
        let b = (((x / 40) + (y / 40)) % 2 * 120 + 60) as i32 + grain;
        image::Rgb([
            r.clamp(0, 255) as u8,
            g.clamp(0, 255) as u8,
            b.clamp(0, 255) as u8,
        ])
    })
}

fn stats(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    serde_json::json!({
        "median": ms[ms.len() / 2],
        "min": ms[0],
        "max": ms[ms.len() - 1],
    })
}

fn convert_bin() -> Option<&'static str> {
    // Debian's ImageMagick; a stand-in elsewhere on PATH may not be the real thing.
    [
        "/usr/bin/convert",
        "/usr/local/bin/magick",
        "/usr/bin/magick",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
}

fn run(bin: &str, args: &[&str]) {
    let status = Command::new(bin)
        .args(args)
        .status()
        .expect("run ImageMagick");
    assert!(status.success(), "{bin} {args:?} failed");
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&camera_like())
        .expect("encode");
    let input = fieldops_media::samples::with_orientation(&jpeg, 6);
    let in_path = dir.path().join("in.jpg");
    std::fs::write(&in_path, &input).expect("write input");

    let mut ours = Vec::new();
    let mut out_sizes = (0, 0);
    for i in 0..=RUNS {
        let t = Instant::now();
        let p = fieldops_media::photo::process(&input).expect("process");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert_eq!((p.width, p.height), (1536, 2048), "upright portrait");
        out_sizes = (p.full.len(), p.thumb.len());
        if i > 0 {
            ours.push(ms); // the first run warms caches and is left out, on both sides
        }
    }

    let mut theirs = Vec::new();
    let bin = convert_bin();
    if let Some(bin) = bin {
        let full = dir.path().join("full.jpg");
        let thumb = dir.path().join("thumb.jpg");
        let (inp, full, thumb) = (
            in_path.to_str().unwrap(),
            full.to_str().unwrap(),
            thumb.to_str().unwrap(),
        );
        for i in 0..=RUNS {
            let t = Instant::now();
            run(
                bin,
                &[
                    inp,
                    "-auto-orient",
                    "-resize",
                    "2048x2048",
                    "-strip",
                    "-quality",
                    "82",
                    full,
                ],
            );
            run(
                bin,
                &[
                    full, "-resize", "320x320", "-strip", "-quality", "82", thumb,
                ],
            );
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if i > 0 {
                theirs.push(ms);
            }
        }
    }
    let median = |v: &Vec<f64>| {
        let mut s = v.clone();
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    };
    let report = serde_json::json!({
        "bench": "photo pipeline, 12-megapixel JPEG (4000x3000, EXIF orientation 6) to 2048 px + 320 px",
        "input_bytes": input.len(),
        "runs": RUNS,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "fieldops_ms": stats(ours.clone()),
        "fieldops_output_bytes": {"full": out_sizes.0, "thumb": out_sizes.1},
        "imagemagick": bin,
        "imagemagick_ms": if theirs.is_empty() { serde_json::Value::Null } else { stats(theirs.clone()) },
        "ratio_fieldops_to_imagemagick": if theirs.is_empty() { serde_json::Value::Null } else { serde_json::json!(median(&ours) / median(&theirs)) },
    });
    println!("{}", serde_json::to_string_pretty(&report).expect("json"));
    if bin.is_none() {
        eprintln!(
            "ImageMagick is not installed (apt-get install imagemagick): only our side was measured"
        );
    }
}
