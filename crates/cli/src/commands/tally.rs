//! `basis tally`: a class's result codes for a quiz or predict-the-response link — each accepted
//! or refused with its reason, graded against its own student's rounds — and what they say, each
//! test with its right unit: the same numbers as the tally page (both are `Tally::result`).

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use basis_recipe::arm_effect::{ByItem, ByStudent};
use basis_recipe::{ClassTest, Counted, Graded, Link, Page, Tally};
use serde_json::{Value, json};

use super::predict::condition_name;
use super::quiz::items_name;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The test's link, or its tally link (the whole address or its fragment).
    pub link: String,
    /// A file of result codes, one per line (commas and semicolons separate too, as on the tally
    /// page); `-` reads standard input.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub codes: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
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
        "above_chance": result.above_chance.as_ref().map(by_student),
        "arm_by_student": result.arm_by_student.as_ref().map(by_student),
        "arm_by_item": result.arm_by_item.as_ref().map(by_item),
        "pairs": result.pairs.iter().zip(result.pairs_holm()).map(|(pair, holm)| json!({
            "a": pair.a.key(),
            "b": pair.b.key(),
            "by_student": pair.by_student.as_ref().map(by_student),
            "by_item": pair.by_item.as_ref().map(by_item),
            "p_holm": holm,
        })).collect::<Vec<_>>(),
        "by_condition": result.conditions.iter().map(|(arm, condition, cell)| json!({
            "arm": arm.label(),
            "condition": condition_name(*condition),
            "above_chance": cell.as_ref().map(by_student),
        })).collect::<Vec<_>>(),
    });
    println!("{line}");
    Ok(())
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

fn by_item(r: &ByItem) -> Value {
    json!({
        "neuron_items": r.neuron_items,
        "random_items": r.random_items,
        "difference": r.difference,
        "p_value": r.p_value,
    })
}
