//! One optimization run: the image parameters, Adam's state, and the objective, stepped on any
//! burn device. Changing the objective keeps the image (a warm start), which is what lets the
//! app's slider morph a picture instead of restarting from noise.

use basis_models::EfficientNetLite0;
use basis_recipe::{Recipe, RecipeError};
use burn::optim::{Adam, AdamConfig, AdamState, Optimizer};
use burn::tensor::{Device, Tensor, TensorData};

use crate::objective::Objective;
use crate::param::{ImageParam, ImageSettings};
use crate::rng::SeededRng;
use crate::transforms::TransformSettings;

/// Lucid's and lucent's learning rate.
const LEARNING_RATE: f64 = 0.05;
/// PyTorch's and TensorFlow 1's Adam epsilon (burn's default is 1e-5).
const ADAM_EPSILON: f32 = 1e-8;

const IMAGE_STREAM: u64 = 2;
const TRANSFORM_STREAM: u64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("reading back from the device failed: {0}")]
    Read(String),
    #[error("the objective's layer has {expected} channels but its direction has {found}")]
    DirectionLength { expected: usize, found: usize },
    #[error("channel {channel} is out of range for a layer of {channels} channels")]
    Channel { channel: usize, channels: usize },
    #[error(transparent)]
    Recipe(#[from] RecipeError),
    #[error("a checkpoint of {found} parameters does not fit an image of {expected}")]
    Checkpoint { expected: usize, found: usize },
}

/// An RGB image, row-major, 3 bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

pub struct Session {
    model: EfficientNetLite0,
    image: ImageParam,
    transforms: TransformSettings,
    objective: Objective,
    params: Tensor<3>,
    adam: Adam,
    adam_state: Option<AdamState<3>>,
    rng: SeededRng,
    steps: usize,
}

impl Session {
    /// `device` must have autodiff enabled; `model` must live on it.
    pub fn new(
        model: EfficientNetLite0,
        device: &Device,
        image: ImageSettings,
        transforms: TransformSettings,
        objective: Objective,
        seed: u64,
    ) -> Result<Self, SessionError> {
        check(&objective)?;
        let param = ImageParam::new(&image, device);
        let params = param.init(
            image.init_sd,
            &mut SeededRng::new(seed, IMAGE_STREAM),
            device,
        );
        Ok(Self {
            model,
            image: param,
            transforms,
            objective,
            params,
            adam: AdamConfig::new().with_epsilon(ADAM_EPSILON).build(),
            adam_state: None,
            rng: SeededRng::new(seed, TRANSFORM_STREAM),
            steps: 0,
        })
    }

    /// A fresh optimization of `recipe`, from its noise.
    pub fn for_recipe(
        model: EfficientNetLite0,
        device: &Device,
        recipe: &Recipe,
    ) -> Result<Self, SessionError> {
        Self::new(
            model,
            device,
            recipe.image.into(),
            recipe.transforms.into(),
            Objective::for_recipe(recipe)?,
            recipe.seed,
        )
    }

    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Warm start towards `recipe`'s objective (see [`Session::set_objective`]).
    pub fn set_recipe_objective(&mut self, recipe: &Recipe) -> Result<(), SessionError> {
        self.set_objective(Objective::for_recipe(recipe)?)
    }

    /// The image parameters, to go on from later (e.g. on another device) with [`Session::restore`].
    pub async fn checkpoint(&self) -> Result<Vec<f32>, SessionError> {
        read_floats(self.params.clone()).await
    }

    /// Continues from a checkpoint taken after `steps` steps. Adam's moments start afresh, as
    /// after a warm start.
    pub fn restore(&mut self, params: Vec<f32>, steps: usize) -> Result<(), SessionError> {
        let shape = self.image.shape();
        let expected = shape.iter().product();
        if params.len() != expected {
            return Err(SessionError::Checkpoint {
                expected,
                found: params.len(),
            });
        }
        let device = self.params.device();
        self.params = Tensor::from_data(TensorData::new(params, shape), &device);
        self.adam_state = None;
        self.steps = steps;
        Ok(())
    }

    /// Warm start: the image stays, the objective changes. Adam's moments belong to the old
    /// objective's landscape, so they start afresh.
    pub fn set_objective(&mut self, objective: Objective) -> Result<(), SessionError> {
        check(&objective)?;
        self.objective = objective;
        self.adam_state = None;
        Ok(())
    }

    /// One Adam step on a freshly transformed copy of the image. Returns the objective's value on
    /// that copy, before the update; reading it waits for the device.
    pub async fn step(&mut self) -> Result<f32, SessionError> {
        let params = self.params.clone().require_grad();
        let image = self
            .transforms
            .apply(self.image.rgb(params.clone()), &mut self.rng);
        let value = self
            .objective
            .value(self.model.forward_to(image, self.objective.tap));
        let grads = value.clone().neg().backward();
        let grad = params
            .grad(&grads)
            .expect("the image parameters require a gradient");
        let (updated, state) =
            self.adam
                .step(LEARNING_RATE, params.inner(), grad, self.adam_state.take());
        self.params = updated.autodiff();
        self.adam_state = state;
        self.steps += 1;
        read_scalar(value).await
    }

    /// The objective on the current image, untransformed: a noise-free measure of progress.
    pub async fn evaluate(&self) -> Result<f32, SessionError> {
        let image = self.image.rgb(self.params.clone());
        read_scalar(
            self.objective
                .value(self.model.forward_to(image, self.objective.tap)),
        )
        .await
    }

    /// The current image as 8-bit RGB.
    pub async fn frame(&self) -> Result<Frame, SessionError> {
        let rgb = self.image.rgb(self.params.clone());
        let [_, _, height, width] = rgb.dims();
        let values = read_floats(rgb.permute([0, 2, 3, 1])).await?;
        let rgb = values
            .iter()
            .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect();
        Ok(Frame { width, height, rgb })
    }
}

fn check(objective: &Objective) -> Result<(), SessionError> {
    use crate::objective::Direction;
    let channels = objective.tap.channels();
    match &objective.direction {
        Direction::Basis(channel) if *channel >= channels => Err(SessionError::Channel {
            channel: *channel,
            channels,
        }),
        Direction::Vector { values, .. } if values.len() != channels => {
            Err(SessionError::DirectionLength {
                expected: channels,
                found: values.len(),
            })
        }
        _ => Ok(()),
    }
}

async fn read_scalar(value: Tensor<1>) -> Result<f32, SessionError> {
    Ok(read_floats(value).await?[0])
}

/// Reads a tensor back to the host; asynchronous because WebGPU reads are.
async fn read_floats<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, SessionError> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|error| SessionError::Read(error.to_string()))?;
    data.try_to_vec::<f32>()
        .map_err(|error| SessionError::Read(format!("{error:?}")))
}
