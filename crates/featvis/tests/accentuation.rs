//! Feature accentuation on the real network: a picture that starts from a photo is the photo
//! before any step, its direction rises in it, and the penalty decides how far it may move.

mod common;

use basis_featvis::accentuate::photo_pixels;
use basis_featvis::{ImageSettings, Objective, Session, TransformSettings};
use basis_models::Network;
use burn::tensor::Device;

const SIZE: usize = 64;

fn photo(name: &str) -> image::RgbImage {
    let path = format!("{}/../../public/photos/{name}", env!("CARGO_MANIFEST_DIR"));
    image::open(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run `basis setup-weights` first"))
        .to_rgb8()
}

fn session(objectives: Vec<Objective>) -> Session {
    let device = Device::flex().autodiff();
    let tiles = objectives
        .into_iter()
        .enumerate()
        .map(|(i, objective)| basis_featvis::Tile {
            objective,
            seed: i as u64,
        })
        .collect();
    Session::batch(
        common::model(&device),
        &device,
        ImageSettings {
            size: SIZE,
            ..Default::default()
        },
        TransformSettings::default(),
        tiles,
        0,
        None,
    )
    .unwrap()
}

fn bytes(pixels: &[f32]) -> Vec<u8> {
    // [3, n, n] planes → interleaved RGB, as a frame holds them.
    let plane = pixels.len() / 3;
    (0..plane)
        .flat_map(|i| (0..3).map(move |c| (pixels[c * plane + i] * 255.0).round() as u8))
        .collect()
}

fn mean_abs_difference(a: &[u8], b: &[u8]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y) as f64)
        .sum::<f64>()
        / a.len() as f64
}

#[test]
fn before_any_step_the_picture_is_the_photo_byte_for_byte_beside_noise() {
    let tap = Network::Lite0.tap("block8").unwrap();
    let mut batch = session(vec![Objective::channel(tap, 10); 3]);
    let chelsea = photo("chelsea.png");
    let astronaut = photo("astronaut.png");
    batch.accentuate(0, &chelsea, 1.0).unwrap();
    batch.accentuate(2, &astronaut, 1.0).unwrap();
    let frames = pollster::block_on(batch.frames()).unwrap();
    assert_eq!(frames[0].rgb, bytes(&photo_pixels(&chelsea, SIZE)));
    assert_eq!(frames[2].rgb, bytes(&photo_pixels(&astronaut, SIZE)));
    // Image 1 still starts from its noise: mid-grey within a few steps of 128.
    assert!(frames[1].rgb.iter().all(|&v| v.abs_diff(128) < 8));
    assert!(batch.accentuate(3, &chelsea, 1.0).is_err());
    assert!(batch.accentuate(0, &chelsea, -1.0).is_err());
}

#[test]
fn the_direction_rises_in_the_photo_and_a_larger_penalty_keeps_it_closer() {
    let tap = Network::Lite0.tap("block8").unwrap();
    let chelsea = photo("chelsea.png");
    let start = bytes(&photo_pixels(&chelsea, SIZE));
    let mut moved = Vec::new();
    for penalty in [0.0, 1.0, 100.0] {
        let mut one = session(vec![Objective::channel(tap, 10)]);
        one.accentuate(0, &chelsea, penalty).unwrap();
        let before = pollster::block_on(one.evaluate()).unwrap()[0];
        for _ in 0..32 {
            one.advance();
        }
        let after = pollster::block_on(one.evaluate()).unwrap()[0];
        assert!(after > before, "penalty {penalty}: {before} → {after}");
        let frame = &pollster::block_on(one.frames()).unwrap()[0];
        moved.push(mean_abs_difference(&frame.rgb, &start));
    }
    assert!(
        moved[0] > moved[2] && moved[1] > moved[2],
        "mean |Δ| from the photo at penalties 0, 1, 100: {moved:?}"
    );
}
