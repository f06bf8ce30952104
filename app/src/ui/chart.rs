//! Accuracy with its 95% Wilson interval against chance (50%), on one scale, as SVG (no inline
//! styles: the page's CSP forbids them); and a class's accuracy per arm and kind of reference,
//! students as the unit, against each arm's no-reference baseline.

use basis_recipe::arm_effect::ByStudent;
use basis_recipe::stats::{Z_95, wilson};
use basis_recipe::{Arm, Condition, PartScore, Score};
use leptos::prelude::*;

/// One bar: a label, correct answers and all answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub correct: u64,
    pub total: u64,
}

impl From<&PartScore> for Row {
    fn from(part: &PartScore) -> Self {
        Self {
            label: part.label.clone(),
            correct: part.correct,
            total: part.total,
        }
    }
}

impl Row {
    /// A class test's bars: all rounds, then each arm (if the test has arms), then each layer.
    /// With control rounds, "all" is the rounds with references, and each arm and kind of
    /// reference follows the layers.
    pub fn of(score: &Score) -> Vec<Self> {
        let all = Self {
            label: if score.conditions.is_empty() {
                "All rounds"
            } else {
                "Rounds with references"
            }
            .into(),
            correct: score.correct,
            total: score.total,
        };
        // With control rounds the arms' rows are their "visualizations" rows below.
        let arms = score
            .arms
            .iter()
            .filter(|_| score.conditions.is_empty())
            .map(|(_, arm)| Self::from(arm));
        let foils = score.foils.iter().map(|(_, foil)| Self::from(foil));
        let layers = score.layers.iter().map(Self::from);
        let conditions = score.conditions.iter().map(|(_, _, part)| Self::from(part));
        std::iter::once(all)
            .chain(arms)
            .chain(foils)
            .chain(layers)
            .chain(conditions)
            .collect()
    }
}

/// Room for the longest label, "Random directions, photos as references".
const LEFT: f64 = 230.0;
const WIDTH: f64 = 300.0;
const ROW: f64 = 26.0;

fn x(p: f64) -> f64 {
    LEFT + p * WIDTH
}

/// "72% (95% CI 58–83%)".
pub fn describe(correct: u64, total: u64) -> String {
    if total == 0 {
        return "no answers".into();
    }
    let (lo, hi) = wilson(correct, total, Z_95);
    format!(
        "{:.0}% (95% interval {:.0}–{:.0}%)",
        100.0 * correct as f64 / total as f64,
        100.0 * lo,
        100.0 * hi
    )
}

/// The 0–100% axis under a chart `height` high, with chance (50%) dashed across it.
#[component]
fn Axis(height: f64) -> impl IntoView {
    let bottom = height - 22.0;
    view! {
        <line x1=x(0.5) x2=x(0.5) y1="0" y2=bottom class="chance"></line>
        <line x1=x(0.0) x2=x(1.0) y1=bottom y2=bottom class="axis"></line>
        <text x=x(0.0) y=height - 6.0 class="tick">
            "0%"
        </text>
        <text x=x(0.5) y=height - 6.0 class="tick">
            "50% = chance"
        </text>
        <text x=x(1.0) y=height - 6.0 class="tick">
            "100%"
        </text>
    }
}

#[component]
pub fn AccuracyChart(rows: Vec<Row>) -> impl IntoView {
    let height = ROW * rows.len() as f64 + 30.0;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let y = 14.0 + ROW * i as f64;
            let (lo, hi) = wilson(row.correct, row.total, Z_95);
            let p = if row.total == 0 {
                0.5
            } else {
                row.correct as f64 / row.total as f64
            };
            view! {
                <g class="chart-row">
                    <text x="0" y=y + 4.0 class="chart-label">
                        {row.label.clone()}
                    </text>
                    <line x1=x(lo) x2=x(hi) y1=y y2=y class="interval"></line>
                    <line x1=x(lo) x2=x(lo) y1=y - 5.0 y2=y + 5.0 class="interval"></line>
                    <line x1=x(hi) x2=x(hi) y1=y - 5.0 y2=y + 5.0 class="interval"></line>
                    <circle cx=x(p) cy=y r="5" class="estimate"></circle>
                    <title>
                        {format!(
                            "{}: {}/{} = {}",
                            row.label,
                            row.correct,
                            row.total,
                            describe(row.correct, row.total),
                        )}
                    </title>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="accuracy-chart"
            viewBox=format!("0 0 {} {height}", LEFT + WIDTH + 20.0)
            role="img"
            aria-label="Accuracy with 95% Wilson intervals; the dashed line is chance, 50%"
        >
            <Axis height=height />
            {bars}
        </svg>
    }
}

/// One row per arm and kind of reference (as `ClassResult::conditions` has them): the students'
/// mean accuracy with its bootstrap interval, and a mark at the arm's no-reference mean.
#[component]
pub fn ConditionChart(cells: Vec<(Arm, Condition, Option<ByStudent>)>) -> impl IntoView {
    let accuracy =
        |cell: &Option<ByStudent>| cell.as_ref().map(|r| (0.5 + r.mean_difference, r.interval));
    let baseline = |arm: Arm| {
        cells
            .iter()
            .find(|(a, c, _)| *a == arm && *c == Condition::NoReference)
            .and_then(|(_, _, cell)| accuracy(cell))
            .map(|(mean, _)| mean)
    };
    let height = ROW * cells.len() as f64 + 30.0;
    let rows = cells
        .iter()
        .enumerate()
        .map(|(i, (arm, condition, cell))| {
            let y = 14.0 + ROW * i as f64;
            let label = format!("{}, {}", arm.label(), condition.label());
            let drawn = accuracy(cell).map(|(mean, (lo, hi))| {
                let (lo, hi) = (0.5 + lo, 0.5 + hi);
                view! {
                    <line x1=x(lo) x2=x(hi) y1=y y2=y class="interval"></line>
                    <circle cx=x(mean) cy=y r="5" class="estimate"></circle>
                    <title>
                        {format!(
                            "{label}: mean over {} students {:.0}% (95% bootstrap interval {:.0}–{:.0}%)",
                            cell.as_ref().map_or(0, |r| r.students),
                            100.0 * mean,
                            100.0 * lo,
                            100.0 * hi,
                        )}
                    </title>
                }
            });
            let base = baseline(*arm)
                .filter(|_| *condition != Condition::NoReference)
                .map(|b| {
                    view! { <line x1=x(b) x2=x(b) y1=y - 8.0 y2=y + 8.0 class="baseline"></line> }
                });
            view! {
                <g class="chart-row">
                    <text x="0" y=y + 4.0 class="chart-label">
                        {label.clone()}
                    </text>
                    {drawn}
                    {base}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            id="condition-chart"
            class="accuracy-chart"
            viewBox=format!("0 0 {} {height}", LEFT + WIDTH + 20.0)
            role="img"
            aria-label="Mean accuracy over students per kind of direction and of reference, with 95% bootstrap intervals; the short bar on each row is that kind of direction's accuracy with no references; the dashed line is chance, 50%"
        >
            <Axis height=height />
            {rows}
        </svg>
    }
}
