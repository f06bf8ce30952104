//! The Basis web app. The page (`ui`) never touches the network model; a dedicated Web Worker
//! (`engine`) downloads the weights, picks WebGPU or the CPU, and optimizes, so the page stays
//! responsive. They talk through the messages in `protocol`.

pub mod engine;
pub mod png;
pub mod protocol;
pub mod ui;
