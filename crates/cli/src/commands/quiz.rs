//! `basis quiz`: a "spot the neuron" quiz link, its tally link, and the answer key (for the
//! teacher: which side holds the neuron in each round, and every image's own link).

use std::path::Path;

use anyhow::{Context, Result};
use basis_recipe::{ClassTest, DEFAULT_ROUNDS, Link, Quiz, Recipe};
use serde_json::json;

use crate::files::{self, DataDir};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Layers the rounds take turns on, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "block3,block8,block14")]
    pub layers: Vec<String>,
    #[arg(long, default_value_t = DEFAULT_ROUNDS)]
    pub rounds: usize,
    /// Image width and height in pixels.
    #[arg(long, default_value_t = 128)]
    pub size: usize,
    #[arg(long, default_value_t = 128)]
    pub steps: u32,
    /// Draws the rounds: the same seed gives the same quiz.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl Args {
    /// The recipe every image of the test shares.
    pub fn base(&self, weights: String) -> Recipe {
        let mut base = Recipe::new(weights);
        base.image.size = self.size;
        base.steps = self.steps;
        base.seed = self.seed;
        base
    }
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let bytes = files::read_weights(&DataDir::locate(data)?.weights())?;
    let base = args.base(basis_models::weights_hash(&bytes));
    let quiz = Quiz::new(base, args.layers, args.rounds);
    quiz.validate().context("bad flags")?;
    let image = |recipe: &Recipe| format!("#{}", Link::fragment(recipe, &[], false));
    let key: Vec<_> = quiz
        .rounds()
        .iter()
        .enumerate()
        .map(|(i, round)| {
            json!({
                "round": i + 1,
                "layer": round.layer,
                "neuron": if round.neuron_left { "left" } else { "right" },
                "channel": round.neuron.channel,
                "left": image(round.shown()[0]),
                "right": image(round.shown()[1]),
            })
        })
        .collect();
    let code = quiz.encode();
    let id = quiz.id();
    let test = ClassTest::Spot(quiz);
    let line = json!({
        "quiz": code,
        "id": id,
        "link": format!("#{}", test.fragment()),
        "tally": format!("#{}", test.tally_fragment()),
        "key": key,
    });
    println!("{line}");
    Ok(())
}
