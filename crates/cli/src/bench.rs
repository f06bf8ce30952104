//! `basis bench`: per-step times for a recipe, each step synchronized by reading its objective.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::recipe_args::RecipeArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Steps run before timing starts (kernel compilation, allocator warm-up).
    #[arg(long, default_value_t = 3)]
    pub warmup: u32,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let (recipe, mut session) = args.recipe.prepare(data)?.start()?;
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
    let line = json!({
        "recipe": recipe.encode(),
        "backend": args.recipe.backend.name(),
        "layer": recipe.layer,
        "size": recipe.image.size,
        "warmup": args.warmup,
        "steps": times.len(),
        "median_ms": at(0.5),
        "p10_ms": at(0.1),
        "p90_ms": at(0.9),
    });
    println!("{line}");
    Ok(())
}
