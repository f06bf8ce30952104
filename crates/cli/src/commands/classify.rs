//! `basis classify`: the network's top classes for photos, the check that the weights are real.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use basis_models::{NUM_CLASSES, Network};
use burn::tensor::{Tensor, TensorData};

use crate::backend::Compute;
use crate::files::{self, DataDir};
use crate::recipe_args::ModelArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// JPEG, PNG or WebP files.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub compute: Compute,
    /// Weights file (default: the data folder's for the network).
    #[arg(long)]
    pub weights: Option<PathBuf>,
}

pub fn run(args: Args, data: &DataDir) -> Result<()> {
    let labels_path = data.labels();
    let labels = std::fs::read_to_string(&labels_path).with_context(|| {
        format!(
            "cannot read {} (run `basis setup-weights` first)",
            labels_path.display()
        )
    })?;
    let labels: Vec<&str> = labels.lines().collect();
    if labels.len() != NUM_CLASSES {
        bail!(
            "{} has {} labels, expected {NUM_CLASSES}",
            labels_path.display(),
            labels.len()
        );
    }
    let network = args.model.network;
    let weights = args
        .weights
        .clone()
        .unwrap_or_else(|| data.weights(network));
    let device = args.compute.backend.device()?;
    let model = basis_models::load_weights(network, files::read_weights(&weights)?, &device)
        .with_context(|| format!("loading {} as {network}", weights.display()))?;

    for path in &args.images {
        let photo = crate::photo::open(path)?;
        let input = Tensor::<4>::from_data(evaluation_input(network, photo), &device);
        let logits = model
            .logits(input)
            .into_data()
            .try_to_vec::<f32>()
            .expect("logits are f32");
        println!("{}", path.display());
        for (class, probability) in top_classes(&logits, args.top) {
            println!("{}\t{probability:.4}", labels[class]);
        }
    }
    Ok(())
}

/// The photo's evaluation view at the network's own resolution, as its input.
fn evaluation_input(network: Network, photo: image::DynamicImage) -> TensorData {
    let size = network.input_size();
    let crop = basis_featvis::pool::evaluation_view(&photo.to_rgb8(), size as u32);
    let mut chw = vec![0.0f32; 3 * size * size];
    for (x, y, pixel) in crop.enumerate_pixels() {
        for c in 0..3 {
            chw[(c * size + y as usize) * size + x as usize] = pixel[c] as f32 / 255.0;
        }
    }
    TensorData::new(chw, [1, 3, size, size])
}

/// Softmax, then the `k` most probable classes, most probable first.
pub fn top_classes(logits: &[f32], k: usize) -> Vec<(usize, f32)> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let total: f32 = exps.iter().sum();
    let mut ranked: Vec<(usize, f32)> = exps.iter().map(|e| e / total).enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked.truncate(k);
    ranked
}
