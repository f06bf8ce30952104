//! Bilinear resampling (burn's `grid_sample_2d` with its default options: pixel centres, corners
//! not aligned, zeros outside) with its taps worked out on the host.
//!
//! The transforms build their sampling grid on the host, so every output pixel's four neighbours
//! and weights are known there too. burn's grid sample would upload the grid and derive them on the
//! device, and its autodiff differentiates that derivation's gathers with atomic scatters: about
//! seventy kernel launches a step on a GPU, summed in whatever order the GPU's threads run (the
//! same link then drew slightly different pixels run to run), and a serial scatter per gather on
//! the CPU. Here the taps are host data: burn-flex samples and spreads the gradient back in one
//! pass each over the output; a GPU backend gets them as `[taps, h′, w′]` index and weight tensors
//! and runs a gather, a product and a sum, forward, and the same three operations with the
//! transposed taps (each input pixel's outputs) backward: no atomics, the same bits every run.

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
use burn::backend::Cube;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
use burn::backend::flex::{FlexTensor, Layout};
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::backend::{Autodiff, Backend, Dispatch, Flex, TensorMetadata, backend_extension};
use burn::tensor::{Bytes, DType, Shape, Tensor, TensorData};

#[backend_extension(
    Flex,
    Cube: cfg(any(feature = "wgpu", feature = "webgpu")),
    Autodiff,
)]
pub trait ResampleOps: Backend {
    /// `image` (`[batch, channels, h, w]`) resampled by `taps` to `[batch, channels, h′, w′]`,
    /// the same taps for every plane. The taps are constants: no gradient flows to them.
    fn resample(image: FloatTensor<Self>, taps: Taps) -> FloatTensor<Self> {
        let (index, weight) = taps.tensors::<Self>(&image.device());
        gathered::<Self>(image, index, weight)
    }
}

/// Samples `image` bilinearly at `grid`: `[h′, w′, 2]` flattened, x then y in [-1, 1] (-1 and 1
/// are the image's outer edges).
pub fn resample(image: Tensor<4>, grid: &[f32], size: [usize; 2]) -> Tensor<4> {
    let [_, _, h, w] = image.dims();
    Tensor::from_dispatch(<Dispatch as ResampleOps>::resample(
        image.into_dispatch(),
        Taps::bilinear(grid, [h, w], size),
    ))
}

/// Output pixel `p` of every plane is `Σₖ weight[k, p] · plane[index[k, p]]` (`index` and `weight`
/// are `[taps, h′, w′]`), from burn's operations.
fn gathered<B: Backend>(
    image: FloatTensor<B>,
    index: IntTensor<B>,
    weight: FloatTensor<B>,
) -> FloatTensor<B> {
    let [batch, channels, h, w]: [usize; 4] = image.shape().dims();
    let [taps, out_h, out_w]: [usize; 3] = weight.shape().dims();
    let all = taps * out_h * out_w;
    let planes = B::float_reshape(image, Shape::new([batch, channels, h * w]));
    let index = B::int_reshape(index, Shape::new([1, 1, all]));
    let index = B::int_expand(index, Shape::new([batch, channels, all]));
    let weight = B::float_reshape(weight, Shape::new([1, 1, all]));
    let weight = B::float_expand(weight, Shape::new([batch, channels, all]));
    let weighted = B::float_mul(B::float_gather(2, planes, index), weight);
    let weighted = B::float_reshape(weighted, Shape::new([batch, channels, taps, out_h * out_w]));
    let summed = B::float_sum_dim(weighted, 2);
    B::float_reshape(summed, Shape::new([batch, channels, out_h, out_w]))
}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl ResampleOps for Cube {}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl<C: CheckpointStrategy> ResampleOps for Autodiff<Cube, C> {
    fn resample(image: FloatTensor<Self>, taps: Taps) -> FloatTensor<Self> {
        match Transposed
            .prepare::<C>([image.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let back = taps.transposed().tensors::<Cube>(&image.device());
                prep.finish(back, Cube::resample(image.into_primitive(), taps))
            }
            OpsKind::UnTracked(prep) => prep.finish(Cube::resample(image.into_primitive(), taps)),
        }
    }
}

