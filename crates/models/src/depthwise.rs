//! A depthwise convolution whose input gradient, on the CPU backend, is computed directly.
//!
//! burn derives every convolution's input gradient through a generic transposed convolution. For
//! a depthwise convolution (one filter per channel) that means, per channel, a rank-one GEMM into
//! a k²-times-larger column buffer and a scatter back from it: a fifth of a CPU step on EfficientNet,
//! for arithmetic that is k² multiply-adds per input pixel. Feature visualization needs exactly
//! this gradient (the image's), so the model routes its depthwise convolutions through this
//! backend extension: burn's own forward, and a backward node whose input gradient comes from
//! [`DepthwiseOps::depthwise_x_backward`]. On burn-flex that is the direct kernel below; on CubeCL
//! it is burn's generic gradient, given the weight in the layout its kernels want (see
//! `channels_last` below).

use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::ConvOptions;
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::ops::ModuleOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, backend_extension};
use burn::tensor::Tensor;

#[backend_extension(
    Flex,
    Cube: cfg(any(feature = "wgpu", feature = "webgpu")),
    Autodiff,
)]
pub trait DepthwiseOps: Backend {
    /// `conv2d` with one filter per channel (`groups` = channels) and a bias.
    fn depthwise_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d(x, weight, Some(bias), options)
    }

    /// The gradient of [`Self::depthwise_conv2d`] with respect to `x` (whose shape it takes).
    fn depthwise_x_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d_x_backward(x, weight, output_grad, options)
    }
}

/// A depthwise convolution of `x` (`[batch, channels, h, w]`) by `weight` (`[channels, 1, k, k]`).
pub fn depthwise_conv2d(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Tensor<1>,
    options: ConvOptions<2>,
) -> Tensor<4> {
    Tensor::from_dispatch(<Dispatch as DepthwiseOps>::depthwise_conv2d(
        x.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
        options,
    ))
}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl DepthwiseOps for burn::backend::Cube {
    fn depthwise_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d(x, cube::channels_last(weight), Some(bias), options)
    }

    fn depthwise_x_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        Self::conv2d_x_backward(x, cube::channels_last(weight), output_grad, options)
    }
}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
mod cube {
    use burn::backend::ops::FloatTensorOps;
    use burn::backend::tensor::FloatTensor;
    use burn::backend::{Cube, TensorMetadata};
    use burn::tensor::Shape;

    /// The same `[channels, 1, k, k]` weight as a view whose channels-last permutation is
    /// contiguous. CubeCL's convolutions permute their weights to channels-last and copy them
    /// unless the result is contiguous; with one input channel per filter, a plain layout's
    /// size-1 dimension keeps a stride of k², which fails that test: one copy per depthwise
    /// convolution and per gradient, every step. Reshaping and permuting are views: no launch.
    pub fn channels_last(weight: FloatTensor<Cube>) -> FloatTensor<Cube> {
        let [channels, one, kh, kw]: [usize; 4] = weight.shape().dims();
        let weight = Cube::float_reshape(weight, Shape::new([channels, kh, kw, one]));
        Cube::float_permute(weight, &[0, 3, 1, 2])
    }
}

impl DepthwiseOps for burn::backend::Flex {
    fn depthwise_x_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        flex::x_backward(x, weight, output_grad, options)
    }
}

#[derive(Debug)]
struct DepthwiseConv2d;

impl<B: DepthwiseOps> Backward<B, 3> for DepthwiseConv2d {
    type State = (NodeId, NodeId, NodeId, ConvOptions<2>);

    fn backward(
        self,
        ops: Ops<Self::State, 3>,
        grads: &mut Gradients,
        checkpointer: &mut Checkpointer,
    ) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let grad = grads.consume::<B>(&ops.node);
        let (x_state, weight_state, bias_state, options) = ops.state;
        let x = checkpointer.retrieve_node_output::<FloatTensor<B>>(x_state);
        let weight = checkpointer.retrieve_node_output::<FloatTensor<B>>(weight_state);
        let bias = checkpointer.retrieve_node_output::<FloatTensor<B>>(bias_state);

