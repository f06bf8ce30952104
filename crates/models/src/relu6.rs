//! ReLU6, `min(max(x, 0), 6)`, written per backend the way it launches least work, with the
//! redirected gradient feature visualization needs at the start of an optimization.
//!
//! burn has no ReLU6 operation. On the CPU (burn-flex) two ReLUs, `relu(x) − relu(x − 6)`, are
//! fastest: burn's autodiff has a fused ReLU backward, while `clamp` falls back to comparisons and
//! masked fills (a fifth of a CPU step), and a hand-fused ReLU6 measured no faster. On a GPU
//! (CubeCL) every operation is a kernel launch and a step is bound by launches, not arithmetic:
//! there the two ReLUs cost 12 launches per ReLU6 (forward and backward), burn's differentiated
//! `clamp` 6, and the `clamp` kernel with its own backward 3.
//!
//! A neuron behind a ReLU6 that is at 0 everywhere on the starting image gets no gradient and
//! never moves: at deep hidden taps most channels start that way. Lucid's redirected ReLU
//! (`lucid/misc/redirected_relu_grad.py`) fixes it: for an image whose true gradient through the
//! layer is zero, pass the gradient wherever it would not push an input further past the clip.

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::Cube;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::{
    checkpoint::base::Checkpointer,
    grads::Gradients,
    ops::{Backward, Ops, OpsKind, unary},
};
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{
    Autodiff, Backend, Dispatch, Flex, TensorMetadata, backend_extension,
    get_or_init_device_settings,
};
use burn::tensor::Tensor;

/// How a ReLU6 passes the gradient back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gradient {
    /// The derivative: the output's gradient where `0 < x ≤ 6`, else 0.
    Exact,
    /// The derivative for an image that gets some gradient through the layer; for an image that
    /// gets none, the output's gradient except where descent would push `x` further below 0 or
    /// above 6 (Lucid's redirected ReLU).
    Redirected,
}

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

    /// [`Relu6Ops::relu6`]'s values; under autodiff, the [`Gradient::Redirected`] backward.
    fn relu6_redirected(x: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::relu6(x)
    }
}

/// `min(max(x, 0), 6)`, elementwise, with the given backward.
pub fn relu6<const D: usize>(x: Tensor<D>, gradient: Gradient) -> Tensor<D> {
    let x = x.into_dispatch();
    Tensor::from_dispatch(match gradient {
        Gradient::Exact => <Dispatch as Relu6Ops>::relu6(x),
        Gradient::Redirected => <Dispatch as Relu6Ops>::relu6_redirected(x),
    })
}

impl Relu6Ops for Flex {}

impl<C: CheckpointStrategy> Relu6Ops for Autodiff<Flex, C> {
    fn relu6_redirected(x: FloatTensor<Self>) -> FloatTensor<Self> {
        redirected::<Flex, C>(x)
    }
}

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

    fn relu6_redirected(x: FloatTensor<Self>) -> FloatTensor<Self> {
        redirected::<Cube, C>(x)
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

fn redirected<B: Relu6Ops, C: CheckpointStrategy>(
    x: FloatTensor<Autodiff<B, C>>,
) -> FloatTensor<Autodiff<B, C>> {
    match Redirect.prepare::<C>([x.node()]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            let x = x.into_primitive();
            prep.finish(x.clone(), B::relu6(x))
        }
        OpsKind::UnTracked(prep) => prep.finish(B::relu6(x.into_primitive())),
    }
}

/// [`Gradient::Redirected`]'s backward; its state is the input.
#[derive(Debug)]
struct Redirect;

impl<B: Backend> Backward<B, 1> for Redirect {
    type State = FloatTensor<B>;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let x = ops.state;
        unary::<B, _>(ops.parents, ops.node, grads, |grad| redirect::<B>(x, grad));
    }
}

