//! Objectives on real activations of the real network.

mod common;

use basis_featvis::{Objective, Positions, direction};
use basis_models::{Network, TapId};
use burn::tensor::{Device, Distribution, Tensor, TensorData};

fn activations(layer: &str) -> (TapId, Tensor<4>) {
    let device = Device::flex();
    let model = common::model(&device);
    let tap = Network::Lite0.tap(layer).unwrap();
    let image = Tensor::<4>::random([1, 3, 96, 96], Distribution::Uniform(0.0, 1.0), &device);
    (tap, model.forward_to(image, tap))
}

fn scalar(t: Tensor<1>) -> f32 {
    t.into_data().try_to_vec::<f32>().unwrap()[0]
}

#[test]
fn a_basis_direction_with_cos_power_zero_is_exactly_the_channel_objective() {
    let (tap, acts) = activations("block8");
    for channel in [0, 10, 111] {
        let basis: Vec<f32> = direction::basis(tap.channels(), channel)
            .iter()
            .map(|&v| v as f32)
            .collect();
        let channel_value = scalar(Objective::channel(tap, channel).value(acts.clone()));
        let direction_value =
            scalar(Objective::direction(tap, basis.clone(), 0.0).value(acts.clone()));
        assert_eq!(
            channel_value.to_bits(),
            direction_value.to_bits(),
            "channel {channel}"
        );
        assert_ne!(channel_value, 0.0);

        let mut at_centre = Objective::direction(tap, basis, 0.0);
        at_centre.positions = Positions::Centre;
        assert_eq!(
            scalar(Objective::neuron(tap, channel).value(acts.clone())),
            scalar(at_centre.value(acts.clone()))
        );
    }
}

#[test]
fn neuron_reads_the_centre_and_negative_flips_the_sign() {
    let (tap, acts) = activations("block3");
    let [_, _, h, w] = acts.dims();
    let centre = acts
        .clone()
        .narrow(1, 5, 1)
        .narrow(2, h / 2, 1)
        .narrow(3, w / 2, 1)
        .reshape([1]);
    assert_eq!(
        scalar(Objective::neuron(tap, 5).value(acts.clone())),
        scalar(centre)
    );
    let mut negative = Objective::channel(tap, 5);
    negative.negative = true;
    assert_eq!(
        scalar(negative.value(acts.clone())),
        -scalar(Objective::channel(tap, 5).value(acts))
    );
}

#[test]
fn cos_power_rewards_alignment() {
    // A direction equal to one position's activation vector scores that position by |a|·1^p,
    // so raising p cannot lower a perfectly aligned score but does lower a random direction's.
    let (tap, acts) = activations("block5");
    let random: Vec<f32> = direction::random_unit(tap.channels(), 3)
        .iter()
        .map(|&v| v as f32)
        .collect();
    let p0 = scalar(Objective::direction(tap, random.clone(), 0.0).value(acts.clone()));
    let p2 = scalar(Objective::direction(tap, random, 2.0).value(acts));
    assert!(
        p2.abs() < p0.abs().max(1e-3),
        "cos^2 ≤ 1 must shrink a poorly aligned direction: {p0} → {p2}"
    );
}

#[test]
fn cos_power_values_are_exact_on_a_known_vector() {
    // x = [1, 1] at one position, d = [1, 0]: dot 1, cos √2/2, so dot·cos^p = 1, √2/2, 1/2.
    let device = Device::flex();
    let x = Tensor::<4>::from_data(TensorData::new(vec![1.0f32, 1.0], [1, 2, 1, 1]), &device);
    let tap = Network::Lite0.tap("stem").unwrap();
    for (p, expected) in [
        (0.0, 1.0),
        (1.0, std::f32::consts::FRAC_1_SQRT_2),
        (2.0, 0.5),
    ] {
        let value = scalar(Objective::direction(tap, vec![1.0, 0.0], p).value(x.clone()));
        // The magnitude carries a 1e-4 guard against division by zero.
        assert!(
            (value - expected).abs() < 1e-4,
            "p = {p}: {value} vs {expected}"
        );
    }
    // Pointing away is floored at cos 0.1, so every power stays finite.
    let away = scalar(Objective::direction(tap, vec![-1.0, 0.0], 3.0).value(x));
    assert!((away - -1e-3).abs() < 1e-6, "{away}");
}