        if let Some(node) = node_x {
            let x_grad =
                B::depthwise_x_backward(x.clone(), weight.clone(), grad.clone(), options.clone());
            grads.register::<B>(node.id, x_grad);
        }
        if let Some(node) = node_weight {
            let weight_grad = B::conv2d_weight_backward(x.clone(), weight, grad.clone(), options);
            grads.register::<B>(node.id, weight_grad);
        }
        if let Some(node) = node_bias {
            grads.register::<B>(node.id, B::conv2d_bias_backward(x, bias, grad));
        }
    }
}

impl<B: DepthwiseOps, C: CheckpointStrategy> DepthwiseOps for Autodiff<B, C> {
    fn depthwise_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        match DepthwiseConv2d
            .prepare::<C>([x.node(), weight.node(), bias.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let state = (
                    prep.checkpoint(&x),
                    prep.checkpoint(&weight),
                    prep.checkpoint(&bias),
                    options.clone(),
                );
                let output = B::depthwise_conv2d(
                    x.into_primitive(),
                    weight.into_primitive(),
                    bias.into_primitive(),
                    options,
                );
                prep.finish(state, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::depthwise_conv2d(
                x.into_primitive(),
                weight.into_primitive(),
                bias.into_primitive(),
                options,
            )),
        }
    }
}

/// The direct kernel on burn-flex's tensors.
mod flex {
    use burn::backend::flex::{FlexTensor, Layout};
    use burn::backend::ops::{ConvOptions, ModuleOps};
    use burn::backend::{Flex, TensorMetadata};
    use burn::tensor::{DType, Shape};

    pub(super) fn x_backward(
        x: FlexTensor,
        weight: FlexTensor,
        output_grad: FlexTensor,
        options: ConvOptions<2>,
    ) -> FlexTensor {
        let x_shape: [usize; 4] = x.shape().dims();
        let w_shape: [usize; 4] = weight.shape().dims();
        let dy_shape: [usize; 4] = output_grad.shape().dims();
        let canonical = x.dtype() == DType::F32
            && weight.dtype() == DType::F32
            && output_grad.dtype() == DType::F32
            && options.dilation == [1, 1]
            && options.groups == x_shape[1]
            && w_shape[0] == x_shape[1]
            && w_shape[1] == 1
            && dy_shape[1] == x_shape[1];
        if !canonical {
            return Flex::conv2d_x_backward(x, weight, output_grad, options);
        }
        let geometry = super::Geometry {
            input: [x_shape[2], x_shape[3]],
            output: [dy_shape[2], dy_shape[3]],
            kernel: [w_shape[2], w_shape[3]],
            stride: options.stride,
            padding: options.padding_begin(),
        };
        let weight = weight.to_contiguous();
        let output_grad = output_grad.to_contiguous();
        let mut x_grad = vec![0.0f32; x_shape.iter().product()];
        super::input_grad(
            output_grad.storage(),
            weight.storage(),
            &mut x_grad,
            x_shape[1],
            &geometry,
        );
        FlexTensor::new(
            burn::tensor::Bytes::from_elems(x_grad),
            Layout::contiguous(Shape::from(x_shape.to_vec())),
            DType::F32,
        )
    }
}

/// Sizes of one depthwise convolution, per spatial axis (height, width).
#[derive(Debug, Clone, PartialEq)]
struct Geometry {
    input: [usize; 2],
    output: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    /// Padding before the first row and column (what follows the last only shapes `output`).
    padding: [usize; 2],
}

impl Geometry {
    /// Output positions `o` whose tap `k` lands inside the input: `o·stride + k − padding`
    /// in `[0, input)`.
    fn valid_outputs(&self, axis: usize, k: usize) -> std::ops::Range<usize> {
        let (stride, pad) = (self.stride[axis], self.padding[axis]);
        let first = pad.saturating_sub(k).div_ceil(stride);
        let end = (self.input[axis] + pad)
            .checked_sub(k)
            .map_or(0, |limit| limit.div_ceil(stride))
            .min(self.output[axis]);
        first.min(end)..end
    }
}

