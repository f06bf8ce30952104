//! Choosing where the network runs: WebGPU when the browser offers a working adapter and the
//! weights load there, otherwise the CPU, with a sentence that says why.

use basis_models::{EfficientNetLite, Network};
use burn::tensor::Device;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::Backend;

/// The network on its (autodiff) device.
pub struct Placed {
    pub device: Device,
    pub model: EfficientNetLite,
    pub backend: Backend,
    pub notice: Option<String>,
}

/// Why the CPU is used, in the words the page shows.
pub fn cpu_notice(why: &str) -> String {
    format!("{why}, so Basis runs on the CPU, which is much slower.")
}

/// `cpu_only`: the page restarted the engine after the GPU failed.
pub async fn place(
    scope: &DedicatedWorkerGlobalScope,
    network: Network,
    bytes: Vec<u8>,
    cpu_only: Option<String>,
) -> Result<Placed, String> {
    let why = match cpu_only {
        Some(why) => why,
        None => match webgpu(scope).await {
            Ok(device) => {
                let device = device.autodiff();
                match basis_models::load_weights(network, bytes.clone(), &device) {
                    Ok(model) => {
                        return Ok(Placed {
                            device,
                            model,
                            backend: Backend::WebGpu,
                            notice: None,
                        });
                    }
                    Err(error) => {
                        format!("The GPU started but could not take the weights ({error})")
                    }
                }
            }
            Err(why) => why,
        },
    };
    let device = Device::flex().autodiff();
    let model = basis_models::load_weights(network, bytes, &device)
        .map_err(|error| format!("the weights do not load: {error}"))?;
    Ok(Placed {
        device,
        model,
        backend: Backend::Cpu,
        notice: Some(cpu_notice(&why)),
    })
}

async fn webgpu(scope: &DedicatedWorkerGlobalScope) -> Result<Device, String> {
    if !scope.is_secure_context() {
        return Err(
            "This page was opened over plain http from another computer, and browsers \
                    turn WebGPU off on such pages (it needs https, or localhost)"
                .into(),
        );
    }
    let gpu = Reflect::get(&scope.navigator(), &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("This browser offers no WebGPU".into());
    }
    let request: Result<Function, _> =
        Reflect::get(&gpu, &"requestAdapter".into()).and_then(|f| f.dyn_into());
    let adapter = match request.map(|request| request.call0(&gpu)) {
        Ok(Ok(promise)) => JsFuture::from(Promise::resolve(&promise))
            .await
            .unwrap_or(JsValue::NULL),
        _ => JsValue::NULL,
    };
    if adapter.is_null() || adapter.is_undefined() {
        return Err("WebGPU is present but offers no GPU adapter".into());
    }
    Device::wgpu_options()
        .graphics_api(burn::tensor::wgpu::WgpuBackend::WebGpu)
        .init_async()
        .await
        .map_err(|error| format!("WebGPU could not start ({error})"))
}
