//! Bilinear resampling (burn's `grid_sample_2d` with its default options) whose CPU gradient is
//! computed directly.
//!
//! burn's autodiff has no grid-sample operation of its own: it differentiates a decomposition
//! into gathers, and each gather's backward is a serial scatter. On the CPU the two cost about an
//! eighth of a step. The transforms resample through this backend extension instead: on burn-flex
//! the forward and the image's gradient are one pass each over the output, sharing the same
//! bilinear taps; on every other backend the operation is burn's own, as before.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
use burn::backend::flex::{FlexTensor, Layout};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Dispatch, Flex, TensorMetadata, backend_extension};
use burn::tensor::ops::GridSampleOptions;
use burn::tensor::{Bytes, DType, Shape, Tensor};

#[backend_extension(
    Flex,
    Cube: cfg(any(feature = "wgpu", feature = "webgpu")),
    Autodiff,
)]
pub trait ResampleOps: Backend {
    /// `image` (`[batch, channels, h, w]`) sampled bilinearly at `grid` (`[batch, h′, w′, 2]`,
    /// x then y in [-1, 1], pixel centres not aligned to the corners, zeros outside). The grid is
    /// a constant: no gradient flows to it.
    fn resample(image: FloatTensor<Self>, grid: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::float_grid_sample_2d(image, grid, GridSampleOptions::default())
    }
}

/// See [`ResampleOps::resample`].
pub fn resample(image: Tensor<4>, grid: Tensor<4>) -> Tensor<4> {
    Tensor::from_dispatch(<Dispatch as ResampleOps>::resample(
        image.into_dispatch(),
        grid.into_dispatch(),
    ))
}

#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl ResampleOps for burn::backend::Cube {}
#[cfg(any(feature = "wgpu", feature = "webgpu"))]
impl<C: CheckpointStrategy> ResampleOps for Autodiff<burn::backend::Cube, C> {}

impl ResampleOps for Flex {
    fn resample(image: FlexTensor, grid: FlexTensor) -> FlexTensor {
        let shape: [usize; 4] = image.shape().dims();
        sample(image, &Taps::new(&grid, [shape[2], shape[3]]))
    }
}

fn sample(image: FlexTensor, taps: &Taps) -> FlexTensor {
    let shape: [usize; 4] = image.shape().dims();
    assert_eq!(
        taps.taps.len(),
        shape[0] * taps.pixels_out(),
        "resample: one grid per image of the batch"
    );
    let image = image.to_contiguous();
    let output = taps.sample(image.storage(), shape[1]);
    flex_tensor(output, [shape[0], shape[1], taps.size[0], taps.size[1]])
}

#[derive(Debug)]
struct Resample;

impl Backward<Flex, 1> for Resample {
    /// The forward's taps and the image's shape.
    type State = (Taps, [usize; 4]);

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (taps, shape) = ops.state;
        unary::<Flex, _>(ops.parents, ops.node, grads, |output_grad| {
            let output_grad = output_grad.to_contiguous();
            flex_tensor(taps.spread(output_grad.storage(), shape), shape)
        });
    }
}