/// `x_grad[c, i] = Σ_k weight[c, k] · output_grad[c, o]` over the taps `i = o·stride + k − padding`,
/// one plane (batch item, channel) at a time: each tap's row is one multiply-add over a
/// contiguous run of the output row, which the compiler vectorizes.
fn input_grad(
    output_grad: &[f32],
    weight: &[f32],
    x_grad: &mut [f32],
    channels: usize,
    geometry: &Geometry,
) {
    let plane_in = geometry.input[0] * geometry.input[1];
    let plane_out = geometry.output[0] * geometry.output[1];
    let taps = geometry.kernel[0] * geometry.kernel[1];
    let plane = |(index, x_plane): (usize, &mut [f32])| {
        let channel = index % channels;
        plane_input_grad(
            &output_grad[index * plane_out..(index + 1) * plane_out],
            &weight[channel * taps..(channel + 1) * taps],
            x_plane,
            geometry,
        );
    };
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        x_grad.par_chunks_mut(plane_in).enumerate().for_each(plane);
    }
    #[cfg(not(feature = "rayon"))]
    x_grad.chunks_mut(plane_in).enumerate().for_each(plane);
}

/// [`plane_input_grad_with`], in 256-bit vectors where the CPU has them (the same additions in
/// the same order, so the same bits: Rust never fuses a multiply and an add on its own).
fn plane_input_grad(dy: &[f32], weight: &[f32], dx: &mut [f32], geometry: &Geometry) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU was just checked for AVX2.
        return unsafe { plane_input_grad_avx2(dy, weight, dx, geometry) };
    }
    plane_input_grad_with(dy, weight, dx, geometry);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn plane_input_grad_avx2(dy: &[f32], weight: &[f32], dx: &mut [f32], geometry: &Geometry) {
    plane_input_grad_with(dy, weight, dx, geometry);
}

