//! A teacher's tally: paste the class's result codes; each is checked (form, checksum, test,
//! length, duplicates), graded against its own student's rounds and counted once. The tests use
//! the right unit (`ui::class_result`); pooled accuracy with its Wilson interval, per layer and
//! per arm, is shown as a description; on request, the pictures' fidelity per arm
//! (`ui::tally_fidelity`). Nothing leaves the browser.

use basis_recipe::{ClassResult, ClassTest, Counted, Graded, PartScore, RecipeError, Tally};
use leptos::prelude::*;

use super::chart::{AccuracyChart, ConditionChart, Row, describe};
use super::class_result::ClassTests;
use super::page_header::PageHeader;
use super::tally_fidelity::TallyFidelity;

#[derive(Debug, Clone, PartialEq)]
struct Checked {
    line: usize,
    code: String,
    outcome: Result<Counted, String>,
}

fn title(test: &ClassTest) -> &'static str {
    match test {
        ClassTest::Spot(_) => "Class tally: spot the neuron",
        ClassTest::Predict(_) => "Class tally: predict the response",
    }
}

#[component]
pub fn TallyPage(test: Result<ClassTest, RecipeError>) -> impl IntoView {
    // No engine here: nothing else to wait for before the service worker may cache the release.
    super::loaded::announce_loaded();
    let test = match test {
        Ok(test) => test,
        Err(error) => {
            return view! {
                <main class="tally-page">
                    <h1>"Class tally"</h1>
                    <p class="message" role="alert" id="tally-error">
                        {format!(
                            "This tally link could not be read: {error}. Open the tally link of your quiz (from the quiz's end screen or the make-a-quiz page).",
                        )}
                    </p>
                </main>
            }
            .into_any();
        }
    };
    let codes = RwSignal::new(String::new());
    let checked = RwSignal::new(Vec::<Checked>::new());
    let result = RwSignal::new(None::<Tally>);
    let test_value = StoredValue::new(test.clone());
    let count = move |_| {
        let mut tally = Tally::new(test_value.get_value());
        let mut lines = Vec::new();
        let text = codes.get_untracked();
        for (i, code) in text
            .split(['\n', ',', ';'])
            .map(str::trim)
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
        {
            lines.push(Checked {
                line: i + 1,
                code: code.chars().take(60).collect(),
                outcome: tally.add(code).map_err(|error| error.to_string()),
            });
        }
        checked.set(lines);
        result.set(Some(tally));
        super::focus::first_after_render("#tally-summary");
    };
    let what = match &test {
        ClassTest::Spot(_) => "spotted the neurons",
        ClassTest::Predict(_) => "predicted the responses",
    };
    let summary = move || {
        result.get().map(|tally| {
            let score = &tally.score;
            let has_arms = !score.arms.is_empty();
            let rows = Row::of(score);
            let table = parts_table(
                score
                    .arms
                    .iter()
                    .chain(&score.foils)
                    .map(|(_, part)| part)
                    .chain(&score.layers)
                    .cloned()
                    .collect(),
            );
            let by_confidence =
                parts_table(score.confidence.iter().map(|(_, _, part)| part.clone()).collect());
            let result = tally.result();
            let set_aside = tally.set_aside();
            view! {
                <section id="tally-summary" tabindex="-1">
                    <p id="tally-students">
                        {format!(
                            "{} student{}, {} answers: {} correct.",
                            tally.students(),
                            if tally.students() == 1 { "" } else { "s" },
                            score.total,
                            score.correct,
                        )}
                    </p>
                    {(set_aside > 0)
                        .then(|| {
                            view! {
                                <p id="tally-set-aside">
                                    {format!(
                                        "{set_aside} set aside, not counted anywhere below: each missed a catch round, whose right photo was itself among the references, so they were not reading the references.",
                                    )}
                                </p>
                            }
                        })}
                    <p id="tally-accuracy">
                        {format!("Pooled accuracy {}.", describe(score.correct, score.total))}
                    </p>
                    <ClassTests result=result.clone() what=what has_arms=has_arms />
                    <Conditions result=result />
                    <AccuracyChart rows=rows />
                    <table id="tally-parts" class="per-layer">
                        <thead>
                            <tr>
                                <th>"Part"</th>
                                <th>"Correct"</th>
                                <th>"Accuracy"</th>
                            </tr>
                        </thead>
                        <tbody>{table}</tbody>
                    </table>
                    <h3>"By confidence"</h3>
                    <p class="hint">
                        "Students who can tell should be right more often when they say they are sure; accuracy that does not rise with confidence suggests guessing."
                    </p>
                    <table id="tally-confidence" class="per-layer">
                        <thead>
                            <tr>
                                <th>"Answers"</th>
                                <th>"Correct"</th>
                                <th>"Accuracy"</th>
                            </tr>
                        </thead>
                        <tbody>{by_confidence}</tbody>
                    </table>
                    {(tally.students() > 0)
                        .then(|| {
                            view! {
                                <TallyFidelity
                                    test=test_value.get_value()
                                    nonces=tally.nonces().map(str::to_owned).collect()
                                />
                            }
                        })}
                </section>
            }
        })
    };
    let test_link = format!("#{}", test.fragment());
    view! {
        <main class="tally-page">
            <PageHeader title=title(&test)>
                <a href=test_link>"The quiz"</a>
            </PageHeader>
            <p>
                {format!(
                    "Quiz {}: {} rounds, layers {}. Paste the students' result codes, one per line. Nothing leaves this browser.",
                    test.id(),
                    test.rounds(),
                    test.layers().join(", "),
                )}
            </p>
            <textarea
                id="codes"
                aria-label="The students' result codes, one per line"
                rows="8"
                cols="40"
                prop:value=move || codes.get()
                on:input=move |ev| codes.set(event_target_value(&ev))
            ></textarea>
            <div>
                <button id="count-codes" on:click=count>
                    "Count"
                </button>
            </div>
            <ul id="checked-codes" class="checked">
                {move || {
                    checked
                        .get()
                        .into_iter()
                        .map(|c| {
                            let (class, text) = match &c.outcome {
                                Ok(Counted::Graded) => {
                                    ("accepted", format!("line {}: {} — counted", c.line, c.code))
                                }
                                Ok(Counted::SetAside { missed }) => {
                                    (
                                        "set-aside",
                                        format!(
                                            "line {}: {} — set aside: {}",
                                            c.line,
                                            c.code,
                                            missed_catch(missed),
                                        ),
                                    )
                                }
                                Err(why) => {
                                    (
                                        "refused",
                                        format!("line {}: {} — refused: {why}", c.line, c.code),
                                    )
                                }
                            };
                            view! { <li class=class>{text}</li> }
                        })
                        .collect_view()
                }}
            </ul>
            {summary}
        </main>
    }
    .into_any()
}

