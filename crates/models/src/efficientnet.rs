//! EfficientNet-Lite0, -Lite1 and -Lite2 (Tan & Le, 2019; the "lite" variant drops
//! squeeze-and-excitation and uses ReLU6 so it quantizes well), built from [`Network`]'s shapes. BatchNorm is folded into each convolution's bias at import, so
//! every layer here is a convolution followed, where the architecture says so, by ReLU6.

use burn::backend::ops::ConvOptions;
use burn::module::{Initializer, Module};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::{Device, Tensor};

use crate::catalog::{Point, Site, TapId};
use crate::depthwise::depthwise_conv2d;
use crate::network::{BlockSpec, HEAD_CHANNELS, Network, STEM_CHANNELS};
use crate::relu6::{Gradient, relu6};

pub const NUM_CLASSES: usize = 1000;

#[derive(Module, Debug)]
pub struct EfficientNetLite {
    #[module(skip)]
    network: Network,
    pub(crate) stem: Conv2d,
    pub(crate) blocks: Vec<MbConv>,
    pub(crate) head: Conv2d,
    pub(crate) classifier: Linear,
}

/// Inverted residual: 1×1 expansion, depthwise k×k, 1×1 linear projection, skip when shapes match.
#[derive(Module, Debug)]
pub struct MbConv {
    pub(crate) expand: Option<Conv2d>,
    pub(crate) depthwise: Conv2d,
    pub(crate) project: Conv2d,
    #[module(skip)]
    residual: bool,
}

/// TensorFlow's "SAME" padding (asymmetric for even inputs at stride 2), which the weights were
/// trained with; burn computes it from the input size at every call.
fn conv(
    channels: [usize; 2],
    kernel: usize,
    stride: usize,
    groups: usize,
    device: &Device,
) -> Conv2d {
    Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([stride, stride])
        .with_groups(groups)
        .with_padding(PaddingConfig2d::Same)
        .with_bias(true)
        // Every parameter is overwritten by the weights file; zeros make construction cheap.
        .with_initializer(Initializer::Zeros)
        .init(device)
}

/// `conv.forward(x)` for one of the blocks' depthwise convolutions, through
/// [`crate::depthwise`]'s input gradient.
fn depthwise(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let [_, _, height, width] = x.dims();
    let options = ConvOptions::new_with_padding(
        conv.stride,
        [
            same_padding(conv.kernel_size[0], conv.stride[0], height),
            same_padding(conv.kernel_size[1], conv.stride[1], width),
        ],
        conv.dilation,
        conv.groups,
    );
    let bias = conv.bias.as_ref().expect("every convolution has a bias");
    depthwise_conv2d(x, conv.weight.val(), bias.val(), options)
}

/// TensorFlow's "SAME" padding (before, after) along one axis: `ceil(size / stride)` outputs,
/// the odd pixel of padding after. burn computes the same for `PaddingConfig2d::Same`, but not
/// publicly.
fn same_padding(kernel: usize, stride: usize, size: usize) -> (usize, usize) {
    let needed = (size.div_ceil(stride).max(1) - 1) * stride + kernel;
    let total = needed.saturating_sub(size);
    (total / 2, total - total / 2)
}

impl MbConv {
    fn new(spec: BlockSpec, device: &Device) -> Self {
        let (input, hidden) = (spec.input, spec.hidden());
        Self {
            expand: (spec.expansion != 1).then(|| conv([input, hidden], 1, 1, 1, device)),
            depthwise: conv([hidden, hidden], spec.kernel, spec.stride, hidden, device),
            project: conv([hidden, spec.output], 1, 1, 1, device),
            residual: spec.stride == 1 && input == spec.output,
        }
    }

    fn forward(&self, x: Tensor<4>, gradient: Gradient) -> Tensor<4> {
        self.forward_to(x, Point::Output, gradient)
    }

    /// The block's activations at `point`; nothing after it is computed.
    fn forward_to(&self, x: Tensor<4>, point: Point, gradient: Gradient) -> Tensor<4> {
        let hidden = match &self.expand {
            Some(expand) => relu6(expand.forward(x.clone()), gradient),
            None => x.clone(),
        };
        if point == Point::Expand {
            return hidden;
        }
        let spatial = relu6(depthwise(&self.depthwise, hidden), gradient);
        if point == Point::Depthwise {
            return spatial;
        }
        self.output_from(spatial, x)
    }

    /// The block's output from its depthwise activations `spatial` and its input `x` (for the
    /// residual): the linear part after [`Point::Depthwise`].
    pub fn output_from(&self, spatial: Tensor<4>, x: Tensor<4>) -> Tensor<4> {
        let out = self.project.forward(spatial);
        if self.residual { out + x } else { out }
    }
}

