//! Directions learned from the shipped photos: the same on every run, unit length, heaviest-tailed
//! first, and a recipe that names one past those found is told how many there are.

mod common;

use basis_featvis::learned;
use basis_models::Network;
use basis_recipe::{LearnedFrom, Recipe, Toward};
use burn::tensor::Device;

/// The shipped pool's PNGs (this crate's `image` reads no JPEG; the CLI and the page read all 8).
fn shipped_photos() -> Vec<image::RgbImage> {
    let dir = format!("{}/../../public/photos", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}; run `basis setup-weights` first"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "png"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| image::open(path).unwrap().to_rgb8())
        .collect()
}

#[test]
fn learned_directions_are_the_same_on_every_run_and_sorted_by_kurtosis() {
    let device = Device::flex();
    let model = common::model(&device);
    let photos = shipped_photos();
    let tap = Network::Lite0.tap("block8").unwrap();
    let learn = |from| pollster::block_on(learned::learn(&model, &device, tap, from, &photos));
    let first = learn(LearnedFrom::AllPhotos).unwrap();
    let again = learn(LearnedFrom::AllPhotos).unwrap();
    assert_eq!(first, again);
    assert!(first.directions.len() >= 4, "{}", first.directions.len());
    for direction in &first.directions {
        let norm: f64 = direction.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-9);
    }
    assert!(first.kurtosis.windows(2).all(|k| k[0] >= k[1]));
    // The heaviest is far from Gaussian (kurtosis 3) on the photos it was learned from.
    assert!(first.kurtosis[0] > 6.0, "{:?}", first.kurtosis);

    let mut recipe = Recipe::new("b780d15fe1a8e134");
    recipe.toward = Toward::Learned(0);
    assert_eq!(first.target(&recipe).unwrap(), first.directions[0]);
    recipe.toward = Toward::Learned(first.directions.len() as u32);
    assert!(
        first
            .target(&recipe)
            .unwrap_err()
            .to_string()
            .contains(&format!(
                "the photos gave {} directions",
                first.directions.len()
            ))
    );

    // Learned from the reference half alone: as deterministic, other directions, and each kind
    // answers only the recipes that name it.
    let half = learn(LearnedFrom::ReferenceHalf).unwrap();
    assert_eq!(half, learn(LearnedFrom::ReferenceHalf).unwrap());
    assert_eq!(half.from, LearnedFrom::ReferenceHalf);
    assert!(half.directions.len() >= 4, "{}", half.directions.len());
    assert_ne!(half.directions[0], first.directions[0]);
    recipe.toward = Toward::LearnedHalf(0);
    assert_eq!(half.target(&recipe).unwrap(), half.directions[0]);
    assert!(
        first.target(&recipe).is_err(),
        "learned:K is not learned-half:K"
    );
    recipe.toward = Toward::Learned(0);
    assert!(half.target(&recipe).is_err());
}
