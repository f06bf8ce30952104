//! The real networks, as `basis setup-weights` left them.

// Each test binary compiles this module and reads one network or all three.
#![allow(dead_code)]

use basis_models::{EfficientNetLite, Network};
use burn::tensor::Device;

/// EfficientNet-Lite0, the network most tests read.
pub fn model(device: &Device) -> EfficientNetLite {
    model_of(Network::Lite0, device)
}

pub fn model_of(network: Network, device: &Device) -> EfficientNetLite {
    let path = format!(
        "{}/../../public/model/{}.bpk",
        env!("CARGO_MANIFEST_DIR"),
        network.id()
    );
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|error| panic!("{path}: {error}; run `basis setup-weights` first"));
    basis_models::load_weights(network, bytes, device).expect("the weights load")
}
