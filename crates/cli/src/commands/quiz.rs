//! `basis quiz`: a "spot the neuron" quiz link, its tally link, and an answer key (for the
//! teacher: which side holds the neuron in each round, what it is shown against, and every
//! image's own link) — a student's own (`--student`), or everyone's with `--same-items`.

use std::path::Path;

use anyhow::{Context, Result};
use basis_recipe::{Arms, ClassTest, DEFAULT_ROUNDS, Design, Items, Link, Quiz, Recipe};
use serde_json::json;

use crate::files::{self, DataDir};
use crate::recipe_args::ModelArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Layers the rounds take turns on, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "block3,block8,block14")]
    pub layers: Vec<String>,
    #[command(flatten)]
    pub model: ModelArg,
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
    /// Every student gets the same rounds in the same order (for a projector); by default each
    /// student gets their own, drawn from the seed and their result code's nonce.
    #[arg(long)]
    pub same_items: bool,
    /// The student whose rounds the key lists: the nonce in their result code (the four
    /// characters before the last six). Without it, a test of own items prints no key.
    #[arg(long, value_name = "NONCE")]
    pub student: Option<String>,
    /// A third arm, directions learned from the shipped photos (ICA): spot the neuron shows half
    /// of its neurons against one instead of a random direction (rounds: an even number);
    /// predict the response asks about one in a third of its rounds, learned from half of the
    /// photos, every round's queries coming from the other half (rounds: a multiple of 3).
    #[arg(long)]
    pub learned: bool,
}

impl Args {
    /// The recipe every image of the test shares.
    pub fn base(&self, weights: String) -> Recipe {
        let mut base = Recipe::for_network(self.model.network, weights);
        base.image.size = self.size;
        base.steps = self.steps;
        base.seed = self.seed;
        base
    }

    /// What the link fixes.
    pub fn design(&self, weights: String) -> Design {
        let mut design = Design::new(self.base(weights), self.layers.clone(), self.rounds);
        if self.same_items {
            design.items = Items::Shared;
        }
        if self.learned {
            design.arms = Arms::Three;
        }
        design
    }

    /// Whose rounds a key can list: anyone's when all share them, else the named student's.
    pub fn student(&self, items: Items) -> Option<String> {
        match items {
            Items::Shared => Some(String::new()),
            Items::Own => self.student.as_ref().map(|s| s.trim().to_uppercase()),
        }
    }
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let bytes = files::read_weights(&DataDir::locate(data)?.weights(args.model.network))?;
    let quiz = Quiz::from(args.design(basis_models::weights_hash(&bytes)));
    quiz.validate().context("bad flags")?;
    let image = |recipe: &Recipe| format!("#{}", Link::fragment(recipe, &[], false));
    let student = args.student(quiz.items);
    let key = student.as_ref().map(|student| {
        quiz.rounds(student)
            .iter()
            .enumerate()
            .map(|(i, round)| {
                json!({
                    "round": i + 1,
                    "layer": round.layer,
                    "neuron": if round.neuron_left { "left" } else { "right" },
                    "channel": round.neuron.channel,
                    "foil": round.foil_arm.key(),
                    "learned": round.foil.toward.learned().map(|(_, k)| k),
                    "left": image(round.shown()[0]),
                    "right": image(round.shown()[1]),
                })
            })
            .collect::<Vec<_>>()
    });
    let code = quiz.encode();
    let quiz_items = quiz.items;
    let id = quiz.id();
    let test = ClassTest::Spot(quiz);
    let line = json!({
        "quiz": code,
        "id": id,
        "link": format!("#{}", test.fragment()),
        "tally": format!("#{}", test.tally_fragment()),
        "items": items_name(quiz_items),
        "student": student.as_ref().filter(|s| !s.is_empty()),
        "key": key,
    });
    println!("{line}");
    Ok(())
}

/// How a JSON line names whose items a test's rounds are.
pub fn items_name(items: Items) -> &'static str {
    match items {
        Items::Own => "own",
        Items::Shared => "shared",
    }
}
