//! Optimization on the real network raises the objective, at three depths, and is deterministic.

mod common;

use basis_featvis::{
    ImageSettings, Objective, Parametrization, Session, TransformSettings, direction,
};
use basis_models::Network;
use burn::tensor::Device;

const STEPS: usize = 32;

fn start(objective: Objective, parametrization: Parametrization, seed: u64) -> Session {
    let device = Device::flex().autodiff();
    let image = ImageSettings {
        size: 64,
        parametrization,
        init_sd: 0.01,
    };
    Session::new(
        common::model(&device),
        &device,
        image,
        TransformSettings::default(),
        objective,
        seed,
    )
    .unwrap()
}

fn run(session: &mut Session) -> (f32, f32) {
    let before = pollster::block_on(session.evaluate()).unwrap()[0];
    for _ in 0..STEPS {
        pollster::block_on(session.step()).unwrap();
    }
    (before, pollster::block_on(session.evaluate()).unwrap()[0])
}

#[test]
fn thirty_two_steps_raise_the_objective_at_three_depths_and_inside_a_block() {
    for (layer, channel) in [
        ("block2", 3),
        ("block8.expand", 10),
        ("block8.dw", 10),
        ("block8", 10),
        ("block14", 20),
    ] {
        let tap = Network::Lite0.tap(layer).unwrap();
        let mut session = start(
            Objective::channel(tap, channel),
            Parametrization::Fft { decay_power: 1.0 },
            0,
        );
        let (before, after) = run(&mut session);
        eprintln!("{layer}:{channel} {before} -> {after}");
        assert!(
            after > before + 1.0 && after > 2.0 * before.max(0.0),
            "{layer}:{channel}: {before} → {after}"
        );
    }
}

#[test]
fn random_directions_pixels_and_minimizing_are_optimized_too() {
    let tap = Network::Lite0.tap("block8").unwrap();
    let values: Vec<f32> = direction::mix(112, 10, 7, 0.5)
        .iter()
        .map(|&v| v as f32)
        .collect();
    let mut session = start(
        Objective::direction(tap, values, 1.0),
        Parametrization::Pixel,
        1,
    );
    let (before, after) = run(&mut session);
    assert!(
        after > before + 0.5,
        "mixed direction, pixels: {before} → {after}"
    );

    let mut negative = Objective::channel(tap, 10);
    negative.negative = true;
    let mut session = start(negative, Parametrization::Fft { decay_power: 1.0 }, 2);
    let (before, after) = run(&mut session);
    assert!(
        after > before + 0.5,
        "minimizing channel 10 raises its negation: {before} → {after}"
    );
}

#[test]
fn warm_start_keeps_the_image_and_changes_the_objective() {
    let tap = Network::Lite0.tap("block5").unwrap();
    let mut session = start(
        Objective::channel(tap, 1),
        Parametrization::Fft { decay_power: 1.0 },
        3,
    );
    for _ in 0..8 {
        pollster::block_on(session.step()).unwrap();
    }
    let before = pollster::block_on(session.frames()).unwrap();
    session
        .set_objectives(vec![Objective::channel(tap, 2)])
        .unwrap();
    assert_eq!(
        pollster::block_on(session.frames()).unwrap(),
        before,
        "switching objective keeps the image"
    );
    let start = pollster::block_on(session.evaluate()).unwrap()[0];
    for _ in 0..16 {
        pollster::block_on(session.step()).unwrap();
    }
    assert!(pollster::block_on(session.evaluate()).unwrap()[0] > start + 0.5);
    assert!(
        session
            .set_objectives(vec![Objective::channel(tap, 80)])
            .is_err(),
        "block5 has 80 channels"
    );
}

#[test]
fn the_same_seed_gives_the_same_pixels() {
    let tap = Network::Lite0.tap("block3").unwrap();
    let frames: Vec<_> = [4, 4, 5]
        .into_iter()
        .map(|seed| {
            let mut session = start(
                Objective::channel(tap, 7),
                Parametrization::Fft { decay_power: 1.0 },
                seed,
            );
            for _ in 0..4 {
                pollster::block_on(session.step()).unwrap();
            }
            pollster::block_on(session.frames()).unwrap().remove(0)
        })
        .collect();
    assert_eq!(frames[0], frames[1]);
    assert_ne!(frames[0], frames[2]);
    assert_eq!(
        (frames[0].width, frames[0].height, frames[0].rgb.len()),
        (64, 64, 64 * 64 * 3)
    );
}

#[test]
fn a_checkpoint_restored_in_a_new_session_shows_the_same_image() {
    let tap = Network::Lite0.tap("block3").unwrap();
    let objective = || Objective::channel(tap, 2);
    let mut first = start(objective(), Parametrization::Fft { decay_power: 1.0 }, 6);
    for _ in 0..5 {
        pollster::block_on(first.step()).unwrap();
    }
    let params = pollster::block_on(first.checkpoint()).unwrap();
    let mut second = start(objective(), Parametrization::Fft { decay_power: 1.0 }, 6);
    assert_ne!(
        pollster::block_on(second.frames()).unwrap(),
        pollster::block_on(first.frames()).unwrap()
    );
    second.restore(params.clone(), 5).unwrap();
    assert_eq!(second.steps(), 5);
    assert_eq!(
        pollster::block_on(second.frames()).unwrap(),
        pollster::block_on(first.frames()).unwrap()
    );
    assert!(
        second.restore(params[1..].to_vec(), 5).is_err(),
        "wrong length"
    );
}

#[test]
fn a_neuron_silent_on_the_starting_image_still_rises() {
    // block14.dw channel 114 is 0 at every position of the near-grey start: without the
    // redirected ReLU6 gradient it gets no gradient and stays 0 (measured before the fix).
    let tap = Network::Lite0.tap("block14.dw").unwrap();
    let mut session = start(
        Objective::channel(tap, 114),
        Parametrization::Fft { decay_power: 1.0 },
        0,
    );
    let (before, after) = run(&mut session);
    assert_eq!(before, 0.0, "the case needs a neuron silent at the start");
    assert!(after > 1.0, "block14.dw:114: {before} → {after}");
}
