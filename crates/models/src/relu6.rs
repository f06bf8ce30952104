//! ReLU6, `min(max(x, 0), 6)`, written per backend the way it launches least work.
//!
//! burn has no ReLU6 operation. On the CPU (burn-flex) two ReLUs, `relu(x) − relu(x − 6)`, are
//! fastest: burn's autodiff has a fused ReLU backward, while `clamp` falls back to comparisons and
//! masked fills (a fifth of a CPU step), and a hand-fused ReLU6 measured no faster. On a GPU
//! (CubeCL) every operation is a kernel launch and a step is bound by launches, not arithmetic:
//! there the two ReLUs cost 12 launches per ReLU6 (forward and backward), burn's differentiated
//! `clamp` 6, and the `clamp` kernel with its own backward 3.

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::autodiff::{
    checkpoint::base::Checkpointer,
    grads::Gradients,
    ops::{Backward, Ops, OpsKind, unary},
};
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, backend_extension};
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::{Cube, TensorMetadata, get_or_init_device_settings};
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
impl Relu6Ops for Cube {
    fn relu6(x: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::float_clamp(x, 0.0.into(), 6.0.into())
    }
}

/// burn's autodiff would differentiate `clamp` as a minimum and a maximum, each a comparison and a
/// masked fill forward and a masked fill backward: six launches. Here the forward is the one
/// `clamp` kernel, and the backward passes the gradient where the clamp changed nothing (as
/// burn's does: `0 ≤ x ≤ 6`), one comparison and one masked fill.
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl<C: CheckpointStrategy> Relu6Ops for Autodiff<Cube, C> {
    fn relu6(x: FloatTensor<Self>) -> FloatTensor<Self> {
        match Unclipped
            .prepare::<C>([x.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let x = x.into_primitive();
                let y = Cube::relu6(x.clone());
                prep.finish((x, y.clone()), y)
            }
            OpsKind::UnTracked(prep) => prep.finish(Cube::relu6(x.into_primitive())),
        }
    }
}

/// ReLU6's gradient on CubeCL: the output's gradient where `relu6(x) = x`, else 0.
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
#[derive(Debug)]
struct Unclipped;

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl Backward<Cube, 1> for Unclipped {
    /// The input and the output.
    type State = (FloatTensor<Cube>, FloatTensor<Cube>);

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, y) = ops.state;
        unary::<Cube, _>(ops.parents, ops.node, grads, |grad| {
            let bool_dtype = get_or_init_device_settings::<Cube>(&x.device()).bool_dtype;
            let clipped = Cube::float_not_equal(x, y, bool_dtype);
            Cube::float_mask_fill(grad, clipped, 0.0.into())
        });
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
