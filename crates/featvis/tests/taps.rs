//! The hidden taps read where their names say, in each of the three networks: for every block,
//! the block's own 1×1 projection (plus the residual) of `blockN.dw` is `blockN`; every tap has
//! its catalog's width and grid, and the hidden ones lie in ReLU6's range.

mod common;

use basis_models::{EfficientNetLite, Network, Point, Site};
use burn::tensor::{Device, Distribution, Tensor};

/// The largest difference relative to the largest magnitude.
fn relative_error(a: Tensor<4>, b: Tensor<4>) -> f32 {
    let scale = b.clone().abs().max().into_scalar::<f32>();
    (a - b).abs().max().into_scalar::<f32>() / scale
}

#[test]
fn every_blocks_projection_of_its_depthwise_tap_is_its_output() {
    let device = Device::flex();
    device.seed(3);
    for network in Network::ALL {
        every_projection_is_the_output(network, &device);
    }
}

fn every_projection_is_the_output(network: Network, device: &Device) {
    let model = common::model_of(network, device);
    let input = Tensor::<4>::random([2, 3, 64, 64], Distribution::Uniform(0.0, 1.0), device);
    let at = |name: &str| model.forward_to(input.clone(), network.tap(name).unwrap());
    for (index, block) in model.blocks().iter().enumerate() {
        let before = if index == 0 {
            at("stem")
        } else {
            at(&format!("block{}", index - 1))
        };
        let spatial = at(&format!("block{index}.dw"));
        let error = relative_error(
            block.output_from(spatial, before),
            at(&format!("block{index}")),
        );
        assert!(
            error < 1e-5,
            "{network} block{index}: relative error {error}"
        );
    }
}

#[test]
fn hidden_taps_have_their_catalog_widths_and_grids_and_are_relu6() {
    let device = Device::flex();
    let input = Tensor::<4>::random([1, 3, 64, 64], Distribution::Uniform(0.0, 1.0), &device);
    for network in Network::ALL {
        let model = common::model_of(network, &device);
        every_tap_has_its_catalog_shape(&model, network, input.clone());
    }
}

fn every_tap_has_its_catalog_shape(model: &EfficientNetLite, network: Network, input: Tensor<4>) {
    for tap in network.taps() {
        let output = model.forward_to(input.clone(), tap);
        let [_, channels, h, w] = output.dims();
        assert_eq!(channels, tap.channels(), "{tap}");
        assert_eq!(
            (h, w),
            (64 / tap.layer().stride, 64 / tap.layer().stride),
            "{tap}"
        );
        if let Site::Block { point, .. } = tap.site()
            && point != Point::Output
        {
            let (low, high) = (
                output.clone().min().into_scalar::<f32>(),
                output.max().into_scalar::<f32>(),
            );
            assert!(low >= 0.0 && high <= 6.0, "{tap}: {low}..{high}");
        }
    }
}
