//! One module per `basis` subcommand: its flags (`Args`) and its `run`.

pub mod bench;
pub mod classify;
pub mod examples;
pub mod fidelity;
pub mod link;
pub mod predict;
pub mod probe;
pub mod quiz;
pub mod render;
pub mod setup;
pub mod sheet;
pub mod stats;
pub mod tally;
