//! Neurons against random directions in a predict-the-response test: each arm's accuracy, their
//! difference with Newcombe's interval and Fisher's exact test — "are neurons easier to
//! understand than random directions?", answered for one student from their own rounds (the unit
//! said on the page: the class's question is the tally's).

use basis_recipe::stats::{Z_95, fisher_exact, newcombe_difference};
use basis_recipe::{Arm, Score};
use leptos::prelude::*;

use super::chart::describe;

/// The comparison in words, or `None` for a test without arms.
pub fn verdict(score: &Score) -> Option<String> {
    let arm = |wanted: Arm| {
        score
            .arms
            .iter()
            .find(|(arm, _)| *arm == wanted)
            .map(|(_, s)| (s.correct, s.total))
    };
    let ((k1, n1), (k2, n2)) = (arm(Arm::Neuron)?, arm(Arm::Random)?);
    if n1 == 0 || n2 == 0 {
        return Some("No answers in one of the arms yet.".into());
    }
    let (lo, hi) = newcombe_difference(k1, n1, k2, n2, Z_95);
    let difference = 100.0 * (k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64);
    let p = fisher_exact(k1, n1, k2, n2);
    let reading = if p < 0.05 && difference > 0.0 {
        "neurons were measurably easier to predict than random directions"
    } else if p < 0.05 {
        "random directions were measurably easier to predict than neurons"
    } else {
        "no measurable difference between neurons and random directions (yet: more answers narrow the interval)"
    };
    Some(format!(
        "Neurons {}; random directions {}. Difference {difference:+.0} points (95% interval {:+.0} to {:+.0}, Newcombe); Fisher's exact test p = {p:.3}: {reading}. The unit here is your rounds, each about a direction of its own: this is how you did on your directions; whether neurons are easier for people is the class's question, which the tally tests with students as the unit.",
        describe(k1, n1),
        describe(k2, n2),
        100.0 * lo,
        100.0 * hi,
    ))
}

#[component]
pub fn ArmVerdict(score: Score) -> impl IntoView {
    verdict(&score).map(|text| {
        view! {
            <p id="arm-verdict" class="verdict">
                {text}
            </p>
        }
    })
}
