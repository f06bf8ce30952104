//! One optimization run: the image parameters, Adam's state, and the objective, stepped on any
//! burn device. Changing the objective keeps the image (a warm start), which is what lets the
//! app's slider morph a picture instead of restarting from noise.

use basis_models::EfficientNetLite;
use basis_models::relu6::Gradient;
use basis_recipe::{Recipe, RecipeError};
use burn::optim::{Adam, AdamConfig, AdamState, Optimizer};
use burn::tensor::{Device, Tensor, TensorData};
use image::RgbImage;

use crate::accentuate::{self, Anchor};
use crate::diversity::Diversity;
use crate::objective::{Objective, batch_values};
use crate::param::{ImageParam, ImageSettings};
use crate::rng::SeededRng;
use crate::transforms::{self, TransformSettings};

/// Lucid's and lucent's learning rate.
const LEARNING_RATE: f64 = 0.05;
/// PyTorch's and TensorFlow 1's Adam epsilon (burn's default is 1e-5).
const ADAM_EPSILON: f32 = 1e-8;

/// Steps whose ReLU6s pass a redirected gradient, so a neuron at 0 on the starting image still
/// moves; Lucid's `redirected_relu_grad` uses its first 16 steps.
const REDIRECTED_STEPS: usize = 16;
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
    #[error("a checkpoint of {found} parameters does not fit images of {expected}")]
    Checkpoint { expected: usize, found: usize },
    #[error("toward: {0} has no length in these weights, so it is no direction")]
    ZeroDirection(String),
    #[error("a batch needs at least one image")]
    EmptyBatch,
    #[error(
        "image {index} of the batch differs from the first in its layer or image settings; a batch shares them"
    )]
    MixedBatch { index: usize },
    #[error("{found} objectives given for a batch of {expected} images")]
    BatchSize { expected: usize, found: usize },
    #[error("toward: {0} is not a learned direction")]
    NotLearned(String),
    #[error(
        "toward: {toward} does not exist at {layer}: the photos gave {found} directions there (0..{found})"
    )]
    Unlearned {
        toward: String,
        found: usize,
        layer: String,
    },
    #[error("toward: no directions could be learned: {0}")]
    Learning(#[from] crate::ica::IcaError),
    #[error(
        "toward: {0} is learned from the shipped photos, which this caller did not give (see basis_featvis::learned)"
    )]
    NeedsPhotos(String),
    #[error("image {index} is not in a batch of {batch}")]
    NoSuchImage { index: usize, batch: usize },
    #[error("a penalty of {0} cannot hold a picture to its photo (0 to 100000)")]
    Penalty(f32),
    #[error("a batch of {batch} images does not split into diversity groups of {group}")]
    DiversityGroup { batch: usize, group: usize },
}

/// An RGB image, row-major, 3 bytes per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Frame {
    /// The pixels as opaque RGBA, what a canvas takes.
    pub fn rgba(&self) -> impl Iterator<Item = u8> + '_ {
        self.rgb
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
    }

    /// The frame as an `image` buffer, to save or paste into a sheet.
    pub fn to_image(&self) -> image::RgbImage {
        image::RgbImage::from_raw(self.width as u32, self.height as u32, self.rgb.clone())
            .expect("a frame holds width × height RGB pixels")
    }
}

/// One optimization of a batch of images, each with its own objective (all at one tap) and its
/// own starting noise; one forward and one backward pass per step for all of them. The batch's
/// images share each step's transform draw. The images do not interact (the network has no
/// batch statistics), so image `b` follows the same path as a batch of one with its objective and
/// noise seed and the batch's transform seed — unless [`Diversity`] couples them on purpose.
pub struct Session {
    model: EfficientNetLite,
    image: ImageParam,
    transforms: TransformSettings,
    objectives: Vec<Objective>,
    diversity: Option<Diversity>,
    params: Tensor<4>,
    adam: Adam,
    adam_state: Option<AdamState<4>>,
    rng: SeededRng,
    steps: usize,
    /// Each image's objective at the last step, still on the device.
    last: Option<Tensor<1>>,
    /// The photos that accentuated images started from, and their penalties' weights.
    starts: Option<(Vec<f32>, Vec<f32>)>,
    anchor: Option<Anchor>,
}