impl EfficientNetLite {
    /// The architecture with zero weights; [`crate::load_weights`] fills it.
    pub fn new(network: Network, device: &Device) -> Self {
        let blocks = &network.catalog().blocks;
        let head_input = blocks.last().expect("every network has blocks").output;
        Self {
            network,
            stem: conv([3, STEM_CHANNELS], 3, 2, 1, device),
            blocks: blocks
                .iter()
                .map(|spec| MbConv::new(*spec, device))
                .collect(),
            head: conv([head_input, HEAD_CHANNELS], 1, 1, 1, device),
            classifier: LinearConfig::new(HEAD_CHANNELS, NUM_CLASSES)
                .with_initializer(Initializer::Zeros)
                .init(device),
        }
    }

    /// RGB in [0, 1] → the range the weights expect, (x·255 − 127) / 128.
    fn normalize(rgb: Tensor<4>) -> Tensor<4> {
        rgb.mul_scalar(255.0 / 128.0).sub_scalar(127.0 / 128.0)
    }

    pub fn network(&self) -> Network {
        self.network
    }

    /// Activations at `tap` (a tap of this network) for RGB images in [0, 1], shape
    /// `[batch, 3, h, w]`. Nothing past the tap is computed.
    pub fn forward_to(&self, rgb: Tensor<4>, tap: TapId) -> Tensor<4> {
        self.forward_with(rgb, tap, Gradient::Exact)
    }

    /// [`Self::forward_to`], with every ReLU6 passing its gradient back as `gradient` says.
    pub fn forward_with(&self, rgb: Tensor<4>, tap: TapId, gradient: Gradient) -> Tensor<4> {
        debug_assert_eq!(
            tap.network(),
            self.network,
            "{tap} is another network's tap"
        );
        let x = relu6(self.stem.forward(Self::normalize(rgb)), gradient);
        match tap.site() {
            Site::Stem => x,
            Site::Block { index, point } => self.blocks[index].forward_to(
                self.blocks_before(x, index, gradient),
                point,
                gradient,
            ),
            Site::Head => relu6(
                self.head
                    .forward(self.blocks_before(x, self.blocks.len(), gradient)),
                gradient,
            ),
        }
    }

    /// The input of block `index`, from the stem's output.
    fn blocks_before(&self, stem: Tensor<4>, index: usize, gradient: Gradient) -> Tensor<4> {
        self.blocks[..index]
            .iter()
            .fold(stem, |x, block| block.forward(x, gradient))
    }

    /// The 1×1 convolution through which `tap`'s [`TapId::reader`] reads it (weights `[units,
    /// channels, 1, 1]`, BatchNorm folded into the bias). `None` where `tap` is no linear block
    /// output.
    pub fn reader(&self, tap: TapId) -> Option<&Conv2d> {
        match tap.site() {
            Site::Block {
                index,
                point: Point::Output,
            } => match self.blocks.get(index + 1) {
                Some(next) => next.expand.as_ref(),
                None => Some(&self.head),
            },
            _ => None,
        }
    }

    /// The 1×1 projection through which `tap`'s [`TapId::writer`] writes it (weights
    /// `[channels, units, 1, 1]`). `None` where `tap` is no linear block output.
    pub fn writer(&self, tap: TapId) -> Option<&Conv2d> {
        match tap.site() {
            Site::Block {
                index,
                point: Point::Output,
            } => Some(&self.blocks[index].project),
            _ => None,
        }
    }

    /// The MBConv blocks, in forward order (for tests that check one block's parts against its
    /// output).
    pub fn blocks(&self) -> &[MbConv] {
        &self.blocks
    }

    /// Class logits, `[batch, 1000]`, in the standard ImageNet class order.
    pub fn logits(&self, rgb: Tensor<4>) -> Tensor<2> {
        let head = self
            .network
            .tap("head")
            .expect("the head is in the catalog");
        let features = self
            .forward_to(rgb, head)
            .mean_dim(3)
            .mean_dim(2)
            .flatten(1, 3);
        self.classifier.forward(features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Distribution, Tolerance};

    #[test]
    fn the_depthwise_path_pads_and_convolves_as_conv2d_does() {
        let device = Device::flex();
        device.seed(7);
        for (size, kernel, stride) in [(8, 3, 1), (7, 5, 1), (8, 3, 2), (7, 3, 2), (9, 5, 2)] {
            let mut layer = conv([4, 4], kernel, stride, 4, &device);
            layer.weight = layer
                .weight
                .map(|w| w.random_like(Distribution::Uniform(-1.0, 1.0)));
            let x = Tensor::<4>::random([2, 4, size, size + 1], Distribution::Default, &device);
            depthwise(&layer, x.clone())
                .into_data()
                .assert_approx_eq::<f32>(&layer.forward(x).into_data(), Tolerance::absolute(1e-5));
        }
    }
}
