//! `basis render`: one recipe → one PNG, and a JSON line describing the run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use basis_featvis::direction;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::fidelity::{self, PoolArgs};
use crate::recipe_args::RecipeArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Where to write the PNG.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Add the picture's fidelity to the JSON line (as `basis fidelity` measures it).
    #[arg(long)]
    pub fidelity: bool,
    #[command(flatten)]
    pub pool: PoolArgs,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let prepared = args.recipe.prepare(data)?;
    let target = prepared.target.clone();
    let (model, device) = (prepared.model.clone(), prepared.device.clone());
    let (recipe, mut session) = prepared.start()?;

    let progress = ProgressBar::new(recipe.steps as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} steps, objective {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let mut first = None;
    let mut last = 0.0;
    for _ in 0..recipe.steps {
        last = pollster::block_on(session.step())?[0];
        first.get_or_insert(last);
        progress.set_message(format!("{last:.3}"));
        progress.inc(1);
    }
    let ms_per_step = started.elapsed().as_secs_f64() * 1000.0 / recipe.steps as f64;
    progress.finish_and_clear();

    let picture = pollster::block_on(session.frames())?.remove(0).to_image();
    picture
        .save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let fidelity = args
        .fidelity
        .then(|| {
            fidelity::measure(
                &model, &device, &recipe, &target, &picture, &args.pool, data,
            )
        })
        .transpose()?;

    let mut line = json!({
        "recipe": recipe.encode(),
        "output": args.output,
        "backend": args.recipe.compute.backend.name(),
        "toward": recipe.toward.to_string(),
        "angle_to_neuron": direction::angle_to_neuron(
            recipe.channel as usize,
            &target,
            recipe.mix as f64,
        ),
        "objective_first": first,
        "objective_last": last,
        "ms_per_step": ms_per_step,
    });
    if let Some(fidelity) = fidelity {
        line["fidelity"] = fidelity;
    }
    println!("{line}");
    Ok(())
}