/// The diversity weight of reference images. Lucid's 1e2 is tuned for thousands of steps (Borowski
/// et al. ran 2560); in the app's 64–512 it swamps the direction. Measured at block8, 128 steps,
/// 64 and 128 px, a neuron and a random direction: 1e2 kept 2–26% of the objective a plain batch
/// reaches, 1e1 kept 65–73%, while the Gram similarity of the four (0 = orthogonal, 3 = identical)
/// fell from 2.1–2.9 to 0.17–0.32 (1e2: 0.04–0.06).
pub const REFERENCE_DIVERSITY: f32 = 10.0;

/// One image of a batch: what it optimizes, and the seed of its starting noise.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub objective: Objective,
    pub seed: u64,
}

impl Session {
    /// One image. `device` must have autodiff enabled; `model` must live on it.
    pub fn new(
        model: EfficientNetLite,
        device: &Device,
        image: ImageSettings,
        transforms: TransformSettings,
        objective: Objective,
        seed: u64,
    ) -> Result<Self, SessionError> {
        Self::batch(
            model,
            device,
            image,
            transforms,
            vec![Tile { objective, seed }],
            seed,
            None,
        )
    }

    /// A batch of images; `transform_seed` draws the transforms they share.
    pub fn batch(
        model: EfficientNetLite,
        device: &Device,
        image: ImageSettings,
        transforms: TransformSettings,
        tiles: Vec<Tile>,
        transform_seed: u64,
        diversity: Option<Diversity>,
    ) -> Result<Self, SessionError> {
        let objectives: Vec<Objective> = tiles.iter().map(|t| t.objective.clone()).collect();
        check(&objectives)?;
        if let Some(diversity) = diversity
            && (diversity.group == 0 || !tiles.len().is_multiple_of(diversity.group))
        {
            return Err(SessionError::DiversityGroup {
                batch: tiles.len(),
                group: diversity.group,
            });
        }
        let seeds: Vec<u64> = tiles.iter().map(|t| t.seed).collect();
        let param = ImageParam::new(&image, tiles.len(), device);
        let params = param.init(image.init_sd, &seeds, IMAGE_STREAM, device);
        Ok(Self {
            model,
            image: param,
            transforms,
            objectives,
            diversity,
            params,
            adam: AdamConfig::new().with_epsilon(ADAM_EPSILON).build(),
            adam_state: None,
            rng: SeededRng::new(transform_seed, TRANSFORM_STREAM),
            steps: 0,
            last: None,
            starts: None,
            anchor: None,
        })
    }

    /// One batch for several recipes that differ only in what they optimize and their seeds
    /// (layer, image and transform settings and steps must agree). Each image starts from its own
    /// recipe's noise; the transforms are drawn from `transform_seed`.
    pub async fn for_recipes(
        model: EfficientNetLite,
        device: &Device,
        recipes: &[Recipe],
        transform_seed: u64,
        diversity: Option<Diversity>,
    ) -> Result<Self, SessionError> {
        let mut targets = Vec::with_capacity(recipes.len());
        for recipe in recipes {
            targets.push(crate::direction::target(recipe, &model).await?);
        }
        Self::for_targets(model, device, recipes, &targets, transform_seed, diversity)
    }

    /// [`Session::for_recipes`] with what each recipe's slider turns toward already known (from
    /// [`crate::direction::target`], or [`crate::learned::Learned::target`] for a learned
    /// direction).
    pub fn for_targets(
        model: EfficientNetLite,
        device: &Device,
        recipes: &[Recipe],
        targets: &[Vec<f64>],
        transform_seed: u64,
        diversity: Option<Diversity>,
    ) -> Result<Self, SessionError> {
        let first = recipes.first().ok_or(SessionError::EmptyBatch)?;
        if let Some(index) = recipes.iter().position(|r| {
            r.layer != first.layer || r.image != first.image || r.transforms != first.transforms
        }) {
            return Err(SessionError::MixedBatch { index });
        }
        if targets.len() != recipes.len() {
            return Err(SessionError::BatchSize {
                expected: recipes.len(),
                found: targets.len(),
            });
        }
        let tiles = recipes
            .iter()
            .zip(targets)
            .map(|(recipe, target)| {
                Ok(Tile {
                    objective: Objective::for_recipe(recipe, target)?,
                    seed: recipe.seed,
                })
            })
            .collect::<Result<Vec<_>, SessionError>>()?;
        Self::batch(
            model,
            device,
            first.image,
            first.transforms,
            tiles,
            transform_seed,
            diversity,
        )
    }

