//! `basis fidelity`: how faithful a picture is to its recipe's direction (see
//! `basis_featvis::fidelity`) — its response over the best pool crop's, and the cosine between its
//! activation vector and the direction — as one JSON line. `basis render --fidelity` adds the same
//! to its line, for the picture it wrote.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_featvis::fidelity::{self, Fidelity};
use basis_featvis::pool;
use basis_featvis::pool::Activations;
use basis_models::{EfficientNetLite, TapId};
use basis_recipe::Recipe;
use burn::tensor::Device;
use image::RgbImage;
use serde_json::{Value, json};

use super::examples;
use crate::files::DataDir;
use crate::photo::PhotoPool;
use crate::recipe_args::RecipeArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The picture: a square PNG (or JPEG, WebP), e.g. one `render` wrote or the app downloaded.
    pub picture: PathBuf,
    #[command(flatten)]
    pub recipe: RecipeArgs,
    #[command(flatten)]
    pub pool: PoolArgs,
}

/// The photos a picture is compared with.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PoolArgs {
    /// Folder of photos (JPEG, PNG, WebP) to compare with instead of the shipped pool.
    #[arg(long)]
    pub photos: Option<PathBuf>,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let picture = crate::photo::open(&args.picture)?.to_rgb8();
    if picture.width() != picture.height() {
        bail!(
            "{} is {} × {} px: a visualization is square",
            args.picture.display(),
            picture.width(),
            picture.height()
        );
    }
    let prepared = args.recipe.prepare(data)?;
    let measured = measure(
        &prepared.model,
        &prepared.device,
        &prepared.recipe,
        &prepared.target,
        &picture,
        &args.pool,
        data,
    )?;
    println!(
        "{}",
        json!({
            "recipe": prepared.recipe.encode(),
            "picture": args.picture,
            "fidelity": measured,
        })
    );
    Ok(())
}

/// The pool's crops (the same crops the app and `examples` use) and their activations at one
/// tap: what every picture of that tap is compared with.
pub struct Comparison {
    tap: TapId,
    pool: PhotoPool,
    crops: Activations,
}

impl Comparison {
    pub fn at(
        model: &EfficientNetLite,
        device: &Device,
        tap: TapId,
        photos: &PoolArgs,
        data: Option<&Path>,
    ) -> Result<Self> {
        let dir = match &photos.photos {
            Some(dir) => dir.clone(),
            None => DataDir::locate(data)?.photos_dir(),
        };
        let pool = PhotoPool::load(&dir, pool::CROPS_PER_PHOTO, pool::SEED)?;
        let crops = pollster::block_on(pool::activations(
            model,
            device,
            &pool.crop_images(),
            tap,
            |_| {},
        ))?;
        Ok(Self { tap, pool, crops })
    }

    /// The fidelity of `picture` to `recipe`'s direction (a recipe of the comparison's tap).
    pub fn fidelity(
        &self,
        model: &EfficientNetLite,
        device: &Device,
        recipe: &Recipe,
        target: &[f64],
        picture: &RgbImage,
    ) -> Result<Fidelity> {
        let seen = pollster::block_on(pool::activations(
            model,
            device,
            std::slice::from_ref(picture),
            self.tap,
            |_| {},
        ))
        .context("running the picture through the network")?;
        let d = fidelity::optimized_direction(recipe, target)?;
        Ok(fidelity::measure(&seen, &self.crops, &d))
    }

    /// A picture's fidelity as JSON, its best photo named and located.
    pub fn describe(&self, measured: &Fidelity) -> Value {
        let best_photo = measured
            .best_photo
            .map(|e| examples::described(&self.pool, self.tap, self.crops.grid, &e));
        json!({
            "response": measured.response,
            "specificity": measured.specificity,
            "best_photo": best_photo,
            "ratio": measured.ratio,
            "photos": self.pool.photos.len(),
            "crops": self.pool.crops.len(),
        })
    }
}

/// The fidelity of one picture against the pool, as JSON (see [`Comparison::describe`]).
pub fn measure(
    model: &EfficientNetLite,
    device: &Device,
    recipe: &Recipe,
    target: &[f64],
    picture: &RgbImage,
    photos: &PoolArgs,
    data: Option<&Path>,
) -> Result<Value> {
    let comparison = Comparison::at(model, device, recipe.tap()?, photos, data)?;
    let measured = comparison.fidelity(model, device, recipe, target, picture)?;
    Ok(comparison.describe(&measured))
}
