//! `basis predict`: a predict-the-response test — its link, its tally link and an answer key (a
//! student's own with `--student`, or everyone's with `--same-items`) with the photo crops each
//! round shows, found on the real model as the app finds them — and, with `--render`, each round
//! as a PNG (references, then the two photos) for a class without computers. `--controls` adds
//! Borowski's control rounds.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_featvis::pool::{self, Activations};
use basis_featvis::queries::{self, RoundCrops};
use basis_featvis::{Frame, Session};
use basis_recipe::{Arm, Arms, ClassTest, Condition, ControlRounds, Link, Predict, Trial};
use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;

use crate::backend::{Backend, Compute};
use crate::captions::{CHAR_WIDTH, LINE, caption};
use crate::files::DataDir;
use crate::photo::PhotoPool;
use crate::recipe_args::Loaded;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub test: super::quiz::Args,
    #[command(flatten)]
    pub compute: Compute,
    /// Also write each round as DIR/round-NN.png (the references, then photos A and B).
    #[arg(long, value_name = "DIR")]
    pub render: Option<PathBuf>,
    /// Add Borowski's control rounds: no references for one round per arm at the start and at
    /// the end, two catch rounds, and half of the counted rounds with photos as references
    /// (rounds: a multiple of 4).
    #[arg(long, conflicts_with = "learned")]
    pub controls: bool,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let dir = DataDir::locate(data)?;
    let network = args.test.model.network;
    let loaded = Loaded::load(network, &dir.weights(network), args.compute.backend)?;
    let mut test = Predict::from(args.test.design(loaded.weights.clone()));
    if args.controls {
        test.control_rounds = ControlRounds::Borowski;
    }
    if test.arms == Arms::Three {
        // Asked about the photos, learned directions are held out from them.
        test.arms = Arms::ThreeHeldOut;
    }
    test.validate().context("bad flags")?;
    let class_test = ClassTest::Predict(test.clone());
    let link = json!({
        "test": test.encode(),
        "id": test.id(),
        "link": format!("#{}", class_test.fragment()),
        "tally": format!("#{}", class_test.tally_fragment()),
        "items": super::quiz::items_name(test.items),
    });
    let Some(student) = args.test.student(test.items) else {
        if args.render.is_some() {
            bail!(
                "each student of this test gets their own rounds: name one with --student to render theirs, or make the test with --same-items"
            );
        }
        let mut line = link;
        line["student"] = serde_json::Value::Null;
        line["key"] = serde_json::Value::Null;
        println!("{line}");
        return Ok(());
    };
    let photo_pool = PhotoPool::load(&dir.photos_dir(), pool::CROPS_PER_PHOTO, pool::SEED)?;
    let crop_images = photo_pool.crop_images();
    let mut acts: Vec<(String, Activations)> = Vec::new();
    for layer in &test.layers {
        let tap = network.tap(layer).context("a validated layer")?;
        let layer_acts = pollster::block_on(pool::activations(
            &loaded.model,
            &loaded.device,
            &crop_images,
            tap,
            |_| {},
        ))?;
        acts.push((layer.clone(), layer_acts));
    }
    let trials = test.trials(&student);
    let mut resolver = crate::targets::Targets::new(&loaded.model, &loaded.device, data);
    let targets: Vec<Vec<f64>> = trials
        .iter()
        .map(|trial| resolver.of(&trial.direction))
        .collect::<Result<_>>()?;
    let shown: Vec<RoundCrops> = trials
        .iter()
        .zip(&targets)
        .enumerate()
        .map(|(i, (trial, target))| {
            let (_, layer_acts) = acts
                .iter()
                .find(|(layer, _)| *layer == trial.layer)
                .expect("activations of every layer");
            queries::round_crops(trial, target, &test, layer_acts, crop_images.len())
                .with_context(|| format!("round {} ({}, {}): the photo pool cannot make it (too few crops, or the direction responds to them all alike)", i + 1, trial.layer, describe(trial)))
        })
        .collect::<Result<_>>()?;
    if let Some(out) = &args.render {
        render(
            &loaded,
            args.compute.backend,
            &test,
            Rounds {
                trials: &trials,
                targets: &targets,
                shown: &shown,
            },
            &crop_images,
            out,
        )?;
    }
    let crop = |index: usize, value: f32| {
        let (c, _) = &photo_pool.crops[index];
        json!({"index": index, "photo": photo_pool.photo_of(index), "x": c.x, "y": c.y, "response": value})
    };
    let key: Vec<_> = trials
        .iter()
        .zip(&shown)
        .enumerate()
        .map(|(i, (trial, round))| {
            let q = &round.queries;
            let references = round.references.as_ref().map(|r| {
                let photos = |crops: &[usize]| -> Vec<_> {
                    crops
                        .iter()
                        .map(|&c| json!({"index": c, "photo": photo_pool.photo_of(c)}))
                        .collect()
                };
                json!({"strongest": photos(&r.strongest), "weakest": photos(&r.weakest)})
            });
            json!({
                "round": i + 1,
                "layer": trial.layer,
                "arm": trial.arm.key(),
                "condition": condition_name(trial.condition),
                "channel": (trial.arm == Arm::Neuron).then_some(trial.direction.channel),
                "learned": trial.direction.toward.learned().map(|_| trial.direction.toward.to_string()),
                "direction": format!("#{}", Link::fragment(&trial.direction, &[], false)),
                "strong": if trial.strong_left { "left" } else { "right" },
                "strong_crop": crop(q.strong, q.strong_value),
                "weak_crop": crop(q.weak, q.weak_value),
                "min_gap": q.min_gap,
                "photo_references": references,
            })
        })
        .collect();
    let mut line = link;
    line["student"] = json!((!student.is_empty()).then_some(&student));
    line["key"] = json!(key);
    println!("{line}");
    Ok(())
}