    /// A direction's reference images for predict-the-response: one image per noise seed, all
    /// optimizing `direction`'s objective in one batch with a diversity term between them (see
    /// [`REFERENCE_DIVERSITY`]), so they show several faces of it; the transforms are drawn from
    /// the direction's seed.
    pub async fn references(
        model: EfficientNetLite,
        device: &Device,
        direction: &Recipe,
        seeds: &[u64],
    ) -> Result<Self, SessionError> {
        let target = crate::direction::target(direction, &model).await?;
        Self::references_toward(model, device, direction, &target, seeds)
    }

    /// [`Session::references`] with what the direction's slider turns toward already known.
    pub fn references_toward(
        model: EfficientNetLite,
        device: &Device,
        direction: &Recipe,
        target: &[f64],
        seeds: &[u64],
    ) -> Result<Self, SessionError> {
        let objective = Objective::for_recipe(direction, target)?;
        let tiles = seeds
            .iter()
            .map(|&seed| Tile {
                objective: objective.clone(),
                seed,
            })
            .collect();
        Self::batch(
            model,
            device,
            direction.image,
            direction.transforms,
            tiles,
            direction.seed,
            Some(Diversity {
                group: seeds.len(),
                weight: REFERENCE_DIVERSITY,
            }),
        )
    }

    /// Feature accentuation: image `index` starts from `photo` (its centred square at the
    /// session's size) instead of noise, and from now on loses `penalty` · mean((image − photo)²)
    /// against its objective. Before any step, its frame is the photo, byte for byte.
    pub fn accentuate(
        &mut self,
        index: usize,
        photo: &RgbImage,
        penalty: f32,
    ) -> Result<(), SessionError> {
        let batch = self.batch_size();
        if index >= batch {
            return Err(SessionError::NoSuchImage { index, batch });
        }
        if !(0.0..=basis_recipe::MAX_PENALTY).contains(&penalty) {
            return Err(SessionError::Penalty(penalty));
        }
        let pixels = accentuate::photo_pixels(photo, self.image.size());
        let params = self.image.invert(&pixels);
        let [channels, rows, _, columns] = self.image.shape();
        let device = self.params.device();
        let one = Tensor::<4>::from_data(
            TensorData::new(params, [channels, rows, 1, columns]),
            &device,
        );
        let params = self.params.clone().inner();
        self.params = params
            .slice_assign(
                [0..channels, 0..rows, index..index + 1, 0..columns],
                one.inner(),
            )
            .autodiff();
        let plane = pixels.len();
        let (photos, weights) = self
            .starts
            .get_or_insert_with(|| (vec![0.0; batch * plane], vec![0.0; batch]));
        photos[index * plane..(index + 1) * plane].copy_from_slice(&pixels);
        weights[index] = penalty;
        self.anchor = Some(Anchor::new(
            photos.clone(),
            weights.clone(),
            self.image.size(),
            &device,
        ));
        // Adam's moments belong to the image that was there.
        self.adam_state = None;
        Ok(())
    }

    pub fn steps(&self) -> usize {
        self.steps
    }

