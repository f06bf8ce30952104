//! "Predict the response": Borowski et al.'s two-alternative task on neurons and random directions,
//! blind. Each round shows four feature visualizations of one direction and two photo crops, one
//! the direction responds to strongly and one weakly; the student says which responds more. The
//! references are made while the student works; the pool's activations rank the crops here in the
//! page, as `basis predict` ranks them.

use basis_featvis::direction;
use basis_featvis::queries::{self, Queries};
use basis_recipe::{
    Arm, ClassTest, Link, Predict, REFERENCES, RecipeError, ResultCode, Score, Trial,
};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::arms::ArmVerdict;
use super::batch::{BatchEngine, BatchStatus, Job, PoolUpdate, Tiles};
use super::chart::{AccuracyChart, Row, describe};
use super::hand_in::HandIn;
use super::page_header::{BadLink, PageHeader, PageMessage};
use super::prepare_bar::PrepareBar;
use super::sitting::{AnswerPicker, Phase, Sitting};
use super::state::{PoolActivations, PoolCrops};

/// What the key shows of a round's photos.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    queries: Queries,
    strong_photo: String,
    weak_photo: String,
}

/// The two crops of every round of `acts`' layer.
fn resolve(trials: &[Trial], acts: &PoolActivations, shown: &mut [Option<Queries>]) {
    for (trial, slot) in trials.iter().zip(shown.iter_mut()) {
        if trial.layer != acts.layer {
            continue;
        }
        let Ok(d) = direction::of_recipe(&trial.direction) else {
            continue;
        };
        *slot = queries::queries(
            &acts.acts,
            &d,
            acts.acts.crops,
            trial.strong_rank,
            trial.weak_rank,
        );
    }
}

fn crop_pixels(crops: &PoolCrops, index: usize) -> Option<&[u8]> {
    let per_crop = (crops.size * crops.size * 4) as usize;
    crops.rgba.get(index * per_crop..(index + 1) * per_crop)
}

#[component]
pub fn PredictPage(test: Result<Predict, RecipeError>) -> impl IntoView {
    match test {
        Ok(test) => view! { <PredictRun test=test /> }.into_any(),
        Err(error) => view! { <BadLink title="Predict the response" error=error /> }.into_any(),
    }
}

