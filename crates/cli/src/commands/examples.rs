//! `basis examples`: the photo pool's crops that a direction responds to most and least (Szegedy
//! et al.'s experiment), as a PNG of two rows, and as a JSON line saying where each crop is from.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use basis_featvis::direction;
use basis_featvis::examples::{self, Example};
use basis_featvis::pool;
use basis_models::TapId;
use basis_recipe::{Recipe, Toward};
use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};
use serde_json::{Value, json};

use crate::backend::Compute;
use crate::captions::{LINE, caption};
use crate::files::DataDir;
use crate::photo::PhotoPool;
use crate::recipe_args::{Loaded, ModelArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value = "block8")]
    pub layer: String,
    #[arg(long, default_value_t = 10)]
    pub channel: u32,
    /// 0 = the neuron, 1 = what it turns toward (--toward); slerp in between (as in recipes).
    #[arg(long, default_value_t = 0.0)]
    pub mix: f32,
    /// `random` (the seed's), or at a linear block output `read:U` or `write:U` (as `render`).
    #[arg(long, default_value_t = Toward::Random, value_name = "random|read:U|write:U")]
    pub toward: Toward,
    /// The random direction's seed (the crops are the pool's, always the same).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Crops per photo.
    #[arg(long, default_value_t = pool::CROPS_PER_PHOTO)]
    pub crops: usize,
    /// How many strongest and weakest crops.
    #[arg(long, default_value_t = 8)]
    pub count: usize,
    /// Folder of photos (JPEG, PNG, WebP) to use instead of the shipped pool.
    #[arg(long)]
    pub photos: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub compute: Compute,
    #[arg(short, long)]
    pub output: PathBuf,
}

const TILE: u32 = 96;

/// Where a crop ranked for a direction is from (photo, crop in it, the window its position sees)
/// and its value, as JSON.
pub fn described(pool: &PhotoPool, tap: TapId, grid: usize, e: &Example) -> Value {
    let (crop, _) = &pool.crops[e.crop];
    let (x, y, side) = examples::window(tap, grid, e.row, e.column);
    json!({
        "photo": pool.photo_of(e.crop),
        "crop": {"x": crop.x, "y": crop.y},
        "window": {"x": x, "y": y, "side": side},
        "value": e.value,
    })
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let dir = DataDir::locate(data)?;
    let network = args.model.network;
    let loaded = Loaded::load(network, &dir.weights(network), args.compute.backend)?;
    // The direction as a recipe holds it, so bad flags get the recipe's messages.
    let recipe = Recipe {
        layer: args.layer.clone(),
        channel: args.channel,
        mix: args.mix,
        toward: args.toward,
        seed: args.seed,
        ..Recipe::for_network(network, loaded.weights.clone())
    };
    recipe.validate().context("bad flags")?;
    let tap = recipe.tap()?;
    let pool = PhotoPool::load(
        &args.photos.clone().unwrap_or_else(|| dir.photos_dir()),
        args.crops.clamp(1, 16),
        pool::SEED,
    )?;
    let acts = pollster::block_on(pool::activations(
        &loaded.model,
        &loaded.device,
        &pool.crop_images(),
        tap,
        |_| {},
    ))?;
    let target = crate::targets::target(&recipe, &loaded.model, &loaded.device, data)?;
    let d = direction::of_recipe(&recipe, &target)?;
    let ranking = examples::top_and_bottom(&acts, &d, args.count);
    let (top, bottom) = (&ranking.top, &ranking.bottom);

    let describe = |e: &Example| described(&pool, tap, acts.grid, e);
    let tile = |e: &Example| {
        let (x, y, side) = examples::window(tap, acts.grid, e.row, e.column);
        let window = imageops::crop_imm(&pool.crops[e.crop].1, x, y, side, side).to_image();
        imageops::resize(&window, TILE, TILE, FilterType::Triangle)
    };
    let columns = args.count.max(1) as u32;
    let mut canvas = RgbImage::from_pixel(
        columns * (TILE + 4) + 4,
        LINE + 2 * (LINE + TILE + LINE + 4),
        Rgb([255, 255, 255]),
    );
    let width = canvas.width();
    let title = format!(
        "{} channel {} mix {:.2} toward {}: strongest, then weakest",
        args.layer, args.channel, args.mix, args.toward
    );
    caption(&mut canvas, &title, width / 2, 2);
    for (row, set) in [top, bottom].into_iter().enumerate() {
        let y = LINE + row as u32 * (LINE + TILE + LINE + 4);
        caption(
            &mut canvas,
            if row == 0 { "strongest" } else { "weakest" },
            width / 2,
            y,
        );
        for (i, e) in set.iter().enumerate() {
            let x = 4 + i as u32 * (TILE + 4);
            imageops::replace(&mut canvas, &tile(e), x as i64, (y + LINE) as i64);
            let name = pool.photo_of(e.crop);
            let short: String = name.chars().take(15).collect();
            caption(&mut canvas, &short, x + TILE / 2, y + LINE + TILE + 2);
        }
    }
    canvas
        .save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let line = json!({
        "layer": args.layer,
        "channel": args.channel,
        "mix": args.mix,
        "toward": args.toward.to_string(),
        "seed": args.seed,
        "receptive_field": tap.receptive_field(),
        "top": top.iter().map(describe).collect::<Vec<_>>(),
        "bottom": bottom.iter().map(describe).collect::<Vec<_>>(),
        "silent": ranking.silent,
        "crops": ranking.crops,
    });
    println!("{line}");
    Ok(())
}
