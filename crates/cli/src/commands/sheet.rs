//! `basis sheet`: a labelled contact sheet of neurons, random directions and directions learned
//! from the shipped photos, of one layer, with its link: on a GPU in batches (one forward and backward pass per step for a whole batch), on the
//! CPU one run per image, as many at once as there are cores.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use basis_featvis::fidelity::{self, Fidelity};
use basis_featvis::{Frame, Session};
use basis_recipe::{Contrast, Link, Neurons, Recipe, Sheet, SheetTile, TileKind};
use image::{Rgb, RgbImage};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;

use super::fidelity::{Comparison, PoolArgs};
use crate::backend::{Backend, Compute};
use crate::captions::caption;
use crate::recipe_args::{Loaded, ModelArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A sheet link's code (what follows `#sheet=`); excludes the flags below.
    #[arg(long, conflicts_with_all = ["model", "layer", "neurons", "channels", "random", "learned", "blind", "seed", "size", "steps"])]
    pub sheet: Option<String>,
    #[arg(long)]
    pub layer: Option<String>,
    /// How many neurons, drawn by the seed (0–8; default 4).
    #[arg(long, conflicts_with = "channels")]
    pub neurons: Option<usize>,
    /// These neurons instead, comma-separated channels.
    #[arg(long, value_delimiter = ',')]
    pub channels: Option<Vec<u32>>,
    /// How many random directions (0–8; default 4).
    #[arg(long)]
    pub random: Option<usize>,
    /// How many directions learned from the shipped photos (ICA directions 0…K−1 of the layer,
    /// heaviest-tailed first; 0–8; default 0).
    #[arg(long)]
    pub learned: Option<usize>,
    /// Shuffle the tiles by the seed and number them; the key goes to stdout only.
    #[arg(long)]
    pub blind: bool,
    /// Draws the neurons, the random directions, the order and every image's noise.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Tile width and height in pixels.
    #[arg(long)]
    pub size: Option<usize>,
    #[arg(long)]
    pub steps: Option<u32>,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub compute: Compute,
    /// Where to write the PNG.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Add each tile's fidelity (as `basis fidelity` measures it) and each arm's medians.
    #[arg(long)]
    pub fidelity: bool,
    #[command(flatten)]
    pub pool: PoolArgs,
}

