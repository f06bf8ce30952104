//! Set-up only: the PyTorch checkpoint (lukemelas-style EfficientNet naming) → a burnpack with
//! BatchNorm folded into the convolutions.

use std::collections::HashMap;
use std::path::Path;

use burn::store::ModuleSnapshot;
use burn::tensor::{Bytes, DType, Device};
use burn_store::burn_pack::{Tensor as PackTensor, Writer};
use burn_store::pytorch::PytorchReader;

use crate::efficientnet::EfficientNetLite;
use crate::network::Network;

/// The checkpoint's BatchNorm epsilon (TensorFlow's EfficientNet default).
const BN_EPSILON: f32 = 1e-3;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the PyTorch checkpoint: {0}")]
    Read(String),
    #[error("the checkpoint has no tensor `{0}`")]
    MissingTensor(String),
    #[error("tensor `{name}` is {found:?}, expected float32 of {expected} values")]
    BadTensor {
        name: String,
        found: String,
        expected: usize,
    },
    #[error("cannot write the weights file: {0}")]
    Write(String),
}

struct Checkpoint(HashMap<String, burn_store::pytorch_reader::Tensor>);

impl Checkpoint {
    fn floats(&self, name: &str) -> Result<Vec<f32>, ImportError> {
        let tensor = self
            .0
            .get(name)
            .ok_or_else(|| ImportError::MissingTensor(name.into()))?;
        let bytes = tensor
            .read()
            .map_err(|error| ImportError::Read(error.to_string()))?;
        if bytes.len() != tensor.num_elements() * 4 || format!("{:?}", tensor.dtype()) != "F32" {
            return Err(ImportError::BadTensor {
                name: name.into(),
                found: format!("{:?} {:?}", tensor.dtype(), tensor.shape()),
                expected: tensor.num_elements(),
            });
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// A convolution followed by BatchNorm, as one convolution: `(weight, bias)`.
    fn folded_conv(&self, conv: &str, bn: &str) -> Result<(Vec<f32>, Vec<f32>), ImportError> {
        let mut weight = self.floats(&format!("{conv}.weight"))?;
        let gamma = self.floats(&format!("{bn}.weight"))?;
        let beta = self.floats(&format!("{bn}.bias"))?;
        let mean = self.floats(&format!("{bn}.running_mean"))?;
        let var = self.floats(&format!("{bn}.running_var"))?;
        let per_channel = weight.len() / gamma.len();
        let mut bias = Vec::with_capacity(gamma.len());
        for (c, chunk) in weight.chunks_exact_mut(per_channel).enumerate() {
            let scale = gamma[c] / (var[c] + BN_EPSILON).sqrt();
            chunk.iter_mut().for_each(|w| *w *= scale);
            bias.push(beta[c] - mean[c] * scale);
        }
        Ok((weight, bias))
    }
}

/// Checkpoint names of the convolution and BatchNorm behind one of our convolutions.
fn checkpoint_conv(module_path: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = module_path.split('.').collect();
    let pair = |conv: String, bn: String| Some((conv, bn));
    match parts.as_slice() {
        ["stem"] => pair("_conv_stem".into(), "_bn0".into()),
        ["head"] => pair("_conv_head".into(), "_bn1".into()),
        ["blocks", i, layer] => {
            let (conv, bn) = match *layer {
                "expand" => ("_expand_conv", "_bn0"),
                "depthwise" => ("_depthwise_conv", "_bn1"),
                "project" => ("_project_conv", "_bn2"),
                _ => return None,
            };
            pair(format!("_blocks.{i}.{conv}"), format!("_blocks.{i}.{bn}"))
        }
        _ => None,
    }
}

/// Reads the checkpoint and returns the bytes of the weights file. The output is byte-for-byte
/// reproducible (no parameter ids), so its hash names the weights.
pub fn convert(
    network: Network,
    checkpoint: &Path,
    device: &Device,
) -> Result<Vec<u8>, ImportError> {
    let reader =
        PytorchReader::new(checkpoint).map_err(|error| ImportError::Read(error.to_string()))?;
    let checkpoint = Checkpoint(reader.into_tensors());
    let skeleton = EfficientNetLite::new(network, device);

    let mut folded: HashMap<String, (Vec<f32>, Vec<f32>)> = HashMap::new();
    let mut tensors = Vec::new();
    for snapshot in skeleton.collect(None, None, false) {
        let name = snapshot.name.clone();
        let (module, field) = name.rsplit_once('.').expect("parameters live in modules");
        let values = if module == "classifier" {
            match field {
                // burn's Linear stores [in, out]; PyTorch stores [out, in].
                "weight" => transpose(&checkpoint.floats("_fc.weight")?, snapshot.shape[0]),
                _ => checkpoint.floats("_fc.bias")?,
            }
        } else {
            let (conv, bn) =
                checkpoint_conv(module).ok_or_else(|| ImportError::MissingTensor(name.clone()))?;
            if !folded.contains_key(module) {
                folded.insert(module.to_owned(), checkpoint.folded_conv(&conv, &bn)?);
            }
            let (weight, bias) = &folded[module];
            if field == "weight" {
                weight.clone()
            } else {
                bias.clone()
            }
        };
        let expected: usize = snapshot.shape.iter().product();
        if values.len() != expected {
            return Err(ImportError::BadTensor {
                name,
                found: format!("{} values", values.len()),
                expected,
            });
        }
        tensors.push(PackTensor::new(
            name,
            DType::F32,
            snapshot.shape.clone(),
            None,
            Bytes::from_elems(values),
        ));
    }
    let bytes = Writer::new(tensors)
        .into_bytes()
        .map_err(|error| ImportError::Write(error.to_string()))?;
    Ok(bytes.to_vec())
}

/// `[rows, cols]` → `[cols, rows]` where the output has `out_rows` rows.
fn transpose(values: &[f32], out_rows: usize) -> Vec<f32> {
    let out_cols = values.len() / out_rows;
    let mut out = vec![0.0; values.len()];
    for r in 0..out_rows {
        for c in 0..out_cols {
            out[r * out_cols + c] = values[c * out_rows + r];
        }
    }
    out
}
