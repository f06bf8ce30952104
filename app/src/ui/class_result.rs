//! What a class's result codes say, each test with the sampling unit that makes it a test (see
//! `basis_recipe::arm_effect`): better than chance with students as the unit (and, where
//! everyone had the same rounds, with items as the unit), and — for
//! predict-the-response — neurons against random directions by student and by item, saying
//! which of the two answers the question for this link; for spot the neuron with a third arm,
//! each kind of foil against chance and the two compared. The numbers are `Tally::result`'s, as
//! `basis tally` prints them.

use basis_recipe::arm_effect::{AboveChanceByItem, ByItem, ByStudent};
use basis_recipe::{ArmPair, ClassResult, Foils, Items, foil_label};
use leptos::prelude::*;

/// "+12 points (95% interval +3 to +20)".
fn points(value: f64, interval: (f64, f64)) -> String {
    format!(
        "{:+.0} points (95% bootstrap interval {:+.0} to {:+.0})",
        100.0 * value,
        100.0 * interval.0,
        100.0 * interval.1
    )
}

fn above_chance(result: Option<&ByStudent>, what: &str) -> String {
    let Some(r) = result else {
        return "Fewer than two students: no test yet.".into();
    };
    let reading = if r.p_value < 0.05 && r.mean_difference > 0.0 {
        format!("the class {what} better than chance")
    } else {
        "the class did not do measurably better than chance".into()
    };
    format!(
        "Students as the unit ({} students): mean accuracy above chance {}; sign-flip test, p = {:.3}: {reading}.",
        r.students,
        points(r.mean_difference, r.interval),
        r.p_value,
    )
}

/// The same with items as the unit, for a link whose students all had the same rounds;
/// `controls`: the link has control rounds, which only the students' test counts.
fn above_chance_by_item(result: Option<&AboveChanceByItem>, what: &str, controls: bool) -> String {
    let Some(r) = result else {
        return "Items as the unit: fewer than two items answered, no test yet.".into();
    };
    let reading = if r.p_value < 0.05 && r.mean_difference > 0.0 {
        format!("the class {what} better than chance on directions drawn as these were")
    } else {
        "not measurably better than chance on directions drawn as these were".into()
    };
    format!(
        "Items as the unit ({} items{}): mean item accuracy above chance {}; sign-flip test over the items, p = {:.3}: {reading}.{}",
        r.items,
        if controls {
            ", over the rounds with visualizations"
        } else {
            ""
        },
        points(r.mean_difference, r.interval),
        r.p_value,
        unreachable_note(r),
    )
}

/// " These 5 items could not give p < 0.05 …", where that is so.
fn unreachable_note(r: &AboveChanceByItem) -> String {
    if r.smallest_p_value < 0.05 {
        return String::new();
    }
    format!(
        " These {} items could not give p < 0.05 whatever the answers (the smallest possible p is {:.3}): a link with more rounds can.",
        r.items, r.smallest_p_value,
    )
}

fn arm_by_student(result: Option<&ByStudent>) -> String {
    let Some(r) = result else {
        return "By student: fewer than two students answered rounds of both kinds.".into();
    };
    format!(
        "By student ({} students{}): accuracy on neurons minus on random directions, {}; sign-flip test, p = {:.3}.",
        r.students,
        if r.left_out > 0 {
            format!(", {} left out with rounds of one kind only", r.left_out)
        } else {
            String::new()
        },
        points(r.mean_difference, r.interval),
        r.p_value,
    )
}

fn arm_by_item(result: Option<&ByItem>) -> String {
    let Some(r) = result else {
        return "By item: no answered direction of one of the kinds yet.".into();
    };
    format!(
        "By item ({} neurons, {} random directions): mean item accuracy on neurons minus on random directions, {:+.0} points; permutation test of the items' kinds, p = {:.3}.",
        r.neuron_items,
        r.random_items,
        100.0 * r.difference,
        r.p_value,
    )
}

