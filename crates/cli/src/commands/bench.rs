//! `basis bench`: per-step times for a recipe, each step synchronized by reading its objective.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};
use basis_featvis::{Session, direction};
use basis_recipe::Recipe;
use serde_json::json;

use crate::recipe_args::{Prepared, RecipeArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Steps run before timing starts (kernel compilation, allocator warm-up).
    #[arg(long, default_value_t = 3)]
    pub warmup: u32,
    /// Optimize this many images at once (the recipe with seeds seed, seed + 1, …), as a
    /// comparison sheet does.
    #[arg(long, default_value_t = 1)]
    pub batch: usize,
    /// Split the batch over this many threads, each optimizing its share as a batch of its own
    /// (a batch's images are independent, and every share draws the same transforms). Times are
    /// then means over the whole run of all threads, not medians of single steps.
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let Prepared {
        recipe,
        model,
        device,
        target,
        photo,
    } = args.recipe.prepare(data)?;
    if !(1..=basis_recipe::MAX_BATCH).contains(&args.batch) {
        bail!(
            "--batch: {} is out of range (1 to {})",
            args.batch,
            basis_recipe::MAX_BATCH
        );
    }
    let recipes: Vec<Recipe> = (0..args.batch as u64)
        .map(|i| Recipe {
            seed: recipe.seed.wrapping_add(i),
            ..recipe.clone()
        })
        .collect();
    // A random direction is drawn from each image's seed; the network's own and learned ones are
    // the recipe's for every seed.
    let targets: Vec<Vec<f64>> = recipes
        .iter()
        .map(|r| direction::random_target(r).unwrap_or_else(|| target.clone()))
        .collect();
    if let Some(threads) = args.threads {
        if photo.is_some() {
            bail!("--threads times pictures that start from noise; drop --start or --threads");
        }
        return threaded(&args, threads, &recipe, &recipes, &targets, model, &device);
    }
    let mut session = Session::for_targets(model, &device, &recipes, &targets, recipe.seed, None)?;
    if let (Some(photo), Some(penalty)) = (&photo, recipe.start.penalty()) {
        for index in 0..recipes.len() {
            session.accentuate(index, photo, penalty)?;
        }
    }
    for _ in 0..args.warmup {
        pollster::block_on(session.step())?;
    }
    let mut times = Vec::with_capacity(recipe.steps as usize);
    for _ in 0..recipe.steps {
        let started = Instant::now();
        pollster::block_on(session.step())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    print_line(
        &args,
        &recipe,
        json!({
            "median_ms_per_image": at(0.5) / args.batch as f64,
            "steps": times.len(),
            "median_ms": at(0.5),
            "p10_ms": at(0.1),
            "p90_ms": at(0.9),
        }),
    );
    Ok(())
}

/// One JSON line: what was measured, then `timing`.
fn print_line(args: &Args, recipe: &Recipe, timing: serde_json::Value) {
    let mut line = json!({
        "recipe": recipe.encode(),
        "backend": args.recipe.compute.backend.name(),
        "layer": recipe.layer,
        "size": recipe.image.size,
        "batch": args.batch,
        "warmup": args.warmup,
    });
    if let (Some(line), serde_json::Value::Object(timing)) = (line.as_object_mut(), timing) {
        line.extend(timing);
    }
    println!("{line}");
}

/// Each thread runs its share of the batch; the clock runs from when the first has warmed up
/// until the last one finishes.
fn threaded(
    args: &Args,
    threads: usize,
    recipe: &Recipe,
    recipes: &[Recipe],
    targets: &[Vec<f64>],
    model: basis_models::EfficientNetLite,
    device: &burn::tensor::Device,
) -> Result<()> {
    if !(1..=recipes.len()).contains(&threads) {
        bail!(
            "--threads: {threads} is out of range (1 to the batch, {})",
            recipes.len()
        );
    }
    let share = recipes.len().div_ceil(threads);
    let sessions = recipes
        .chunks(share)
        .zip(targets.chunks(share))
        .map(|(chunk, targets)| {
            Session::for_targets(model.clone(), device, chunk, targets, recipe.seed, None)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let windows = std::thread::scope(|scope| {
        let workers: Vec<_> = sessions
            .into_iter()
            .map(|mut session| {
                scope.spawn(move || -> Result<(Instant, Instant)> {
                    for _ in 0..args.warmup {
                        pollster::block_on(session.step())?;
                    }
                    let started = Instant::now();
                    for _ in 0..recipe.steps {
                        pollster::block_on(session.step())?;
                    }
                    Ok((started, Instant::now()))
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a bench thread panicked"))
            .collect::<Result<Vec<_>>>()
    })?;
    let first = windows
        .iter()
        .map(|w| w.0)
        .min()
        .expect("at least one thread");
    let last = windows
        .iter()
        .map(|w| w.1)
        .max()
        .expect("at least one thread");
    let per_step = (last - first).as_secs_f64() * 1000.0 / recipe.steps.max(1) as f64;
    print_line(
        args,
        recipe,
        json!({
            "threads": threads,
            "mean_ms": per_step,
            "mean_ms_per_image": per_step / args.batch as f64,
            "steps": recipe.steps,
        }),
    );
    Ok(())
}
