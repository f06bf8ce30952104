//! Objectives on real activations of the real network.

mod common;

use basis_featvis::{Objective, Positions, direction};
use basis_models::{Network, TapId};
use basis_recipe::{Recipe, Toward};
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

/// The network's own directions at a linear block output. Along unit u's read direction (a row
/// of the next 1×1 convolution, as a unit vector) the objective, times the row's length, is what
/// that convolution computes for unit u, minus its bias: the mean pre-activation over positions.
/// Along depthwise unit u's write direction, the same for what the projection adds when u fires.
#[test]
fn the_networks_own_directions_are_what_its_convolutions_read_and_write() {
    let device = Device::flex();
    let model = common::model(&device);
    let image = Tensor::<4>::random([1, 3, 96, 96], Distribution::Uniform(0.0, 1.0), &device);
    for layer in ["block8", "block15"] {
        let tap = Network::Lite0.tap(layer).unwrap();
        let acts = model.forward_to(image.clone(), tap);
        let reader = model.reader(tap).unwrap();
        let bias = reader.bias.as_ref().unwrap().val();
        // The convolution's own forward pass, not the weights the direction was cut from.
        let pre_activation = reader.forward(acts.clone());
        for unit in [0, 5, 400] {
            let recipe = Recipe {
                layer: layer.to_owned(),
                mix: 1.0,
                toward: Toward::Read(unit as u32),
                ..Recipe::new("b780d15fe1a8e134")
            };
            let target = pollster::block_on(direction::target(&recipe, &model)).unwrap();
            let objective = Objective::for_recipe(&recipe, &target).unwrap();
            let row = reader.weight.val().narrow(0, unit, 1);
            let length = scalar(row.powi_scalar(2).sum().sqrt().reshape([1])) as f64;
            let along = scalar(objective.value(acts.clone())) as f64 * length;
            let expected = scalar(
                pre_activation
                    .clone()
                    .narrow(1, unit, 1)
                    .mean()
                    .sub(bias.clone().narrow(0, unit, 1))
                    .reshape([1]),
            ) as f64;
            assert!(
                (along - expected).abs() <= 1e-4 * expected.abs().max(1e-3),
                "{layer} read:{unit}: {along} vs {expected}"
            );
        }
        // One depthwise unit firing at 1 adds the projection's column u to the output.
        let writer = model.writer(tap).unwrap();
        let units = tap.writer().unwrap().channels();
        let unit = 7;
        let mut one_hot = vec![0.0f32; units];
        one_hot[unit] = 1.0;
        let fired = writer.forward(Tensor::<4>::from_data(
            TensorData::new(one_hot, [1, units, 1, 1]),
            &device,
        ));
        let added: Vec<f64> = (fired
            - writer
                .bias
                .as_ref()
                .unwrap()
                .val()
                .reshape([1, tap.channels(), 1, 1]))
        .into_data()
        .try_to_vec::<f32>()
        .unwrap()
        .iter()
        .map(|&v| v as f64)
        .collect();
        let recipe = Recipe {
            layer: layer.to_owned(),
            toward: Toward::Write(unit as u32),
            ..Recipe::new("b780d15fe1a8e134")
        };
        let target = pollster::block_on(direction::target(&recipe, &model)).unwrap();
        let length = added.iter().map(|v| v * v).sum::<f64>().sqrt();
        for (t, a) in target.iter().zip(&added) {
            assert!(
                (t * length - a).abs() < 1e-6,
                "{layer} write:{unit}: {t} vs {a}"
            );
        }
    }
}
