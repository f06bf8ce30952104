//! ReLU6, `min(max(x, 0), 6)`, written per backend the way it launches least work.
//!
//! burn has no ReLU6 operation. On the CPU (burn-flex) two ReLUs, `relu(x) − relu(x − 6)`, are
//! fastest: burn's autodiff has a fused ReLU backward, while `clamp` falls back to comparisons and
//! masked fills (a fifth of a CPU step), and a hand-fused ReLU6 measured no faster. On a GPU
//! (CubeCL) every operation is a kernel launch and a step is bound by launches, not arithmetic:
//! there the two ReLUs cost 12 launches per ReLU6 (forward and backward) and `clamp` fewer.

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, backend_extension};
use burn::tensor::Tensor;

#[backend_extension(
    Flex,
    Cube: cfg(any(feature = "wgpu", feature = "webgpu")),
    Autodiff,
)]
pub trait Relu6Ops: Backend {
    fn relu6(x: FloatTensor<Self>) -> FloatTensor<Self> {
        // The two forms differ by at most one rounding of `x − 6`.
        let shifted = Self::float_sub_scalar(x.clone(), 6.0.into());
        Self::float_sub(Self::relu(x), Self::relu(shifted))
    }
}

/// `min(max(x, 0), 6)`, elementwise.
pub fn relu6<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    Tensor::from_dispatch(<Dispatch as Relu6Ops>::relu6(x.into_dispatch()))
}

impl Relu6Ops for Flex {}
impl<C: CheckpointStrategy> Relu6Ops for Autodiff<Flex, C> {}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl Relu6Ops for burn::backend::Cube {
    fn relu6(x: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::float_clamp(x, 0.0.into(), 6.0.into())
    }
}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl<C: CheckpointStrategy> Relu6Ops for Autodiff<burn::backend::Cube, C> {
    fn relu6(x: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::float_clamp(x, 0.0.into(), 6.0.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    #[test]
    fn clips_to_zero_and_six_and_passes_the_gradient_between() {
        let device = Device::flex().autodiff();
        let x = Tensor::<1>::from_floats([-1.0, 0.5, 5.5, 7.0, 3.0], &device).require_grad();
        let y = relu6(x.clone());
        y.clone()
            .into_data()
            .assert_eq(&TensorData::from([0.0f32, 0.5, 5.5, 6.0, 3.0]), true);
        let weights = Tensor::<1>::from_floats([1.0, 2.0, 3.0, 4.0, 5.0], &device);
        let grads = (y * weights).sum().backward();
        x.grad(&grads)
            .unwrap()
            .into_data()
            .assert_eq(&TensorData::from([0.0f32, 2.0, 3.0, 0.0, 5.0]), true);
    }
}
