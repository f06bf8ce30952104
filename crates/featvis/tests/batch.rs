//! A batch of directions is B independent optimizations run as one: each image follows the path
//! its own one-image session would take. Diversity couples them and pushes them apart.

mod common;

use basis_featvis::{
    Diversity, ImageSettings, Objective, Session, Tile, TransformSettings, direction, similarity,
};
use basis_models::{Network, TapId};
use burn::tensor::{Device, Tensor, TensorData};

const STEPS: usize = 12;
const TRANSFORM_SEED: u64 = 5;
/// Float sums may run in another order in a batch than alone, and Adam amplifies the last bits
/// over the steps; this bounds the drift of the objective's value relative to its scale.
/// Measured on burn-flex after 12 steps: 0 (bit-identical) for a batch that reads its directions
/// one way, 4e-3 for one that mixes readings (each image's objective computed on its own slice).
const RELATIVE_TOLERANCE: f32 = 1e-2;

fn image() -> ImageSettings {
    ImageSettings {
        size: 64,
        ..Default::default()
    }
}

fn session(device: &Device, tiles: Vec<Tile>, diversity: Option<Diversity>) -> Session {
    Session::batch(
        common::model(device),
        device,
        image(),
        TransformSettings::default(),
        tiles,
        TRANSFORM_SEED,
        diversity,
    )
    .unwrap()
}

fn random(tap: TapId, seed: u64, cos_power: f32) -> Objective {
    let values = direction::random_unit(tap.channels(), seed);
    Objective::direction(tap, values.iter().map(|&v| v as f32).collect(), cos_power)
}

/// Objective values per step (rows) and image (columns).
fn trajectory(session: &mut Session) -> Vec<Vec<f32>> {
    let mut rows: Vec<Vec<f32>> = (0..STEPS)
        .map(|_| pollster::block_on(session.step()).unwrap())
        .collect();
    rows.push(pollster::block_on(session.evaluate()).unwrap());
    rows
}

fn ranking(values: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order
}

fn assert_batch_matches_singles(tiles: Vec<Tile>) {
    let device = Device::flex().autodiff();
    let batched = trajectory(&mut session(&device, tiles.clone(), None));
    let singles: Vec<Vec<Vec<f32>>> = tiles
        .iter()
        .map(|tile| trajectory(&mut session(&device, vec![tile.clone()], None)))
        .collect();
    let scale = batched.iter().flatten().fold(0.0f32, |m, v| m.max(v.abs()));
    let mut worst = 0.0f32;
    for (step, row) in batched.iter().enumerate() {
        for (image, value) in row.iter().enumerate() {
            let alone = singles[image][step][0];
            worst = worst.max((value - alone).abs() / scale);
            assert!(
                (value - alone).abs() <= RELATIVE_TOLERANCE * scale,
                "step {step}, image {image}: batch {value} vs alone {alone} (scale {scale})"
            );
        }
    }
    eprintln!("largest relative difference batch vs alone: {worst:e}");
    let last_alone: Vec<f32> = singles.iter().map(|s| s[STEPS][0]).collect();
    assert_eq!(ranking(&batched[STEPS]), ranking(&last_alone));
    // The run did something: every image's objective rose.
    assert_eq!(batched[STEPS].len(), tiles.len());
    for (image, (end, start)) in batched[STEPS].iter().zip(&batched[0]).enumerate() {
        assert!(end > start, "image {image} did not rise");
    }
}

#[test]
fn a_batch_of_neurons_and_random_directions_follows_each_ones_own_optimization() {
    let tap = Network::Lite0.tap("block8").unwrap();
    let tiles = vec![
        Tile {
            objective: Objective::channel(tap, 10),
            seed: 1,
        },
        Tile {
            objective: random(tap, 7, 0.0),
            seed: 2,
        },
        Tile {
            objective: Objective::channel(tap, 40),
            seed: 3,
        },
        Tile {
            objective: random(tap, 8, 0.0),
            seed: 4,
        },
    ];
    assert_batch_matches_singles(tiles);
}

#[test]
fn a_batch_whose_objectives_read_differently_is_still_each_ones_own() {
    let tap = Network::Lite0.tap("block5").unwrap();
    let mut negative = Objective::channel(tap, 3);
    negative.negative = true;
    let tiles = vec![
        Tile {
            objective: Objective::neuron(tap, 1),
            seed: 1,
        },
        Tile {
            objective: random(tap, 9, 2.0),
            seed: 1,
        },
        Tile {
            objective: negative,
            seed: 6,
        },
    ];
    assert_batch_matches_singles(tiles);
}

/// Lucid's diversity similarity of the session's current images at `tap`, per group of 4.
fn similarity_of(session: &Session, device: &Device, tap: TapId) -> f32 {
    let frames = pollster::block_on(session.frames()).unwrap();
    let (w, h) = (frames[0].width, frames[0].height);
    let mut data = Vec::new();
    for frame in &frames {
        for c in 0..3 {
            data.extend(
                frame
                    .rgb
                    .iter()
                    .skip(c)
                    .step_by(3)
                    .map(|&v| v as f32 / 255.0),
            );
        }
    }
    let images = Tensor::<4>::from_data(TensorData::new(data, [frames.len(), 3, h, w]), device);
    let activations = common::model(device).forward_to(images, tap);
    similarity(activations, 4)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap()[0]
}

