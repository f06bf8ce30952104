//! `basis tally`: a class's result codes for a quiz or predict-the-response link — each accepted
//! or refused with its reason, graded against its own student's rounds — and what they say, each
//! test with its right unit: the same numbers as the tally page (both are `Tally::result`). With
//! `--fidelity`, each arm's fidelity over the pictures the counted students saw, made again
//! (deterministic; natively made, they differ from a browser's in the last bits of their floats).

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_featvis::fidelity::{self, Fidelity};
use basis_featvis::{Frame, Session};
use basis_recipe::arm_effect::{AboveChanceByItem, ByItem, ByStudent};
use basis_recipe::{
    Arm, ClassTest, Counted, Graded, Items, Link, Page, Recipe, Tally, reference_seeds,
};
use serde_json::{Value, json};

use super::fidelity::{Comparison, PoolArgs};
use super::predict::condition_name;
use super::quiz::items_name;
use crate::backend::Compute;
use crate::recipe_args::Loaded;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The test's link, or its tally link (the whole address or its fragment).
    pub link: String,
    /// A file of result codes, one per line (commas and semicolons separate too, as on the tally
    /// page); `-` reads standard input.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub codes: PathBuf,
    /// Also each arm's fidelity (as `basis fidelity` measures it) over the pictures the counted
    /// students saw — a quiz's two pictures, a predict round's four references — made again on
    /// the model, each distinct direction once.
    #[arg(long)]
    pub fidelity: bool,
    #[command(flatten)]
    pub compute: Compute,
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let fragment = args
        .link
        .rsplit_once('#')
        .map_or(args.link.as_str(), |(_, f)| f);
    let test = match Link::parse(&format!("#{fragment}")).page {
        Page::Quiz(quiz) => quiz.map(ClassTest::Spot),
        Page::Predict(predict) => predict.map(ClassTest::Predict),
        Page::Tally(test) => test,
        _ => bail!(
            "{} is not a quiz, predict-the-response or tally link",
            args.link
        ),
    }
    .with_context(|| format!("the link {} could not be read", args.link))?;
    let text = if args.codes.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the codes from standard input")?;
        text
    } else {
        std::fs::read_to_string(&args.codes)
            .with_context(|| format!("reading the codes from {}", args.codes.display()))?
    };
    let mut tally = Tally::new(test.clone());
    let codes: Vec<Value> = text
        .split(['\n', ',', ';'])
        .map(str::trim)
        .enumerate()
        .filter(|(_, code)| !code.is_empty())
        .map(|(i, code)| match tally.add(code) {
            Ok(Counted::Graded) => json!({"line": i + 1, "code": code, "accepted": true}),
            Ok(Counted::SetAside { missed }) => json!({
                "line": i + 1, "code": code, "accepted": true, "set_aside": {"missed_catch_rounds": missed},
            }),
            Err(why) => {
                json!({"line": i + 1, "code": code, "accepted": false, "refused": why.to_string()})
            }
        })
        .collect();
    let result = tally.result();
    let score = &tally.score;
    let line = json!({
        "test": test.id(),
        "items": items_name(result.items),
        "codes": codes,
        "students": tally.students(),
        "set_aside": result.set_aside.iter().map(|(student, missed)| json!({
            "student": student, "missed_catch_rounds": missed,
        })).collect::<Vec<_>>(),
        "pooled": {"correct": score.correct, "total": score.total},
        "by_confidence": score.confidence.iter().map(|(_, level, part)| json!({
            "part": part.label, "level": level, "correct": part.correct, "total": part.total,
        })).collect::<Vec<_>>(),
        "above_chance": result.above_chance.by_student.as_ref().map(by_student),
        "above_chance_by_item": result.above_chance.by_item.as_ref().map(above_by_item),
        "arm_by_student": result.arm_by_student.as_ref().map(by_student),
        "arm_by_item": result.arm_by_item.as_ref().map(by_item),
        "pairs": result.pairs.iter().zip(result.pairs_holm()).map(|(pair, holm)| json!({
            "a": pair.a.key(),
            "b": pair.b.key(),
            "by_student": pair.by_student.as_ref().map(by_student),
            "by_item": pair.by_item.as_ref().map(by_item),
            "p_holm": holm,
        })).collect::<Vec<_>>(),
        "foils": result.foils.as_ref().map(|foils| {
            let holm = foils.holm(result.items);
            let holm_unit = match result.items {
                Items::Own => "result",
                Items::Shared => "by_item",
            };
            json!({
                "above_chance": foils.above_chance.iter().zip(holm).map(|((foil, r), holm)| json!({
                    "foil": foil.key(),
                    "result": r.by_student.as_ref().map(by_student),
                    "by_item": r.by_item.as_ref().map(above_by_item),
                    // Holm over the tests in the link's unit: `result`'s with each student's
                    // own items, `by_item`'s with shared ones.
                    "p_holm": holm,
                    "p_holm_of": holm_unit,
                })).collect::<Vec<_>>(),
                "difference": {
                    "a": foils.difference.a.key(),
                    "b": foils.difference.b.key(),
                    "by_student": foils.difference.by_student.as_ref().map(by_student),
                    "by_item": foils.difference.by_item.as_ref().map(by_item),
                    "p_holm": holm[2],
                },
            })
        }),
        "by_foil": score.foils.iter().map(|(foil, part)| json!({
            "foil": foil.key(), "part": part.label, "correct": part.correct, "total": part.total,
        })).collect::<Vec<_>>(),
        "by_condition": result.conditions.iter().map(|(arm, condition, cell)| json!({
            "arm": arm.label(),
            "condition": condition_name(*condition),
            "above_chance": cell.as_ref().map(by_student),
        })).collect::<Vec<_>>(),
    });
    let mut line = line;
    if args.fidelity {
        line["fidelity_by_arm"] = fidelity_by_arm(&test, &tally, &args.compute, data)?;
    }
    println!("{line}");
    Ok(())
}