impl Args {
    fn sheet(&self, weights: &str) -> Result<Sheet> {
        if let Some(text) = &self.sheet {
            let sheet = Sheet::decode(text).context("bad --sheet")?;
            if sheet.base.weights != weights {
                bail!(
                    "bad --sheet: it was made with weights {}, but these are {weights}",
                    sheet.base.weights
                );
            }
            return Ok(sheet);
        }
        let mut base = Recipe::for_network(self.model.network, weights);
        base.layer = self.layer.clone().unwrap_or(base.layer);
        base.seed = self.seed.unwrap_or(base.seed);
        base.image.size = self.size.unwrap_or(base.image.size);
        base.steps = self.steps.unwrap_or(base.steps);
        let mut sheet = Sheet::new(base);
        sheet.neurons = match (&self.channels, self.neurons) {
            (Some(list), _) => Neurons::Listed(list.clone()),
            (None, Some(count)) => Neurons::Seeded(count),
            (None, None) => sheet.neurons,
        };
        sheet.random = self.random.unwrap_or(sheet.random);
        sheet.learned = self.learned.unwrap_or(sheet.learned);
        sheet.blind = self.blind;
        sheet.validate().context("bad flags")?;
        Ok(sheet)
    }
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let network = match &args.sheet {
        Some(text) => Sheet::decode(text).context("bad --sheet")?.base.network()?,
        None => args.model.network,
    };
    let loaded = Loaded::from_data(data, network, args.compute.backend)?;
    let sheet = args.sheet(&loaded.weights)?;
    let tiles = sheet.tiles();
    let recipes: Vec<Recipe> = tiles.iter().map(|t| t.recipe.clone()).collect();
    let steps = sheet.base.steps as u64;
    // On the CPU a batch costs what its images cost one by one and runs on one core, so each
    // image runs on its own, as many at once as there are cores; a GPU takes whole batches.
    let targets =
        crate::targets::Targets::new(&loaded.model, &loaded.device, data).of_all(&recipes)?;
    let per_batch = match args.compute.backend {
        Backend::Cpu => 1,
        _ => sheet.base.batch_capacity(),
    };
    let batches: Vec<(&[Recipe], &[Vec<f64>])> = recipes
        .chunks(per_batch)
        .zip(targets.chunks(per_batch))
        .collect();
    let progress = ProgressBar::new(steps * recipes.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} image steps ({msg})")
            .expect("valid template"),
    );
    progress.set_message(format!(
        "{} runs of up to {} images",
        batches.len(),
        batches.first().map_or(0, |b| b.0.len())
    ));
    let started = Instant::now();
    let run = |(chunk, targets): &(&[Recipe], &[Vec<f64>])| -> Result<Vec<Frame>> {
        let mut session = Session::for_targets(
            loaded.model.clone(),
            &loaded.device,
            chunk,
            targets,
            sheet.base.seed,
            None,
        )?;
        for _ in 0..steps {
            session.advance();
            progress.inc(chunk.len() as u64);
        }
        Ok(pollster::block_on(session.frames())?)
    };
    let frames: Vec<Frame> = match args.compute.backend {
        Backend::Cpu => batches.par_iter().map(run).collect::<Result<Vec<_>>>()?,
        _ => batches.iter().map(run).collect::<Result<Vec<_>>>()?,
    }
    .into_iter()
    .flatten()
    .collect();
    let ms_per_image_step =
        started.elapsed().as_secs_f64() * 1000.0 / (steps * recipes.len() as u64) as f64;
    progress.finish_and_clear();

    compose(&sheet, &tiles, &frames)
        .save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let fidelity = args
        .fidelity
        .then(|| -> Result<(Comparison, Vec<Fidelity>)> {
            let (model, device) = (&loaded.model, &loaded.device);
            let comparison = Comparison::at(model, device, sheet.base.tap()?, &args.pool, data)?;
            let measured = tiles
                .iter()
                .zip(&frames)
                .zip(&targets)
                .map(|((tile, frame), target)| {
                    comparison.fidelity(model, device, &tile.recipe, target, &frame.to_image())
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((comparison, measured))
        })
        .transpose()?;
    let key: Vec<_> = tiles
        .iter()
        .enumerate()
        .map(|(i, tile)| {
            let mut entry = json!({
                "position": i + 1,
                "label": tile.label(),
                "link": format!("#{}", Link::fragment(&tile.recipe, &[], false)),
            });
            if let Some((comparison, measured)) = &fidelity {
                entry["fidelity"] = comparison.describe(&measured[i]);
            }
            entry
        })
        .collect();
    let mut line = json!({
        "sheet": sheet.encode(),
        "link": format!("#{}", sheet.fragment()),
        // At a block's hidden ReLU6 tap, the page that sets this sheet beside the block's output.
        "contrast": Contrast::new(sheet.clone()).ok().map(|c| format!("#{}", c.fragment())),
        "output": args.output.display().to_string(),
        "batches": batches.len(),
        "ms_per_image_step": ms_per_image_step,
        "tiles": key,
    });
    if let Some((_, measured)) = &fidelity {
        let arm = |kind: TileKind| {
            let of_arm: Vec<Fidelity> = tiles
                .iter()
                .zip(measured)
                .filter(|(tile, _)| tile.kind == kind)
                .map(|(_, f)| *f)
                .collect();
            let summary = fidelity::summarize(&of_arm);
            json!({
                "pictures": summary.pictures,
                "median_ratio": summary.median_ratio,
                "median_specificity": summary.median_specificity,
            })
        };
        line["fidelity_by_arm"] = json!({
            "neuron": arm(TileKind::Neuron),
            "random": arm(TileKind::Random),
        });
        if sheet.learned > 0 {
            line["fidelity_by_arm"]["learned"] = arm(TileKind::Learned);
        }
    }
    println!("{line}");
    Ok(())
}

const CAPTION: u32 = 14;
const GAP: u32 = 4;

/// Tiles in rows of at most 8 (so 8 + 8 is a row of neurons over a row of random directions),
/// each captioned with its label, or with its position when the sheet is blind.
fn compose(sheet: &Sheet, tiles: &[SheetTile], frames: &[Frame]) -> RgbImage {
    let size = sheet.base.image.size as u32;
    let columns = tiles.len().div_ceil(2).clamp(1, 8) as u32;
    let rows = (tiles.len() as u32).div_ceil(columns);
    let (cell_w, cell_h) = (size + GAP, size + CAPTION + GAP);
    let mut canvas = RgbImage::from_pixel(
        columns * cell_w + GAP,
        CAPTION + rows * cell_h + GAP,
        Rgb([255, 255, 255]),
    );
    let kind = if sheet.blind { "blind" } else { "labelled" };
    let header = format!(
        "{} · {} tiles · {} px · {} steps · {kind}",
        sheet.base.layer,
        tiles.len(),
        size,
        sheet.base.steps
    );
    let middle = canvas.width() / 2;
    caption(&mut canvas, &header, middle, 2);
    for (i, (tile, frame)) in tiles.iter().zip(frames).enumerate() {
        let (x, y) = (
            GAP + (i as u32 % columns) * cell_w,
            CAPTION + GAP + (i as u32 / columns) * cell_h,
        );
        image::imageops::replace(&mut canvas, &frame.to_image(), x as i64, y as i64);
        let label = if sheet.blind {
            format!("{}", i + 1)
        } else {
            tile.label()
        };
        caption(&mut canvas, &label, x + size / 2, y + size + 2);
    }
    canvas
}