/// One pair of arms of a three-arm test: its difference in the unit the link calls for, with
/// its p-value and Holm's adjustment over the three tests; `a` and `b` name the pair's sides.
fn pair_line(pair: &ArmPair, (a, b): (&str, &str), items: Items, holm: Option<f64>) -> String {
    let holm = holm_note(holm);
    match items {
        Items::Own => pair.by_student.as_ref().map_or_else(
            || format!("{a} − {b}: fewer than two students answered rounds of both."),
            |r| {
                format!(
                    "{a} − {b}, by student ({} students): {}; sign-flip test, p = {:.3}{holm}.",
                    r.students,
                    points(r.mean_difference, r.interval),
                    r.p_value
                )
            },
        ),
        Items::Shared => pair.by_item.as_ref().map_or_else(
            || format!("{a} − {b}: no answered direction of one of the two yet."),
            |r| {
                format!(
                    "{a} − {b}, by item ({} and {} items): {:+.0} points; permutation test, p = {:.3}{holm}.",
                    r.neuron_items,
                    r.random_items,
                    100.0 * r.difference,
                    r.p_value
                )
            },
        ),
    }
}

/// ", Holm-adjusted p = 0.042", where there is one.
fn holm_note(holm: Option<f64>) -> String {
    holm.map_or(String::new(), |p| format!(", Holm-adjusted p = {p:.3}"))
}