#[component]
fn PredictRun(test: Predict) -> impl IntoView {
    let trials = test.trials();
    let count = trials.len();
    let steps = test.base.steps;
    let references = StoredValue::new_local(vec![Vec::<(u32, Vec<u8>)>::new(); count]);
    let refs_ready: RwSignal<Vec<bool>> = RwSignal::new(vec![false; count]);
    let prepared_steps = RwSignal::new(0u64);
    let crops = RwSignal::new_local(None::<std::rc::Rc<PoolCrops>>);
    let shown: RwSignal<Vec<Option<Queries>>> = RwSignal::new(vec![None; count]);
    let pool_progress = RwSignal::new(None::<(u32, u32)>);
    let message = RwSignal::new(None::<String>);

    let engine = BatchEngine::new(move |update: Tiles| {
        prepared_steps.set(update.steps_done);
        if !update.done {
            return;
        }
        references.update_value(|r| {
            if let Some(slot) = r.get_mut(update.job) {
                *slot = update
                    .images
                    .into_iter()
                    .map(|i| (update.size, i))
                    .collect();
            }
        });
        refs_ready.update(|ready| {
            if let Some(r) = ready.get_mut(update.job) {
                *r = true;
            }
        });
    });
    let view = engine.view;
    let engine = StoredValue::new_local(engine);
    view.warn_on_other_weights(test.base.weights.clone(), message);
    let trials_for_pool = trials.clone();
    engine.with_value(|e| {
        e.start();
        // One job per round, in order: the first round is ready first.
        e.run(
            trials
                .iter()
                .map(|t| Job::References(t.direction.clone()))
                .collect(),
        );
        e.ask_pool(test.layers.clone(), move |update| match update {
            PoolUpdate::Progress(done, total) => pool_progress.set(Some((done, total))),
            PoolUpdate::Crops(c) => crops.set(Some(std::rc::Rc::new(c))),
            PoolUpdate::Activations(acts) => {
                pool_progress.set(None);
                shown.update(|s| resolve(&trials_for_pool, &acts, s));
                let missing = shown.with_untracked(|s| {
                    trials_for_pool
                        .iter()
                        .zip(s)
                        .any(|(t, q)| t.layer == acts.layer && q.is_none())
                });
                if missing {
                    message.set(Some(format!(
                        "At {}, no two crops of the photo pool differ enough in their response to a round's direction (too few crops, or all respond alike): that round cannot be shown.",
                        acts.layer
                    )));
                }
            }
        });
    });
    let ready = move |round: usize| {
        refs_ready.with(|r| r[round])
            && shown.with(|s| s[round].is_some())
            && crops.with(Option::is_some)
    };

    let sitting = Sitting::new(&test, count);
    let phase = sitting.phase;
    let reference_canvases: [NodeRef<Canvas>; REFERENCES] = std::array::from_fn(|_| NodeRef::new());
    let photo_canvases: [NodeRef<Canvas>; 2] = std::array::from_fn(|_| NodeRef::new());
    let trials = StoredValue::new(trials);
    // The crops shown left and right in a round.
    let sides = move |round: usize| -> Option<[usize; 2]> {
        let q = shown.with(|s| s[round])?;
        let strong_left = trials.with_value(|t| t[round].strong_left);
        Some(if strong_left {
            [q.strong, q.weak]
        } else {
            [q.weak, q.strong]
        })
    };
    Effect::new(move |_| {
        let Phase::Round(round) = phase.get() else {
            return;
        };
        if !ready(round) {
            return;
        }
        references.with_value(|r| {
            for (canvas, (size, rgba)) in reference_canvases.iter().zip(&r[round]) {
                if let Some(canvas) = canvas.get() {
                    super::canvas::draw(&canvas, *size, rgba);
                }
            }
        });
        let (Some(pair), Some(crops)) = (sides(round), crops.get()) else {
            return;
        };
        for (canvas, index) in photo_canvases.iter().zip(pair) {
            if let (Some(canvas), Some(rgba)) = (canvas.get(), crop_pixels(&crops, index)) {
                super::canvas::draw(&canvas, crops.size, rgba);
            }
        }
    });

    let total_steps = (count as u64 * steps as u64).max(1);
    let layers = test.layers.join(", ");
    let size = test.base.image.size;
    let photo_count = move || {
        crops.with(|c| {
            c.as_ref().map_or(0, |c| {
                let mut names = c.photos.clone();
                names.dedup();
                names.len()
            })
        })
    };
    let test = StoredValue::new(test);
    let key_rows = move || {
        let crops = crops.get();
        trials.with_value(|trials| {
            trials
                .iter()
                .zip(shown.get())
                .map(|(_, q)| {
                    let q = q?;
                    let name = |i: usize| crops.as_ref().and_then(|c| c.photos.get(i).cloned());
                    Some(Shown {
                        queries: q,
                        strong_photo: name(q.strong)?,
                        weak_photo: name(q.weak)?,
                    })
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <main class="quiz-page predict-page">
            <PageHeader title="Predict the response" />
            <PageMessage message=message id="quiz-message" />
            <BatchStatus engine=engine />
            <PrepareBar
                total_steps=total_steps
                prepared_steps=prepared_steps
                rounds=count
                rounds_ready=Signal::derive(move || (0..count).filter(|&r| ready(r)).count())
                hidden=Signal::derive(move || phase.get() == Phase::End)
            >
                <span id="pool-progress" hidden=move || pool_progress.get().is_none()>
                    {move || {
                        pool_progress
                            .get()
                            .map(|(done, total)| {
                                format!(" · photos through the network: {done} of {total} crops")
                            })
                            .unwrap_or_default()
                    }}
                </span>
            </PrepareBar>
            {move || match phase.get() {
                Phase::Intro => {
                    view! {
                        <section id="quiz-intro" class="intro">
                            <p>
                                {format!(
                                    "{count} rounds, layers {layers} of an image network (EfficientNet-Lite0). Each round shows four feature visualizations of one direction of a layer — images made to excite it — and two photos. Which photo makes that direction respond more? Pick one and say how sure you are.",
                                )}
                            </p>
                            <p>
                                "Half the rounds are about single neurons (one channel of the layer), half about random directions (a random mix of all its channels), in an order fixed by the link; you are not told which is which. At the end you see how well you did on each, and get a code to hand in: the class's codes answer whether neurons are easier to understand than random directions."
                            </p>
                            <p class="fairness" id="protocol">
                                {format!(
                                    "The protocol is Borowski et al.'s (ICLR 2021) two-alternative task: from a unit's feature visualizations, people picked the more strongly activating of two natural images 82% of the time (92% with photo references). Here: 4 references ({size} px, {steps} steps, one batch with a diversity term, Lucid's transforms), and two 224 px crops of the {} shipped photos (4 crops each), ranked by the direction's mean response over the crop: one drawn among the 3 strongest, one among the 3 weakest. Nothing from the photos is shown as a reference. Every student who opens this link gets the same rounds.",
                                    photo_count(),
                                )}
                            </p>
                            <button
                                id="start-quiz"
                                prop:disabled=move || !ready(0)
                                on:click=move |_| phase.set(Phase::Round(0))
                            >
                                {move || {
                                    if ready(0) {
                                        "Start"
                                    } else {
                                        "Start (preparing the first round…)"
                                    }
                                }}
                            </button>
                        </section>
                    }
                        .into_any()
                }
                Phase::Round(round) => {
                    let layer = trials.with_value(|t| t[round].layer.clone());
                    let data_crops = move || {
                        sides(round).map(|[l, r]| format!("{l},{r}")).unwrap_or_default()
                    };
                    view! {
                        <section
                            id="quiz-round"
                            class="round"
                            data-round=round.to_string()
                            data-crops=data_crops
                        >
                            <h2>{format!("Round {} of {count} — layer {layer}", round + 1)}</h2>
                            <p hidden=move || ready(round)>"Preparing this round…"</p>
                            <div hidden=move || !ready(round)>
                                <p>"Feature visualizations of this direction:"</p>
                                <div class="references">
                                    {reference_canvases
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, node)| {
                                            view! {
                                                <canvas
                                                    id=format!("reference-{i}")
                                                    node_ref=node
                                                    width="64"
                                                    height="64"
                                                ></canvas>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                                <p class="question">
                                    "Which photo makes this direction respond more?"
                                </p>
                                <div class="pair">
                                    <figure>
                                        <canvas
                                            id="left-image"
                                            node_ref=photo_canvases[0]
                                            width="224"
                                            height="224"
                                        ></canvas>
                                        <figcaption>"Left photo"</figcaption>
                                    </figure>
                                    <figure>
                                        <canvas
                                            id="right-image"
                                            node_ref=photo_canvases[1]
                                            width="224"
                                            height="224"
                                        ></canvas>
                                        <figcaption>"Right photo"</figcaption>
                                    </figure>
                                </div>
                            </div>
                            <AnswerPicker
                                sitting=sitting
                                ready=Signal::derive(move || ready(round))
                                labels=["The left photo", "The right photo"]
                            />
                        </section>
                    }
                        .into_any()
                }
                Phase::End => {
                    view! {
                        <PredictEnd
                            test=test.get_value()
                            trials=trials.get_value()
                            code=sitting.code()
                            shown=Signal::derive(key_rows)
                        />
                    }
                        .into_any()
                }
            }}
        </main>
    }
}

#[component]
fn PredictEnd(
    test: Predict,
    trials: Vec<Trial>,
    code: ResultCode,
    shown: Signal<Vec<Option<Shown>>>,
) -> impl IntoView {
    let answers = code.answers.clone();
    let score = Score::of(&test, &answers);
    let mut chart = vec![Row {
        label: "All rounds".into(),
        correct: score.correct,
        total: score.total,
    }];
    chart.extend(score.arms.iter().map(|(_, arm)| Row::from(arm)));
    chart.extend(score.layers.iter().map(Row::from));
    let tally = format!("#{}", ClassTest::Predict(test.clone()).tally_fragment());
    let key = move || {
        let shown = shown.get();
        trials
            .iter()
            .zip(&answers)
            .zip(shown)
            .enumerate()
            .map(|(i, ((trial, answer), shown))| {
                let right = answer.left == trial.strong_left;
                let side = |left: bool| if left { "left" } else { "right" };
                let direction = match trial.arm {
                    Arm::Neuron => format!("neuron {}", trial.direction.channel),
                    Arm::Random => "random direction".to_owned(),
                };
                let photos = shown.map_or("…".to_owned(), |s| {
                    format!(
                        "{} ({:.2}) over {} ({:.2}; gap at least {:.2})",
                        s.strong_photo,
                        s.queries.strong_value,
                        s.weak_photo,
                        s.queries.weak_value,
                        s.queries.min_gap
                    )
                });
                let link = format!("#{}", Link::fragment(&trial.direction, &[], false));
                view! {
                    <tr
                        class=if right { "right" } else { "wrong" }
                        data-arm=if trial.arm == Arm::Neuron { "neuron" } else { "random" }
                    >
                        <td>{i + 1}</td>
                        <td>{trial.layer.clone()}</td>
                        <td>
                            <a href=link>{direction}</a>
                        </td>
                        <td>{format!("{}: {photos}", side(trial.strong_left))}</td>
                        <td>
                            {format!(
                                "{} {}, confidence {}",
                                side(answer.left),
                                if right { "✓" } else { "✗" },
                                answer.confidence,
                            )}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section id="quiz-end" class="results">
            <h2 id="score">{format!("Your score: {} of {}", score.correct, score.total)}</h2>
            <p id="accuracy">
                {format!("Accuracy {}. Guessing gives 50%.", describe(score.correct, score.total))}
            </p>
            <ArmVerdict score=score.clone() />
            <AccuracyChart rows=chart />
            <HandIn
                code=code.encode()
                tally=tally
                tally_does="; it compares neurons with random directions over the whole class"
            />
            <h3>"Answer key"</h3>
            <table id="answer-key" class="answer-key">
                <thead>
                    <tr>
                        <th>"Round"</th>
                        <th>"Layer"</th>
                        <th>"Direction"</th>
                        <th>"Stronger photo (mean response)"</th>
                        <th>"You said"</th>
                    </tr>
                </thead>
                <tbody>{key}</tbody>
            </table>
        </section>
    }
}
