//! `--backend`: which burn device computes.

use anyhow::{Result, anyhow};
use burn::tensor::Device;
use clap::ValueEnum;

/// The `--backend` flag every command that runs the network takes.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Compute {
    /// Which burn device computes.
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: Backend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// burn-flex: pure Rust, multithreaded, SIMD; also what the browser falls back to.
    Cpu,
    /// burn-wgpu on the machine's Vulkan, Metal or DX12 adapter.
    Wgpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::Wgpu => "wgpu",
        }
    }

    pub fn device(self) -> Result<Device> {
        match self {
            Backend::Cpu => Ok(Device::flex()),
            Backend::Wgpu => {
                // wgpu panics deep inside when no adapter exists; turn that into an error.
                let previous = std::panic::take_hook();
                std::panic::set_hook(Box::new(|_| {}));
                let device = std::panic::catch_unwind(|| Device::wgpu_options().init());
                std::panic::set_hook(previous);
                match device {
                    Ok(Ok(device)) => Ok(device),
                    Ok(Err(error)) => {
                        Err(anyhow!("no usable wgpu adapter on this machine: {error}"))
                    }
                    Err(_) => Err(anyhow!(
                        "no usable wgpu adapter on this machine (Vulkan, Metal or DX12 needed)"
                    )),
                }
            }
        }
    }
}