#[inline(always)]
fn plane_input_grad_with(dy: &[f32], weight: &[f32], dx: &mut [f32], geometry: &Geometry) {
    let [in_h, in_w] = geometry.input;
    let out_w = geometry.output[1];
    let [kernel_h, kernel_w] = geometry.kernel;
    let [stride_h, stride_w] = geometry.stride;
    // A stride along the width writes every stride-th column, which does not vectorize. So rows
    // are accumulated split into phases (column i at (i mod stride)·phase + i / stride), where
    // one tap's outputs land on consecutive entries, and interleaved back at the end.
    let phase = in_w.div_ceil(stride_w);
    let row = stride_w * phase;
    let mut phases = if stride_w == 1 {
        Vec::new()
    } else {
        vec![0.0; in_h * row]
    };
    let rows: &mut [f32] = if stride_w == 1 { dx } else { &mut phases };
    // Per tap column that reaches the input: its outputs, and where the first lands in a row.
    let columns: Vec<_> = (0..kernel_w)
        .map(|kw| (kw, geometry.valid_outputs(1, kw)))
        .filter(|(_, outputs)| !outputs.is_empty())
        .map(|(kw, outputs)| {
            let first = outputs.start * stride_w + kw - geometry.padding[1];
            (kw, outputs, (first % stride_w) * phase + first / stride_w)
        })
        .collect();
    for kh in 0..kernel_h {
        for oh in geometry.valid_outputs(0, kh) {
            let ih = oh * stride_h + kh - geometry.padding[0];
            let dy_row = &dy[oh * out_w..(oh + 1) * out_w];
            let acc_row = &mut rows[ih * row..(ih + 1) * row];
            for (kw, outputs, start) in &columns {
                let tap = weight[kh * kernel_w + kw];
                let acc = &mut acc_row[*start..*start + outputs.len()];
                for (acc, dy) in acc.iter_mut().zip(&dy_row[outputs.clone()]) {
                    *acc += tap * dy;
                }
            }
        }
    }
    if stride_w != 1 {
        for (dx_row, acc_row) in dx.chunks_mut(in_w).zip(phases.chunks(row)) {
            for (j, group) in dx_row.chunks_mut(stride_w).enumerate() {
                for (p, dx) in group.iter_mut().enumerate() {
                    *dx = acc_row[p * phase + j];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::module::conv2d;
    use burn::tensor::{Device, Tolerance};

    fn device() -> Device {
        Device::flex().autodiff()
    }

    /// Deterministic values in [-1, 1) of the given shape (a hash of the index: tests run in
    /// parallel, so the device's shared seed would not be).
    fn values<const D: usize>(shape: [usize; D], seed: u64) -> Tensor<D> {
        let floats: Vec<f32> = (0..shape.iter().product::<usize>() as u64)
            .map(|i| ((i * 2_654_435_761 + seed * 40_503) % 2000) as f32 / 1000.0 - 1.0)
            .collect();
        Tensor::from_data(burn::tensor::TensorData::new(floats, shape), &device())
    }

    /// The gradient of `sum(conv(x))` with respect to `x`, for a single-channel all-ones kernel.
    fn ones_kernel_x_grad(size: usize, kernel: usize, options: ConvOptions<2>) -> Vec<f32> {
        let device = device();
        let x = Tensor::<4>::zeros([1, 1, size, size], &device).require_grad();
        let weight = Tensor::<4>::ones([1, 1, kernel, kernel], &device);
        let bias = Tensor::<1>::zeros([1], &device);
        let grads = depthwise_conv2d(x.clone(), weight, bias, options)
            .sum()
            .backward();
        x.grad(&grads)
            .unwrap()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    }

    #[test]
    fn each_input_pixel_gets_one_per_output_that_sees_it() {
        // 3×3 kernel, stride 1, padding 1: corners feed 4 outputs, edges 6, the centre 9.
        let grad = ones_kernel_x_grad(3, 3, ConvOptions::new([1, 1], [1, 1], [1, 1], 1));
        assert_eq!(grad, [4., 6., 4., 6., 9., 6., 4., 6., 4.]);

        // 4×4, 3×3 kernel, stride 2, TensorFlow's SAME padding (0 before, 1 after): output o
        // reads rows 2o..2o+2, so rows 0, 1, 3 are read once and row 2 twice; likewise columns.
        let options = ConvOptions::new_with_padding([2, 2], [(0, 1), (0, 1)], [1, 1], 1);
        let once_twice = [1., 1., 2., 1.];
        let expected: Vec<f32> = once_twice
            .iter()
            .flat_map(|row| once_twice.iter().map(move |column| row * column))
            .collect();
        assert_eq!(ones_kernel_x_grad(4, 3, options), expected);
    }

    /// Every gradient of the extension's depthwise convolution against burn's own `conv2d`.
    fn assert_matches_burn(shape: [usize; 4], kernel: usize, options: ConvOptions<2>) {
        let channels = shape[1];
        let x = values(shape, 1);
        let weight = values([channels, 1, kernel, kernel], 2);
        let bias = values([channels], 3);
        let probe = |output: Tensor<4>| output.clone() * values(output.dims(), 4);
        let floats = |t: Tensor<4>| t.into_data().try_to_vec::<f32>().unwrap();

        let run = |ours: bool| {
            let [x, weight] = [x.clone(), weight.clone()].map(Tensor::require_grad);
            let bias = bias.clone().require_grad();
            let output = if ours {
                depthwise_conv2d(x.clone(), weight.clone(), bias.clone(), options.clone())
            } else {
                conv2d(
                    x.clone(),
                    weight.clone(),
                    Some(bias.clone()),
                    options.clone(),
                )
            };
            let grads = probe(output.clone()).sum().backward();
            let grad = |t: Tensor<4>| t.grad(&grads).unwrap().into_data();
            (
                output.into_data(),
                grad(x),
                grad(weight),
                bias.grad(&grads).unwrap().into_data(),
            )
        };
        let (ours, burns) = (run(true), run(false));
        let tolerance = Tolerance::<f32>::absolute(1e-5);

        // The kernel itself, on plain slices: the probe is the output's gradient.
        let output_shape: [usize; 4] = ours.0.shape().dims();
        let geometry = Geometry {
            input: [shape[2], shape[3]],
            output: [output_shape[2], output_shape[3]],
            kernel: [kernel; 2],
            stride: options.stride,
            padding: options.padding_begin(),
        };
        let mut x_grad = vec![0.0; shape.iter().product()];
        let output_grad = floats(values(output_shape, 4));
        input_grad(
            &output_grad,
            &floats(weight.clone()),
            &mut x_grad,
            channels,
            &geometry,
        );
        burn::tensor::TensorData::new(x_grad, shape).assert_approx_eq(&burns.1, tolerance);

        ours.0.assert_approx_eq(&burns.0, tolerance);
        ours.1.assert_approx_eq(&burns.1, tolerance);
        ours.2.assert_approx_eq(&burns.2, tolerance);
        ours.3.assert_approx_eq(&burns.3, tolerance);
    }

    #[test]
    fn gradients_match_burns_conv2d_for_the_models_shapes() {
        // TensorFlow's SAME padding, as the model pads: odd sizes at stride 2 pad unevenly.
        let same = |size: usize, kernel: usize, stride: usize| {
            let total = (size.div_ceil(stride) - 1) * stride + kernel - size;
            (total / 2, total - total / 2)
        };
        for (size, kernel, stride) in [(9, 3, 1), (8, 5, 1), (8, 3, 2), (9, 5, 2), (7, 5, 2)] {
            let padding = [same(size, kernel, stride), same(size + 1, kernel, stride)];
            let options = ConvOptions::new_with_padding([stride; 2], padding, [1, 1], 3);
            assert_matches_burn([2, 3, size, size + 1], kernel, options);
        }
    }

    /// docs/performance.md's claim: the AVX2 path makes the same bits as the portable one.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_path_makes_the_same_bits() {
        if !std::is_x86_feature_detected!("avx2") {
            return;
        }
        let floats = |n: usize, seed: usize| -> Vec<f32> {
            (0..n)
                .map(|i| ((i * 7919 + seed * 104_729) % 2000) as f32 / 997.0 - 1.0)
                .collect()
        };
        for (stride, padding) in [(1, [2, 2]), (2, [1, 2])] {
            let geometry = Geometry {
                input: [29, 31],
                output: [29usize.div_ceil(stride), 31usize.div_ceil(stride)],
                kernel: [5, 5],
                stride: [stride; 2],
                padding,
            };
            let dy = floats(geometry.output[0] * geometry.output[1], 1);
            let weight = floats(25, 2);
            let [mut portable, mut avx2] = [vec![0.0; 29 * 31], vec![0.0; 29 * 31]];
            plane_input_grad_with(&dy, &weight, &mut portable, &geometry);
            // SAFETY: the CPU was just checked for AVX2.
            unsafe { plane_input_grad_avx2(&dy, &weight, &mut avx2, &geometry) };
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&portable), bits(&avx2), "stride {stride}");
        }
    }

    #[test]
    fn a_kernel_wider_than_the_image_matches_too() {
        // 64 px images reach the deepest layers at 2×2, under 5×5 kernels.
        let options = ConvOptions::new_with_padding([1, 1], [(2, 2), (2, 2)], [1, 1], 2);
        assert_matches_burn([1, 2, 2, 2], 5, options);
        let options = ConvOptions::new_with_padding([2, 2], [(2, 2), (1, 2)], [1, 1], 2);
        assert_matches_burn([1, 2, 1, 2], 5, options);
    }

    #[test]
    fn a_non_square_stride_and_no_padding_match_too() {
        let options = ConvOptions::new_with_padding([1, 2], [(0, 0), (2, 1)], [1, 1], 4);
        assert_matches_burn([1, 4, 6, 11], 3, options);
    }
}
