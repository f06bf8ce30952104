//! The real network, as `basis setup-weights` left it.

use basis_models::EfficientNetLite0;
use burn::tensor::Device;

pub fn model(device: &Device) -> EfficientNetLite0 {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/model/efficientnet-lite0.bpk"
    );
    let bytes = std::fs::read(path)
        .unwrap_or_else(|error| panic!("{path}: {error}; run `basis setup-weights` first"));
    basis_models::load_weights(bytes, device).expect("the weights load")
}