    pub fn batch_size(&self) -> usize {
        self.objectives.len()
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

    /// Warm start: the images stay, the objectives change (one per image). Adam's moments belong
    /// to the old objectives' landscape, so they start afresh.
    pub fn set_objectives(&mut self, objectives: Vec<Objective>) -> Result<(), SessionError> {
        if objectives.len() != self.batch_size() {
            return Err(SessionError::BatchSize {
                expected: self.batch_size(),
                found: objectives.len(),
            });
        }
        check(&objectives)?;
        self.objectives = objectives;
        self.adam_state = None;
        Ok(())
    }

    fn tap(&self) -> basis_models::TapId {
        self.objectives[0].tap
    }

    /// One Adam step, then each image's objective on its transformed copy, before the update
    /// (diversity not included). Reading them waits for the device; [`Session::advance`] does not.
    pub async fn step(&mut self) -> Result<Vec<f32>, SessionError> {
        self.advance();
        self.last_objectives().await
    }

    /// The objectives of the last step (see [`Session::step`]); waits for the device.
    pub async fn last_objectives(&self) -> Result<Vec<f32>, SessionError> {
        match &self.last {
            Some(values) => read_floats(values.clone()).await,
            None => Ok(Vec::new()),
        }
    }

    /// One Adam step on freshly transformed copies of the images, queued on the device without
    /// waiting for it: a GPU keeps computing while the next step is built. What a recipe renders
    /// does not depend on when it is read.
    pub fn advance(&mut self) {
        let params = self.params.clone().require_grad();
        let rgb = self.image.rgb(params.clone());
        let held = self
            .anchor
            .as_ref()
            .map(|anchor| anchor.penalty(rgb.clone()));
        let images = transforms::apply(&self.transforms, rgb, &mut self.rng);
        let gradient = if self.steps < REDIRECTED_STEPS {
            Gradient::Redirected
        } else {
            Gradient::Exact
        };
        let activations = self.model.forward_with(images, self.tap(), gradient);
        let values = batch_values(&self.objectives, activations.clone());
        let mut total = values.clone().sum();
        if let Some(diversity) = &self.diversity {
            total = total - diversity.penalty(activations);
        }
        if let Some(held) = held {
            total = total - held;
        }
        let grads = total.neg().backward();
        let grad = params
            .grad(&grads)
            .expect("the image parameters require a gradient");
        let (updated, state) =
            self.adam
                .step(LEARNING_RATE, params.inner(), grad, self.adam_state.take());
        self.params = updated.autodiff();
        self.adam_state = state;
        self.steps += 1;
        self.last = Some(values.inner());
    }

    /// Each image's objective on the image itself, untransformed: a noise-free measure of
    /// progress.
    pub async fn evaluate(&self) -> Result<Vec<f32>, SessionError> {
        let images = self.image.rgb(self.params.clone());
        let activations = self.model.forward_to(images, self.tap());
        read_floats(batch_values(&self.objectives, activations)).await
    }

    /// The current images as 8-bit RGB, in batch order (one read-back for all).
    pub async fn frames(&self) -> Result<Vec<Frame>, SessionError> {
        let rgb = self.image.rgb(self.params.clone());
        let [batch, _, height, width] = rgb.dims();
        let values = read_floats(rgb.permute([0, 2, 3, 1])).await?;
        Ok(values
            .chunks_exact(height * width * 3)
            .take(batch)
            .map(|image| Frame {
                width,
                height,
                rgb: image
                    .iter()
                    .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
                    .collect(),
            })
            .collect())
    }
}

/// Every objective fits its layer, and all read one layer (a batch runs the network once).
fn check(objectives: &[Objective]) -> Result<(), SessionError> {
    let first = objectives.first().ok_or(SessionError::EmptyBatch)?;
    if let Some(index) = objectives.iter().position(|o| o.tap != first.tap) {
        return Err(SessionError::MixedBatch { index });
    }
    objectives.iter().try_for_each(check_one)
}

fn check_one(objective: &Objective) -> Result<(), SessionError> {
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

/// Reads a tensor back to the host; asynchronous because WebGPU reads are.
pub(crate) async fn read_floats<const D: usize>(
    tensor: Tensor<D>,
) -> Result<Vec<f32>, SessionError> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|error| SessionError::Read(error.to_string()))?;
    data.try_to_vec::<f32>()
        .map_err(|error| SessionError::Read(format!("{error:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_turns_into_rgba_and_an_image_pixel_for_pixel() {
        let frame = Frame {
            width: 2,
            height: 1,
            rgb: vec![1, 2, 3, 250, 251, 252],
        };
        assert_eq!(
            frame.rgba().collect::<Vec<_>>(),
            [1, 2, 3, 255, 250, 251, 252, 255]
        );
        let image = frame.to_image();
        assert_eq!(image.dimensions(), (2, 1));
        assert_eq!(image.get_pixel(1, 0).0, [250, 251, 252]);
    }
}
