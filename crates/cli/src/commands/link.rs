//! `basis link`: the fragment to append to the app's address, for a recipe and presentation flags.

use std::path::Path;

use anyhow::{Result, bail};
use basis_recipe::{CONTROLS, Link};

use crate::recipe_args::RecipeArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Controls to hide, comma-separated (layer, channel, direction, seed, cospower, negative,
    /// centre, size, steps, playback, status, share, help).
    #[arg(long, value_delimiter = ',')]
    pub hide: Vec<String>,
    /// Presentation mode: a big canvas for a projector.
    #[arg(long)]
    pub present: bool,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let recipe = args.recipe.recipe_for_weights(data)?;
    let mut hide = Vec::new();
    for name in &args.hide {
        match CONTROLS.iter().find(|control| *control == name) {
            Some(control) => hide.push(*control),
            None => bail!(
                "--hide: unknown control `{name}` (known: {})",
                CONTROLS.join(", ")
            ),
        }
    }
    println!("#{}", Link::fragment(&recipe, &hide, args.present));
    Ok(())
}