/// The gradient of [`gathered`]: the output's gradient gathered with the transposed taps.
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
#[derive(Debug)]
struct Transposed;

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl<B: Backend> Backward<B, 1> for Transposed {
    /// The transposed taps' index and weight tensors.
    type State = (IntTensor<B>, FloatTensor<B>);

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (index, weight) = ops.state;
        unary::<B, _>(ops.parents, ops.node, grads, |output_grad| {
            gathered::<B>(output_grad, index, weight)
        });
    }
}

impl ResampleOps for Flex {
    fn resample(image: FlexTensor, taps: Taps) -> FlexTensor {
        sample(image, &taps)
    }
}

fn sample(image: FlexTensor, taps: &Taps) -> FlexTensor {
    let [batch, channels, _, _]: [usize; 4] = image.shape().dims();
    let image = image.to_contiguous();
    let output = taps.sample(image.storage());
    flex_tensor(output, [batch, channels, taps.size[0], taps.size[1]])
}

#[derive(Debug)]
struct Spread;

impl Backward<Flex, 1> for Spread {
    type State = Taps;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let taps = ops.state;
        unary::<Flex, _>(ops.parents, ops.node, grads, |output_grad| {
            let [batch, channels, _, _]: [usize; 4] = output_grad.shape().dims();
            let output_grad = output_grad.to_contiguous();
            let [h, w] = taps.input;
            flex_tensor(taps.spread(output_grad.storage()), [batch, channels, h, w])
        });
    }
}