/// The pictures of every distinct direction the counted students saw, by arm: made as the pages
/// make them, and measured against the photo pool at their layer.
fn fidelity_by_arm(
    test: &ClassTest,
    tally: &Tally,
    compute: &Compute,
    data: Option<&Path>,
) -> Result<Value> {
    let base = match test {
        ClassTest::Spot(quiz) => &quiz.base,
        ClassTest::Predict(predict) => &predict.base,
    };
    let network = base.network()?;
    let loaded = Loaded::from_data(data, network, compute.backend)?;
    let mut resolver = crate::targets::Targets::new(&loaded.model, &loaded.device, data);
    let mut measured: Vec<(Arm, Fidelity)> = Vec::new();
    let mut comparisons: Vec<(String, Comparison)> = Vec::new();
    let mut measure = |arm: Arm, recipe: &Recipe, target: &[f64], picture: &Frame| -> Result<()> {
        if !comparisons.iter().any(|(layer, _)| *layer == recipe.layer) {
            let tap = recipe.tap()?;
            let comparison = Comparison::at(
                &loaded.model,
                &loaded.device,
                tap,
                &PoolArgs::default(),
                data,
            )?;
            comparisons.push((recipe.layer.clone(), comparison));
        }
        let (_, comparison) = comparisons
            .iter()
            .find(|(layer, _)| *layer == recipe.layer)
            .expect("made above");
        let f = comparison.fidelity(
            &loaded.model,
            &loaded.device,
            recipe,
            target,
            &picture.to_image(),
        )?;
        measured.push((arm, f));
        Ok(())
    };
    let seen = test.visualized(tally.nonces());
    match test {
        ClassTest::Spot(quiz) => {
            // A layer's pictures in batches as full as they can be: every batch draws the quiz's
            // transforms, so how they are cut does not change a picture.
            for layer in &quiz.layers {
                let of_layer: Vec<&(Arm, Recipe)> =
                    seen.iter().filter(|(_, r)| r.layer == *layer).collect();
                for batch in of_layer.chunks(base.batch_capacity().max(1)) {
                    let recipes: Vec<Recipe> = batch.iter().map(|(_, r)| r.clone()).collect();
                    let targets = resolver.of_all(&recipes)?;
                    let mut session = Session::for_targets(
                        loaded.model.clone(),
                        &loaded.device,
                        &recipes,
                        &targets,
                        quiz.base.seed,
                        None,
                    )?;
                    for _ in 0..quiz.base.steps {
                        session.advance();
                    }
                    let frames = pollster::block_on(session.frames())?;
                    for (((arm, recipe), target), frame) in batch.iter().zip(&targets).zip(&frames)
                    {
                        measure(*arm, recipe, target, frame)?;
                    }
                }
            }
        }
        ClassTest::Predict(predict) => {
            for (arm, direction) in &seen {
                let target = resolver.of(direction)?;
                let mut session = Session::references_toward(
                    loaded.model.clone(),
                    &loaded.device,
                    direction,
                    &target,
                    &reference_seeds(direction),
                )?;
                for _ in 0..predict.base.steps {
                    session.advance();
                }
                for frame in pollster::block_on(session.frames())? {
                    measure(*arm, direction, &target, &frame)?;
                }
            }
        }
    }
    let mut by_arm = serde_json::Map::new();
    for arm in Arm::THREE {
        let of_arm: Vec<Fidelity> = measured
            .iter()
            .filter(|(a, _)| *a == arm)
            .map(|(_, f)| *f)
            .collect();
        if of_arm.is_empty() {
            continue;
        }
        let summary = fidelity::summarize(&of_arm);
        by_arm.insert(
            arm.key().to_owned(),
            json!({
                "pictures": summary.pictures,
                "median_ratio": summary.median_ratio,
                "median_specificity": summary.median_specificity,
            }),
        );
    }
    Ok(Value::Object(by_arm))
}

fn by_student(r: &ByStudent) -> Value {
    json!({
        "students": r.students,
        "left_out": r.left_out,
        "mean_difference": r.mean_difference,
        "interval": [r.interval.0, r.interval.1],
        "p_value": r.p_value,
    })
}

fn above_by_item(r: &AboveChanceByItem) -> Value {
    json!({
        "items": r.items,
        "mean_difference": r.mean_difference,
        "interval": [r.interval.0, r.interval.1],
        "p_value": r.p_value,
        "smallest_p_value": r.smallest_p_value,
    })
}

fn by_item(r: &ByItem) -> Value {
    json!({
        "neuron_items": r.neuron_items,
        "random_items": r.random_items,
        "difference": r.difference,
        "p_value": r.p_value,
    })
}