#[test]
fn diversity_pushes_the_faces_of_one_direction_apart() {
    let device = Device::flex().autodiff();
    let tap = Network::Lite0.tap("block8").unwrap();
    let tiles: Vec<Tile> = (0..4)
        .map(|seed| Tile {
            objective: Objective::channel(tap, 10),
            seed,
        })
        .collect();
    let mut plain = session(&device, tiles.clone(), None);
    let mut diverse = session(&device, tiles, Some(Diversity::default()));
    for _ in 0..STEPS {
        pollster::block_on(plain.step()).unwrap();
        pollster::block_on(diverse.step()).unwrap();
    }
    let inference = Device::flex();
    let (alike, apart) = (
        similarity_of(&plain, &inference, tap),
        similarity_of(&diverse, &inference, tap),
    );
    eprintln!(
        "Gram similarity without diversity {alike}, with {apart} (0 = orthogonal, 3 = identical)"
    );
    assert!(apart < alike - 0.05, "diversity {apart} vs plain {alike}");
}

#[test]
fn a_batch_refuses_mixed_layers_and_uneven_diversity_groups() {
    let device = Device::flex().autodiff();
    let block8 = Network::Lite0.tap("block8").unwrap();
    let block5 = Network::Lite0.tap("block5").unwrap();
    let mixed = vec![
        Tile {
            objective: Objective::channel(block8, 1),
            seed: 0,
        },
        Tile {
            objective: Objective::channel(block5, 1),
            seed: 0,
        },
    ];
    let err = |tiles, diversity| {
        Session::batch(
            common::model(&device),
            &device,
            image(),
            TransformSettings::default(),
            tiles,
            0,
            diversity,
        )
        .err()
        .unwrap()
        .to_string()
    };
    assert!(err(mixed, None).contains("image 1"));
    let three = (0..3)
        .map(|seed| Tile {
            objective: Objective::channel(block8, 1),
            seed,
        })
        .collect();
    assert!(err(three, Some(Diversity::default())).contains("groups of 4"));
    assert!(err(vec![], None).contains("at least one image"));
}

#[test]
fn references_are_four_diverse_faces_of_the_direction_and_reproducible() {
    let device = Device::flex().autodiff();
    let mut direction = basis_recipe::Recipe::new("0123456789abcdef");
    direction.layer = "block8".into();
    direction.mix = 1.0;
    direction.seed = 77;
    direction.image.size = 64;
    let seeds = basis_recipe::reference_seeds(&direction);
    let run = || {
        let mut session = pollster::block_on(Session::references(
            common::model(&device),
            &device,
            &direction,
            &seeds,
        ))
        .unwrap();
        let first = pollster::block_on(session.step()).unwrap();
        for _ in 1..STEPS {
            pollster::block_on(session.step()).unwrap();
        }
        let last = pollster::block_on(session.evaluate()).unwrap();
        (first, last, pollster::block_on(session.frames()).unwrap())
    };
    let (first, last, frames) = run();
    assert_eq!(frames.len(), 4);
    for (i, (a, b)) in first.iter().zip(&last).enumerate() {
        assert!(
            b > a,
            "reference {i}: the direction's objective went {a} → {b}"
        );
    }
    for i in 0..4 {
        for j in 0..i {
            assert_ne!(
                frames[i].rgb, frames[j].rgb,
                "references {i} and {j} are alike"
            );
        }
    }
    let (_, _, again) = run();
    assert!(frames.iter().zip(&again).all(|(a, b)| a.rgb == b.rgb));
}

/// The live view and the batch pages read results back only every few steps: what an image
/// becomes must not depend on when it is read.
#[test]
fn steps_that_are_not_read_back_make_the_same_images() {
    let device = Device::flex().autodiff();
    let tap = Network::Lite0.tap("block8").unwrap();
    let tiles = vec![
        Tile {
            objective: Objective::channel(tap, 3),
            seed: 1,
        },
        Tile {
            objective: random(tap, 2, 0.0),
            seed: 2,
        },
    ];
    let mut read = session(&device, tiles.clone(), None);
    let mut unread = session(&device, tiles, None);
    for _ in 0..STEPS {
        pollster::block_on(read.step()).unwrap();
        unread.advance();
    }
    assert_eq!(
        pollster::block_on(unread.last_objectives()).unwrap(),
        pollster::block_on(read.last_objectives()).unwrap()
    );
    let (a, b) = (
        pollster::block_on(read.frames()).unwrap(),
        pollster::block_on(unread.frames()).unwrap(),
    );
    assert!(a.iter().zip(&b).all(|(a, b)| a.rgb == b.rgb));
}
