//! `basis stats`: the privileged-basis meter over the photo pool — for each layer, how the
//! projections of real activations on single neurons compare with those on Haar-random directions.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_featvis::pool;
use basis_featvis::privileged::{Auc, Gathered, Profile, Verdict};
use basis_models::TapId;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::backend::Compute;
use crate::files::DataDir;
use crate::photo::PhotoPool;
use crate::recipe_args::{Loaded, ModelArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Layers, comma-separated (default: block8).
    #[arg(long, value_delimiter = ',', conflicts_with = "all")]
    pub layer: Vec<String>,
    /// Every tap, block by block: the network's privileged-basis profile.
    #[arg(long)]
    pub all: bool,
    /// Folder of photos (JPEG, PNG, WebP) to use instead of the shipped pool.
    #[arg(long)]
    pub photos: Option<PathBuf>,
    /// Crops per photo: the centre crop, then crops at offsets drawn by the seed.
    #[arg(long, default_value_t = pool::CROPS_PER_PHOTO)]
    pub crops: usize,
    /// Draws the crops, the random directions and the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// One JSON line per layer, with every direction's statistics, instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub compute: Compute,
    /// Also draw the profile as an SVG chart here.
    #[arg(long)]
    pub chart: Option<PathBuf>,
    /// Add a third arm: this many ICA directions (FastICA, seeded by --seed; the page fits 32)
    /// learned on half of the photos and scored on the other half, both ways, with their AUC
    /// against the random arm: the ceiling for the neurons'.
    #[arg(long, value_name = "COMPONENTS")]
    pub ica: Option<usize>,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let dir = DataDir::locate(data)?;
    let network = args.model.network;
    let layers: Vec<TapId> = if args.all {
        network.taps().collect()
    } else if args.layer.is_empty() {
        vec![network.tap("block8").expect("every network has a block8")]
    } else {
        args.layer
            .iter()
            .map(|name| network.tap(name).with_context(|| format!("--layer {name}")))
            .collect::<Result<_>>()?
    };
    if args.ica == Some(0) {
        bail!("--ica: 0 components; ask for at least 1");
    }
    if !(1..=16).contains(&args.crops) {
        bail!("--crops: {} is out of range (1 to 16)", args.crops);
    }
    let pool = PhotoPool::load(
        &args.photos.clone().unwrap_or_else(|| dir.photos_dir()),
        args.crops,
        args.seed,
    )?;
    let loaded = Loaded::load(network, &dir.weights(network), args.compute.backend)?;
    let photos = &pool.photos;
    let crops = pool.crop_images();
    let progress = ProgressBar::new((layers.len() * crops.len()) as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} crops ({msg})").expect("valid template"),
    );
    if !args.json {
        println!(
            "{} photos × {} crops of {} px; AUC = P(kurtosis(neuron) > kurtosis(random direction)), 95% interval resampling photos, then directions",
            photos.len(),
            args.crops,
            pool::CROP
        );
        println!(
            "{:<14} {:<6} {:>5} {:>13} {:>5}  {:>22}  {:<12} {:>16}  slider AUC t=0 / 0.5 / 1{}",
            "layer",
            "after",
            "ch",
            "positions",
            "const",
            "kurtosis AUC",
            "verdict",
            "vector kurtosis",
            if args.ica.is_some() {
                "      ICA AUC vs random"
            } else {
                ""
            }
        );
    }
    let photo_of_crop = pool.photo_of_crop();
    let mut profiles = Vec::with_capacity(layers.len());
    for tap in layers {
        progress.set_message(tap.name().to_owned());
        let base = progress.position();
        // Gathered batch by batch: a big pool's wide taps do not fit in memory whole.
        let mut gathered = None;
        pollster::block_on(pool::each_batch(
            &loaded.model,
            &loaded.device,
            &crops,
            tap,
            |grid, rows| {
                gathered
                    .get_or_insert_with(|| {
                        Gathered::new(&photo_of_crop, grid * grid, tap.channels(), args.seed)
                            .with_learned(args.ica.unwrap_or(0))
                    })
                    .push(rows)
            },
            |done| progress.set_position(base + done as u64),
        ))?;
        let profile = gathered.context("no crops to read")?.profile(args.seed);
        progress.suspend(|| print_profile(tap, &profile, args.json, args.ica.is_some()));
        profiles.push((tap, profile));
    }
    progress.finish_and_clear();
    if !args.json && profiles.len() > 1 {
        println!("{}", summary(&profiles));
    }
    if let Some(path) = &args.chart {
        crate::chart::draw(path, &profiles)?;
    }
    Ok(())
}