impl<C: CheckpointStrategy> ResampleOps for Autodiff<Flex, C> {
    fn resample(image: FloatTensor<Self>, taps: Taps) -> FloatTensor<Self> {
        match Spread
            .prepare::<C>([image.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let output = sample(image.into_primitive(), &taps);
                prep.finish(taps, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(sample(image.into_primitive(), &taps)),
        }
    }
}

fn flex_tensor(values: Vec<f32>, shape: [usize; 4]) -> FlexTensor {
    FlexTensor::new(
        Bytes::from_elems(values),
        Layout::contiguous(Shape::from(shape.to_vec())),
        DType::F32,
    )
}

/// Where every output pixel reads from: `per_pixel` (offset into an input plane, weight) pairs
/// per output pixel, weight 0 where there is nothing to read.
#[derive(Debug, Clone)]
pub struct Taps {
    /// Output height and width.
    size: [usize; 2],
    /// Input height and width.
    input: [usize; 2],
    per_pixel: usize,
    /// Output pixel by output pixel.
    taps: Vec<(usize, f32)>,
}

impl Taps {
    /// Each output pixel's four bilinear neighbours at its `grid` point.
    fn bilinear(grid: &[f32], [in_h, in_w]: [usize; 2], [out_h, out_w]: [usize; 2]) -> Self {
        assert_eq!(
            grid.len(),
            2 * out_h * out_w,
            "resample: the grid is h′ × w′ × 2"
        );
        // burn's convention without aligned corners: -1 and 1 are the image's outer edges.
        let pixel = |g: f32, size: usize| (g + 1.0) * size as f32 / 2.0 - 0.5;
        let taps = grid
            .chunks_exact(2)
            .flat_map(|xy| {
                let (x, y) = (pixel(xy[0], in_w), pixel(xy[1], in_h));
                let (x0, y0) = (x.floor(), y.floor());
                let (fx, fy) = (x - x0, y - y0);
                let corner = |dx: f32, dy: f32, weight: f32| {
                    let (cx, cy) = (x0 + dx, y0 + dy);
                    let inside =
                        (0.0..in_w as f32).contains(&cx) && (0.0..in_h as f32).contains(&cy);
                    if inside && weight != 0.0 {
                        (cy as usize * in_w + cx as usize, weight)
                    } else {
                        (0, 0.0)
                    }
                };
                [
                    corner(0.0, 0.0, (1.0 - fx) * (1.0 - fy)),
                    corner(0.0, 1.0, (1.0 - fx) * fy),
                    corner(1.0, 0.0, fx * (1.0 - fy)),
                    corner(1.0, 1.0, fx * fy),
                ]
            })
            .collect();
        Self {
            size: [out_h, out_w],
            input: [in_h, in_w],
            per_pixel: 4,
            taps,
        }
    }

    fn pixels_out(&self) -> usize {
        self.size[0] * self.size[1]
    }

    fn of_pixel(&self) -> std::slice::ChunksExact<'_, (usize, f32)> {
        self.taps.chunks_exact(self.per_pixel)
    }

    /// Input and output swapped: for every input pixel, the output pixels that read it, with
    /// their weights, in output order. Gathering an output's gradient with these taps gives the
    /// input's gradient.
    fn transposed(&self) -> Self {
        let plane_in = self.input[0] * self.input[1];
        let mut readers = vec![0; plane_in];
        for &(offset, _) in self.taps.iter().filter(|(_, weight)| *weight != 0.0) {
            readers[offset] += 1;
        }
        let per_pixel = readers.iter().copied().max().unwrap_or(0).max(1);
        let mut taps = vec![(0, 0.0); plane_in * per_pixel];
        readers.fill(0);
        for (pixel, pixel_taps) in self.of_pixel().enumerate() {
            for &(offset, weight) in pixel_taps.iter().filter(|(_, weight)| *weight != 0.0) {
                taps[offset * per_pixel + readers[offset]] = (pixel, weight);
                readers[offset] += 1;
            }
        }
        Self {
            size: self.input,
            input: self.size,
            per_pixel,
            taps,
        }
    }

    /// The offsets and the weights as `[taps, h′, w′]` tensors (one plane per tap) on `device`.
    fn tensors<B: Backend>(&self, device: &B::Device) -> (IntTensor<B>, FloatTensor<B>) {
        let shape = [self.per_pixel, self.size[0], self.size[1]];
        let plane = |k: usize| self.of_pixel().map(move |taps| taps[k]);
        let index: Vec<i32> = (0..self.per_pixel)
            .flat_map(plane)
            .map(|(offset, _)| offset as i32)
            .collect();
        let weight: Vec<f32> = (0..self.per_pixel)
            .flat_map(plane)
            .map(|(_, weight)| weight)
            .collect();
        (
            B::int_from_data(TensorData::new(index, shape), device),
            B::float_from_data(TensorData::new(weight, shape), device),
        )
    }

    /// The resampled planes (`batch × channels` input planes, flattened), flattened.
    fn sample(&self, image: &[f32]) -> Vec<f32> {
        let plane_in = self.input[0] * self.input[1];
        let mut output = vec![0.0; image.len() / plane_in * self.pixels_out()];
        for (plane, out) in image
            .chunks_exact(plane_in)
            .zip(output.chunks_exact_mut(self.pixels_out()))
        {
            for (out, taps) in out.iter_mut().zip(self.of_pixel()) {
                *out = taps
                    .iter()
                    .map(|&(offset, weight)| weight * plane[offset])
                    .sum();
            }
        }
        output
    }

    /// The input planes' gradient from the output planes': each output's gradient spread back
    /// to the pixels it read, with their weights.
    fn spread(&self, output_grad: &[f32]) -> Vec<f32> {
        let plane_in = self.input[0] * self.input[1];
        let mut grad = vec![0.0; output_grad.len() / self.pixels_out() * plane_in];
        for (plane, out) in grad
            .chunks_exact_mut(plane_in)
            .zip(output_grad.chunks_exact(self.pixels_out()))
        {
            for (&g, taps) in out.iter().zip(self.of_pixel()) {
                for &(offset, weight) in taps {
                    plane[offset] += weight * g;
                }
            }
        }
        grad
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::ops::GridSampleOptions;
    use burn::tensor::{Device, Tolerance};

    /// Deterministic values in [lo, hi) (a hash of the index).
    fn values<const D: usize>(
        shape: [usize; D],
        seed: u64,
        lo: f32,
        hi: f32,
        device: &Device,
    ) -> Tensor<D> {
        let floats: Vec<f32> = (0..shape.iter().product::<usize>() as u64)
            .map(|i| lo + (hi - lo) * ((i * 2_654_435_761 + seed * 40_503) % 1000) as f32 / 1000.0)
            .collect();
        Tensor::from_data(TensorData::new(floats, shape), device)
    }

    /// The grid of `values`, flattened for [`resample`].
    fn host(grid: Tensor<4>) -> Vec<f32> {
        grid.into_data().try_to_vec().unwrap()
    }

    #[test]
    fn sampling_between_four_pixels_weighs_them_by_distance() {
        let device = Device::flex();
        // A 2×2 image; the grid point (0, 0) is the image's centre, between all four pixels.
        let image = Tensor::<4>::from_data([[[[1.0, 2.0], [3.0, 4.0]]]], &device);
        // Centre: the mean. (-0.5, -0.5): pixel (0, 0) exactly. (1, -0.5): half of pixel (0, 1),
        // half outside (zeros).
        resample(image, &[0.0, 0.0, -0.5, -0.5, 1.0, -0.5], [1, 3])
            .into_data()
            .assert_eq(&TensorData::from([[[[2.5f32, 1.0, 1.0]]]]), true);
    }

    /// Forward and image gradient of `ours` (given the image, the grid and the output's gradient)
    /// and of burn's grid sample, on two images of three channels sharing a grid that reaches
    /// past the edges.
    fn compare_with_burns_grid_sample(
        ours: impl Fn(Tensor<4>, &[f32], Tensor<4>) -> [TensorData; 2],
    ) {
        let device = Device::flex().autodiff();
        let image = values([2, 3, 7, 9], 1, 0.0, 1.0, &device);
        let grid = values([1, 5, 6, 2], 2, -1.2, 1.2, &device);
        let probe = values([2, 3, 5, 6], 3, -1.0, 1.0, &device);
        let burns = {
            let image = image.clone().require_grad();
            let output = image
                .clone()
                .grid_sample_2d(grid.clone().repeat_dim(0, 2), GridSampleOptions::default());
            let grads = (output.clone() * probe.clone()).sum().backward();
            [output.into_data(), image.grad(&grads).unwrap().into_data()]
        };
        let ours = ours(image, &host(grid), probe);
        for (ours, burns) in ours.iter().zip(&burns) {
            ours.assert_approx_eq::<f32>(burns, Tolerance::absolute(1e-5));
        }
    }

    #[test]
    fn the_cpu_kernels_match_burns_grid_sample() {
        compare_with_burns_grid_sample(|image, grid, probe| {
            let image = image.require_grad();
            let output = resample(image.clone(), grid, [5, 6]);
            let grads = (output.clone() * probe).sum().backward();
            [output.into_data(), image.grad(&grads).unwrap().into_data()]
        });
    }

    /// What the GPU backends compute, here on the CPU: the same generic operations, forward with
    /// the taps and backward with the transposed taps.
    #[test]
    fn gathering_with_the_taps_and_their_transpose_matches_burns_grid_sample() {
        compare_with_burns_grid_sample(|image, grid, probe| {
            let [_, _, h, w] = image.dims();
            let taps = Taps::bilinear(grid, [h, w], [5, 6]);
            let gather = |tensor: Tensor<4>, taps: &Taps| {
                let tensor = tensor.into_dispatch();
                let (index, weight) = taps.tensors::<Dispatch>(&tensor.device());
                Tensor::<4>::from_dispatch(gathered::<Dispatch>(tensor, index, weight))
            };
            let output = gather(image, &taps);
            let image_grad = gather(probe, &taps.transposed());
            [output.into_data(), image_grad.into_data()]
        });
    }

    #[test]
    fn the_transposed_taps_list_each_input_pixels_readers() {
        // One row of three input pixels, two outputs: halfway between pixels 0 and 1, and on 2.
        let taps = Taps {
            size: [1, 2],
            input: [1, 3],
            per_pixel: 2,
            taps: vec![(0, 0.5), (1, 0.5), (2, 1.0), (0, 0.0)],
        };
        let back = taps.transposed();
        assert_eq!((back.size, back.input, back.per_pixel), ([1, 3], [1, 2], 1));
        assert_eq!(back.taps, vec![(0, 0.5), (0, 0.5), (1, 1.0)]);
    }
}
