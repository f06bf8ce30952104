//! Receptive fields on the real network: the input pixels that can change one position's
//! activation are exactly the square `TapId::receptive_field` says.

mod common;

use basis_models::Network;
use burn::tensor::{Device, Distribution, Tensor};

/// Width and height of the region of input pixels with a non-zero gradient for the centre
/// position of `layer`'s channel 0.
fn gradient_support(layer: &str, size: usize) -> (usize, usize) {
    let device = Device::flex().autodiff();
    let model = common::model(&device);
    let tap = Network::Lite0.tap(layer).unwrap();
    let input = Tensor::<4>::random([1, 3, size, size], Distribution::Uniform(0.2, 0.8), &device)
        .require_grad();
    let output = model.forward_to(input.clone(), tap);
    let [_, channels, h, w] = output.dims();
    let centre = output.narrow(2, h / 2, 1).narrow(3, w / 2, 1);
    // Every channel, so that no single zero weight hides a pixel.
    let grads = centre.sum_dim(1).sum().backward();
    let grad = input.grad(&grads).unwrap().abs().sum_dim(1);
    let values = grad.into_data().try_to_vec::<f32>().unwrap();
    let nonzero = |i: usize| values[i] > 0.0;
    let rows: Vec<usize> = (0..size)
        .filter(|&y| (0..size).any(|x| nonzero(y * size + x)))
        .collect();
    let cols: Vec<usize> = (0..size)
        .filter(|&x| (0..size).any(|y| nonzero(y * size + x)))
        .collect();
    assert!(channels > 0);
    (
        cols.last().unwrap() - cols[0] + 1,
        rows.last().unwrap() - rows[0] + 1,
    )
}

#[test]
fn the_gradient_of_one_position_reaches_exactly_its_receptive_field() {
    for (layer, size) in [
        ("stem", 32),
        ("block0.dw", 32),
        ("block0", 32),
        ("block1.expand", 32),
        ("block1.dw", 48),
        ("block1", 48),
        ("block3.dw", 96),
        ("block3", 96),
        ("block5.expand", 160),
        ("block5", 160),
    ] {
        let field = Network::Lite0.tap(layer).unwrap().receptive_field();
        assert!(
            field < size,
            "{layer}: the field must fit the input to be measured whole"
        );
        assert_eq!(gradient_support(layer, size), (field, field), "{layer}");
    }
}