fn interval(auc: &Auc) -> String {
    format!("{:.3} [{:.3}, {:.3}]", auc.value, auc.low, auc.high)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// How many ReLU6 taps and how many linear taps have their whole interval above 0.5.
fn summary(profiles: &[(TapId, Profile)]) -> String {
    let count = |activation: &str| {
        let of_kind: Vec<_> = profiles
            .iter()
            .filter(|(tap, _)| tap.layer().activation() == activation)
            .collect();
        let above = of_kind
            .iter()
            .filter(|(_, p)| p.verdict == Verdict::NeuronsHeavier)
            .count();
        format!("{above} of {} {activation} taps", of_kind.len())
    };
    format!(
        "Neurons more heavy-tailed than random directions (interval above 0.5): {}, {}. The taps read the same photos, so these are not independent findings.",
        count("ReLU6"),
        count("linear")
    )
}

fn print_profile(tap: TapId, p: &Profile, as_json: bool, learned_asked: bool) {
    if as_json {
        let auc = |a: &Auc| json!({"value": a.value, "low": a.low, "high": a.high});
        let constant: Vec<_> = p
            .constant
            .iter()
            .map(|c| json!({"channel": c.channel, "value": c.value}))
            .collect();
        println!(
            "{}",
            json!({
                "layer": tap.name(),
                "block": tap.layer().block(),
                "after": tap.layer().activation(),
                "channels": p.channels,
                "photos": p.photos,
                "positions": p.positions,
                "read_positions": p.read_positions,
                "constant_channels": constant,
                "ranked_channels": p.ranked,
                "at_zero": p.at_zero,
                "at_six": p.at_six,
                "kurtosis_auc": auc(&p.kurtosis_auc),
                "verdict": p.verdict.key(),
                "verdict_text": p.verdict.describe(&p.kurtosis_auc, p.photos),
                "random_draws": p.random_draws,
                "median_kurtosis": {"basis": median(&p.basis_kurtosis), "random": median(&p.random_kurtosis)},
                "vector_kurtosis": {"basis": p.vector_kurtosis, "rotated": p.vector_kurtosis_rotated},
                "slider_kurtosis_auc": p.slider,
                "basis_kurtosis": p.basis_kurtosis,
                "random_kurtosis": p.random_kurtosis,
                "learned": p.learned.as_ref().map(|l| json!({
                    "method": "fastica-logcosh",
                    "directions": l.kurtosis.len(),
                    "kurtosis_auc": auc(&l.auc),
                    "verdict": l.verdict.key(),
                    "kurtosis": l.kurtosis,
                })),
            })
        );
        return;
    }
    let last = p.slider.len() - 1;
    println!(
        "{:<14} {:<6} {:>5} {:>13} {:>5}  {:>22}  {:<12} {:>7.2} → {:>6.2}  {:.2} / {:.2} / {:.2}{}",
        tap.name(),
        tap.layer().activation(),
        p.channels,
        format!("{}/{}", p.read_positions, p.positions),
        p.constant.len(),
        interval(&p.kurtosis_auc),
        p.verdict.key(),
        p.vector_kurtosis,
        p.vector_kurtosis_rotated,
        p.slider[0],
        p.slider[last / 2],
        p.slider[last],
        match (&p.learned, learned_asked) {
            (Some(l), _) if l.kurtosis.is_empty() => "  no heavy-tailed direction".to_owned(),
            (Some(l), _) => format!("  {:>22}", interval(&l.auc)),
            // Cross-fitting needs two photos on each side; a layer that varies along no axis has
            // nothing to learn.
            (None, true) => "  needs 4 photos and a varying layer".to_owned(),
            (None, false) => String::new(),
        },
    );
}