/// Spot the neuron with a third arm: the neurons told from each kind of foil, better or worse
/// than chance, and the two kinds compared — each line keyed by `data-foil`.
fn foil_lines(foils: &Foils, items: Items) -> Vec<(&'static str, String)> {
    let holm = foils.holm(items);
    let mut lines: Vec<(&'static str, String)> = foils
        .above_chance
        .iter()
        .zip(holm)
        .map(|((foil, result), holm)| {
            let label = foil_label(*foil);
            let text = match (items, &result.by_student, &result.by_item) {
                (Items::Own, None, _) => format!("{label}: fewer than two students, no test yet."),
                (Items::Own, Some(r), _) => format!(
                    "{label}, students as the unit ({} students): mean accuracy above chance {}; sign-flip test, p = {:.3}{}.",
                    r.students,
                    points(r.mean_difference, r.interval),
                    r.p_value,
                    holm_note(holm),
                ),
                (Items::Shared, _, None) => {
                    format!("{label}: fewer than two items answered, no test yet.")
                }
                (Items::Shared, students, Some(r)) => format!(
                    "{label}, items as the unit ({} items): mean item accuracy above chance {}; sign-flip test, p = {:.3}{}{}.{}",
                    r.items,
                    points(r.mean_difference, r.interval),
                    r.p_value,
                    holm_note(holm),
                    students
                        .as_ref()
                        .map_or(String::new(), |s| format!(
                            " (students as the unit, for these items only: p = {:.3})",
                            s.p_value,
                        )),
                    unreachable_note(r),
                ),
            };
            (foil.key(), text)
        })
        .collect();
    let sides = ("against random directions", "against learned directions");
    lines.push((
        "difference",
        pair_line(&foils.difference, sides, items, holm[2]),
    ));
    lines
}

/// `what`: what a class that does well did ("spotted the neurons").
#[component]
pub fn ClassTests(result: ClassResult, what: &'static str, has_arms: bool) -> impl IntoView {
    let which = match result.items {
        Items::Own => {
            "Each student had their own directions, so the students are the unit: the by-student test answers whether neurons are easier than random directions. The by-item test is shown for comparison."
        }
        Items::Shared => {
            "Everyone had the same directions, so the directions are the unit: the by-item test answers whether neurons as such are easier (it asks about a few directions, however many students answered). The by-student test only describes this class on these directions."
        }
    };
    view! {
        <p id="tally-verdict" class="verdict">
            {above_chance(result.above_chance.by_student.as_ref(), what)}
        </p>
        {(result.items == Items::Shared)
            .then(|| {
                view! {
                    <p id="tally-verdict-items" class="verdict">
                        {above_chance_by_item(
                            result.above_chance.by_item.as_ref(),
                            what,
                            !result.conditions.is_empty(),
                        )}
                    </p>
                    <p class="hint">
                        "Everyone had the same rounds, so the line above with the items as the unit answers whether the class does better than chance on directions like these; the students' line says how this class did on these few directions only."
                    </p>
                }
            })}
        {has_arms
            .then(|| {
                view! {
                    <p id="tally-arm-students" class="verdict">
                        {arm_by_student(result.arm_by_student.as_ref())}
                    </p>
                    <p id="tally-arm-items" class="verdict">
                        {arm_by_item(result.arm_by_item.as_ref())}
                    </p>
                    <p class="hint">{which}</p>
                }
            })}
        {(!result.pairs.is_empty())
            .then(|| {
                let holm = result.pairs_holm();
                view! {
                    <ul id="tally-pairs" class="verdict">
                        {result
                            .pairs
                            .iter()
                            .zip(holm)
                            .map(|(pair, holm)| {
                                view! {
                                    <li data-pair=format!(
                                        "{}-{}",
                                        pair.a.key(),
                                        pair.b.key(),
                                    )>
                                        {pair_line(
                                            pair,
                                            (
                                                &pair.a.label().to_lowercase(),
                                                &pair.b.label().to_lowercase(),
                                            ),
                                            result.items,
                                            holm,
                                        )}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="hint">
                        "Three kinds of direction, compared in pairs: three tests of one class, so a difference counts at the 5% level only if its Holm-adjusted p is below 0.05. Holm's adjustment keeps the chance that any of the three pairs looks different by luck at 5% at most, however the tests depend on each other."
                    </p>
                }
            })}
        {result
            .foils
            .as_ref()
            .map(|foils| {
                view! {
                    <ul id="tally-foils" class="verdict">
                        {foil_lines(foils, result.items)
                            .into_iter()
                            .map(|(key, text)| view! { <li data-foil=key>{text}</li> })
                            .collect_view()}
                    </ul>
                    <p class="hint">
                        "The neurons were shown against two kinds of direction. Above chance against random directions: the class could tell neurons from random mixes of channels. Against learned directions (independent components of the layer's responses to photos), below chance means the learned directions looked more like single neurons than the neurons did. Three tests of one class: each counts at the 5% level only if its Holm-adjusted p is below 0.05."
                    </p>
                }
            })}
        <p id="tally-pooled-note" class="hint">
            "The counts, chart and table below pool every answer: they describe the class, but are not a test. Answers of one student are not independent of each other, nor are answers about one direction, so a test on pooled answers treats a few students or a few directions as hundreds and is wrong far more often than it says."
        </p>
    }
}

#[cfg(test)]
mod tests {
    use basis_recipe::{AboveChance, Arm};

    use super::*;

    fn students(p_value: f64) -> ByStudent {
        ByStudent {
            students: 6,
            left_out: 0,
            mean_difference: 0.3,
            interval: (0.2, 0.4),
            p_value,
        }
    }

    fn items(p_value: f64) -> AboveChanceByItem {
        AboveChanceByItem {
            items: 5,
            mean_difference: 0.5,
            interval: (0.5, 0.5),
            p_value,
            smallest_p_value: 0.0625,
        }
    }

    #[test]
    fn each_foil_is_read_in_the_link_s_unit_with_holm_over_those_p_values() {
        let foils = Foils {
            above_chance: [Arm::Random, Arm::Learned].map(|foil| {
                (
                    foil,
                    AboveChance {
                        by_student: Some(students(0.01)),
                        by_item: Some(items(0.0625)),
                    },
                )
            }),
            difference: ArmPair {
                a: Arm::Random,
                b: Arm::Learned,
                by_student: None,
                by_item: None,
            },
        };
        let shared = foil_lines(&foils, Items::Shared);
        assert_eq!(shared[0].0, "random");
        assert_eq!(
            shared[0].1,
            "Against random directions, items as the unit (5 items): mean item accuracy above chance +50 points (95% bootstrap interval +50 to +50); sign-flip test, p = 0.062, Holm-adjusted p = 0.125 (students as the unit, for these items only: p = 0.010). These 5 items could not give p < 0.05 whatever the answers (the smallest possible p is 0.062): a link with more rounds can."
        );
        // The same answers with each student's own items: the students' test, its Holm.
        let own = foil_lines(&foils, Items::Own);
        assert!(own[1].1.starts_with("Against learned directions, students as the unit (6 students): mean accuracy above chance +30 points"), "{}", own[1].1);
        assert!(
            own[1].1.ends_with("p = 0.010, Holm-adjusted p = 0.020."),
            "{}",
            own[1].1
        );
    }
}
