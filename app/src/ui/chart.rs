//! Accuracy with its 95% Wilson interval against chance (50%), on one scale, as SVG (no inline
//! styles: the page's CSP forbids them).

use basis_recipe::stats::{Z_95, wilson};
use basis_recipe::{PartScore, Score};
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
    pub fn of(score: &Score) -> Vec<Self> {
        let all = Self {
            label: "All rounds".into(),
            correct: score.correct,
            total: score.total,
        };
        let arms = score.arms.iter().map(|(_, arm)| Self::from(arm));
        let layers = score.layers.iter().map(Self::from);
        std::iter::once(all).chain(arms).chain(layers).collect()
    }
}

const LEFT: f64 = 130.0;
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

#[component]
pub fn AccuracyChart(rows: Vec<Row>) -> impl IntoView {
    let height = ROW * rows.len() as f64 + 30.0;
    let bottom = height - 22.0;
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
            {bars}
        </svg>
    }
}