/// "missed catch round 7 (…)".
fn missed_catch(missed: &[usize]) -> String {
    let rounds: Vec<String> = missed.iter().map(usize::to_string).collect();
    format!(
        "missed catch round{} {} (the right photo itself was among the references)",
        if missed.len() == 1 { "" } else { "s" },
        rounds.join(" and "),
    )
}

/// With control rounds: accuracy per arm and kind of reference, students as the unit, each arm
/// read against its rounds without references.
#[component]
fn Conditions(result: ClassResult) -> impl IntoView {
    (!result.conditions.is_empty()).then(|| {
        let rows = result
            .conditions
            .iter()
            .map(|(arm, condition, cell)| {
                let text = cell.as_ref().map_or("fewer than two students".into(), |r| {
                    format!(
                        "{:.0}% (95% bootstrap interval {:.0}–{:.0}%), {} students",
                        100.0 * (0.5 + r.mean_difference),
                        100.0 * (0.5 + r.interval.0),
                        100.0 * (0.5 + r.interval.1),
                        r.students,
                    )
                });
                view! {
                    <tr>
                        <td>{format!("{}, {}", arm.label(), condition.label())}</td>
                        <td>{text}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section id="tally-conditions">
                <h3>"By kind of reference"</h3>
                <p class="hint">
                    "Each student's accuracy in each kind of round, averaged over students (the unit), with a bootstrap interval over students. The rounds without references are the baseline: what the two photos alone give away. A kind of direction whose visualizations help sits to the right of its baseline mark; Zimmermann et al. (2021) found 68% with visualizations against 60% without, Borowski et al. (2021) 82% with visualizations and 92% with photos."
                </p>
                <ConditionChart cells=result.conditions.clone() />
                <table id="tally-condition-table" class="per-layer">
                    <thead>
                        <tr>
                            <th>"Rounds"</th>
                            <th>"Mean accuracy over students"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}

/// One row per part: its label, correct of answered, and the accuracy with its interval.
fn parts_table(parts: Vec<PartScore>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| {
            view! {
                <tr>
                    <td>{part.label.clone()}</td>
                    <td>{format!("{} / {}", part.correct, part.total)}</td>
                    <td>{describe(part.correct, part.total)}</td>
                </tr>
            }
        })
        .collect_view()
}