impl<C: CheckpointStrategy> ResampleOps for Autodiff<Flex, C> {
    fn resample(image: FloatTensor<Self>, grid: FloatTensor<Self>) -> FloatTensor<Self> {
        let shape: [usize; 4] = image.shape().dims();
        let grid = grid.into_primitive();
        match Resample
            .prepare::<C>([image.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                // The backward reuses the forward's taps.
                let taps = Taps::new(&grid, [shape[2], shape[3]]);
                let output = sample(image.into_primitive(), &taps);
                prep.finish((taps, shape), output)
            }
            OpsKind::UnTracked(prep) => prep.finish(Flex::resample(image.into_primitive(), grid)),
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

/// For every output pixel of every batch item, its four bilinear neighbours in the input plane:
/// (offset, weight), weight 0 for a neighbour outside the image.
#[derive(Debug, Clone)]
struct Taps {
    /// Output height and width.
    size: [usize; 2],
    /// Input height and width.
    input: [usize; 2],
    taps: Vec<[(usize, f32); 4]>,
}

impl Taps {
    fn new(grid: &FlexTensor, [in_h, in_w]: [usize; 2]) -> Self {
        let grid_shape: [usize; 4] = grid.shape().dims();
        let grid = grid.to_contiguous();
        let coordinates: &[f32] = grid.storage();
        // burn's convention without aligned corners: -1 and 1 are the image's outer edges.
        let pixel = |g: f32, size: usize| (g + 1.0) * size as f32 / 2.0 - 0.5;
        let taps = coordinates
            .chunks_exact(2)
            .map(|xy| {
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
            size: [grid_shape[1], grid_shape[2]],
            input: [in_h, in_w],
            taps,
        }
    }

    fn pixels_out(&self) -> usize {
        self.size[0] * self.size[1]
    }

    /// The taps of batch item `item`.
    fn of_item(&self, item: usize) -> &[[(usize, f32); 4]] {
        let n = self.pixels_out();
        &self.taps[item * n..(item + 1) * n]
    }

    /// The resampled image, `[batch, channels, h′, w′]` flattened.
    fn sample(&self, image: &[f32], channels: usize) -> Vec<f32> {
        let plane_in = self.input[0] * self.input[1];
        let mut output = vec![0.0; image.len() / plane_in * self.pixels_out()];
        for (index, out) in output.chunks_mut(self.pixels_out()).enumerate() {
            let plane = &image[index * plane_in..(index + 1) * plane_in];
            for (out, taps) in out.iter_mut().zip(self.of_item(index / channels)) {
                *out = taps
                    .iter()
                    .map(|&(offset, weight)| weight * plane[offset])
                    .sum();
            }
        }
        output
    }

    /// The image's gradient (`shape`) from the output's: each output's gradient spread back to
    /// its four neighbours with their weights.
    fn spread(&self, output_grad: &[f32], shape: [usize; 4]) -> Vec<f32> {
        let plane_in = shape[2] * shape[3];
        let mut grad = vec![0.0; shape.iter().product()];
        for (index, plane) in grad.chunks_mut(plane_in).enumerate() {
            let out = &output_grad[index * self.pixels_out()..(index + 1) * self.pixels_out()];
            for (&g, taps) in out.iter().zip(self.of_item(index / shape[1])) {
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
    use burn::tensor::{Device, TensorData, Tolerance};

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

    #[test]
    fn sampling_between_four_pixels_weighs_them_by_distance() {
        let device = Device::flex();
        // A 2×2 image; the grid point (0, 0) is the image's centre, between all four pixels.
        let image = Tensor::<4>::from_data([[[[1.0, 2.0], [3.0, 4.0]]]], &device);
        let grid = Tensor::<4>::from_data([[[[0.0, 0.0], [-0.5, -0.5], [1.0, -0.5]]]], &device);
        // Centre: the mean. (-0.5, -0.5): pixel (0, 0) exactly. (1, -0.5): half of pixel (0, 1),
        // half outside (zeros).
        resample(image, grid)
            .into_data()
            .assert_eq(&TensorData::from([[[[2.5f32, 1.0, 1.0]]]]), true);
    }

    #[test]
    fn forward_and_gradient_match_burns_grid_sample() {
        let device = Device::flex().autodiff();
        // Two images, three channels, each with its own grid reaching past the edges.
        let image = values([2, 3, 7, 9], 1, 0.0, 1.0, &device);
        let grid = values([2, 5, 6, 2], 2, -1.2, 1.2, &device);
        let probe = values([2, 3, 5, 6], 3, -1.0, 1.0, &device);
        let run = |ours: bool| {
            let image = image.clone().require_grad();
            let output = if ours {
                resample(image.clone(), grid.clone())
            } else {
                image
                    .clone()
                    .grid_sample_2d(grid.clone(), GridSampleOptions::default())
            };
            let grads = (output.clone() * probe.clone()).sum().backward();
            (output.into_data(), image.grad(&grads).unwrap().into_data())
        };
        let (ours, burns) = (run(true), run(false));
        ours.0
            .assert_approx_eq::<f32>(&burns.0, Tolerance::absolute(1e-5));
        ours.1
            .assert_approx_eq::<f32>(&burns.1, Tolerance::absolute(1e-5));
    }
}