/// The exact gradient for each image (batch element) that gets some, the redirected one for each
/// that gets none. The exact one equals the two ReLUs' bit for bit, so images that get a gradient
/// take the same path either way.
fn redirect<B: Backend>(x: FloatTensor<B>, grad: FloatTensor<B>) -> FloatTensor<B> {
    let bools = get_or_init_device_settings::<B>(&x.device()).bool_dtype;
    let shape = x.shape();
    let below = B::float_lower_equal_elem(x.clone(), 0.0.into(), bools);
    let above = B::float_greater_elem(x, 6.0.into(), bools);
    let exact = B::float_mask_fill(grad.clone(), below.clone(), 0.0.into());
    let exact = B::float_mask_fill(exact, above.clone(), 0.0.into());
    // Descent moves `x` against its gradient: down where it is positive, up where negative.
    let pushed_down = B::float_greater_elem(grad.clone(), 0.0.into(), bools);
    let pushed_up = B::float_lower_elem(grad.clone(), 0.0.into(), bools);
    let outward = B::bool_or(
        B::bool_and(below, pushed_down),
        B::bool_and(above, pushed_up),
    );
    let redirected = B::float_mask_fill(grad, outward, 0.0.into());
    let batch = shape[0];
    let per_image = B::float_reshape(
        B::float_abs(exact.clone()),
        [batch, shape.num_elements() / batch].into(),
    );
    let silent = B::float_equal_elem(B::float_sum_dim(per_image, 1), 0.0.into(), bools);
    let mut broadcast = vec![1; shape.num_dims()];
    broadcast[0] = batch;
    let silent = B::bool_expand(B::bool_reshape(silent, broadcast.into()), shape);
    B::float_mask_where(exact, silent, redirected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    /// The gradient of `Σ weights·relu6(x)` with respect to `x`.
    fn gradient_of<const D: usize>(
        x: Tensor<D>,
        weights: Tensor<D>,
        gradient: Gradient,
    ) -> TensorData {
        let x = x.require_grad();
        let grads = (relu6(x.clone(), gradient) * weights).sum().backward();
        x.grad(&grads).unwrap().into_data()
    }

    #[test]
    fn clips_to_zero_and_six_and_passes_the_gradient_between() {
        let device = Device::flex().autodiff();
        // One image (the first dimension is the batch).
        let x = Tensor::<2>::from_floats([[-1.0, 0.5, 5.5, 7.0, 3.0]], &device);
        relu6(x.clone(), Gradient::Exact)
            .into_data()
            .assert_eq(&TensorData::from([[0.0f32, 0.5, 5.5, 6.0, 3.0]]), true);
        let weights = Tensor::<2>::from_floats([[1.0, 2.0, 3.0, 4.0, 5.0]], &device);
        for gradient in [Gradient::Exact, Gradient::Redirected] {
            gradient_of(x.clone(), weights.clone(), gradient)
                .assert_eq(&TensorData::from([[0.0f32, 2.0, 3.0, 0.0, 5.0]]), true);
        }
    }

    #[test]
    fn an_image_with_no_gradient_through_the_layer_gets_the_inward_part() {
        let device = Device::flex().autodiff();
        // Image 0 lies wholly outside (0, 6]; image 1 has one input inside.
        let x = Tensor::<2>::from_floats([[-2.0, -1.0, 0.0, 7.0], [-2.0, 1.0, -1.0, 7.0]], &device);
        let weights =
            Tensor::<2>::from_floats([[1.0, -1.0, 2.0, 3.0], [1.0, -1.0, 2.0, 3.0]], &device);
        gradient_of(x.clone(), weights.clone(), Gradient::Exact).assert_eq(
            &TensorData::from([[0.0f32, 0.0, 0.0, 0.0], [0.0, -1.0, 0.0, 0.0]]),
            true,
        );
        // The backward pass sees d(Σ)/dy = weights; descent on it moves x by −weights. Image 0
        // keeps the entries that would move x back towards (0, 6]: positive weights at x ≤ 0 would
        // push it lower, a positive weight above 6 pulls it down, inside. Image 1 is exact.
        gradient_of(x, weights, Gradient::Redirected).assert_eq(
            &TensorData::from([[0.0f32, -1.0, 0.0, 3.0], [0.0, -1.0, 0.0, 0.0]]),
            true,
        );
    }
}