/// A round's direction in words, for messages.
fn describe(trial: &Trial) -> String {
    match trial.arm {
        Arm::Neuron => format!("neuron {}", trial.direction.channel),
        Arm::Random => format!("random direction of seed {}", trial.direction.seed),
        Arm::Learned => format!("{} direction", trial.direction.toward),
    }
}

/// How the JSON key and `basis tally` name a round's condition.
pub fn condition_name(condition: Condition) -> &'static str {
    match condition {
        Condition::Synthetic => "visualizations",
        Condition::Natural => "photos",
        Condition::NoReference => "none",
        Condition::Catch => "catch",
    }
}

const GAP: u32 = 6;

/// A student's rounds: each one's direction's target and its crops.
struct Rounds<'a> {
    trials: &'a [Trial],
    targets: &'a [Vec<f64>],
    shown: &'a [RoundCrops],
}

/// Each round's references (one batch with diversity, as the app makes them) and its two photos.
fn render(
    loaded: &Loaded,
    backend: Backend,
    test: &Predict,
    rounds: Rounds,
    crops: &[RgbImage],
    out: &Path,
) -> Result<()> {
    let Rounds {
        trials,
        targets,
        shown,
    } = rounds;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    if !out.is_dir() {
        bail!("{} is not a folder", out.display());
    }
    let steps = test.base.steps as u64;
    let drawn = trials
        .iter()
        .filter(|t| t.condition == Condition::Synthetic)
        .count();
    let progress = ProgressBar::new(steps * drawn as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} steps of {msg} rounds' visualizations")
            .expect("valid template"),
    );
    progress.set_message(drawn.to_string());
    let round =
        |(i, ((trial, target), shown)): (usize, ((&Trial, &Vec<f64>), &RoundCrops))| -> Result<()> {
            let size = test.base.image.size as u32;
            let references: Vec<Vec<RgbImage>> = match (trial.condition, &shown.references) {
                (Condition::Synthetic, _) => {
                    let mut session = Session::references_toward(
                        loaded.model.clone(),
                        &loaded.device,
                        &trial.direction,
                        target,
                        &trial.reference_seeds,
                    )?;
                    for _ in 0..steps {
                        session.advance();
                        progress.inc(1);
                    }
                    let frames = pollster::block_on(session.frames())?;
                    vec![frames.iter().map(Frame::to_image).collect()]
                }
                (_, Some(photos)) => {
                    let scaled =
                        |&c: &usize| imageops::resize(&crops[c], size, size, FilterType::Triangle);
                    vec![
                        photos.strongest.iter().map(scaled).collect(),
                        photos.weakest.iter().map(scaled).collect(),
                    ]
                }
                (_, None) => Vec::new(),
            };
            let q = &shown.queries;
            let (left, right) = if trial.strong_left {
                (q.strong, q.weak)
            } else {
                (q.weak, q.strong)
            };
            let path = out.join(format!("round-{:02}.png", i + 1));
            compose(test, i, &references, [&crops[left], &crops[right]])
                .save(&path)
                .with_context(|| format!("writing {}", path.display()))
        };
    // As `basis sheet`: on the CPU, rounds run side by side, one per core.
    match backend {
        Backend::Cpu => trials
            .par_iter()
            .zip(targets)
            .zip(shown)
            .enumerate()
            .try_for_each(round)?,
        _ => trials
            .iter()
            .zip(targets)
            .zip(shown)
            .enumerate()
            .try_for_each(round)?,
    }
    progress.finish_and_clear();
    Ok(())
}

/// A round's page: its title, its rows of references (visualizations; or the strongest, then
/// the weakest photos; or none), and the two photos.
fn compose(
    test: &Predict,
    round: usize,
    references: &[Vec<RgbImage>],
    photos: [&RgbImage; 2],
) -> RgbImage {
    let size = test.base.image.size as u32;
    let photo = 2 * size;
    let title = format!(
        "Round {} of {}: which photo makes this direction respond more?",
        round + 1,
        test.all_rounds()
    );
    let rows = references.len() as u32;
    let width = (4 * (size + GAP) + GAP)
        .max(2 * (photo + GAP) + GAP)
        .max(CHAR_WIDTH * title.len() as u32 + 2 * GAP);
    let height = LINE + rows * (size + GAP) + GAP + LINE + photo + LINE + GAP;
    let mut canvas = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    caption(&mut canvas, &title, width / 2, 2);
    for (r, row) in references.iter().enumerate() {
        for (k, image) in row.iter().enumerate() {
            let x = GAP + k as u32 * (size + GAP);
            let y = LINE + r as u32 * (size + GAP);
            imageops::replace(&mut canvas, image, x as i64, y as i64);
        }
    }
    let y = LINE + rows * (size + GAP) + GAP;
    for (k, (label, crop)) in ["A", "B"].iter().zip(photos).enumerate() {
        let x = GAP + k as u32 * (photo + GAP);
        caption(&mut canvas, label, x + photo / 2, y);
        let scaled = imageops::resize(crop, photo, photo, FilterType::Triangle);
        imageops::replace(&mut canvas, &scaled, x as i64, (y + LINE) as i64);
    }
    canvas
}
