//! "Predict the response": Borowski et al.'s two-alternative task on neurons and random directions,
//! blind. Each round shows four feature visualizations of one direction and two photo crops, one
//! the direction responds to strongly and one weakly; the student says which responds more. The
//! references are made while the student works; the pool's activations rank the crops here in the
//! page, as `basis predict` ranks them. With control rounds, some rounds show photos as references
//! (the direction's strongest and weakest crops of the pool's other half) or none.

use std::collections::HashMap;
use std::rc::Rc;

use basis_featvis::direction;
use basis_featvis::pool::Activations;
use basis_featvis::queries::{self, Queries, RoundCrops};
use basis_recipe::{
    Arm, Arms, ClassTest, Condition, ControlRounds, Design, Link, Predict, REFERENCES, Recipe,
    RecipeError, ResultCode, Score, Toward, Trial,
};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::arm_fidelity::{self, ArmRow, ArmTable};
use super::arm_verdict::ArmVerdict;
use super::attempt::Attempt;
use super::batch::{BatchEngine, Job, JobImages, PoolUpdate};
use super::class_test::{ClassTestPage, EndScreen, Pair, RoundFrame, items_note, said, side};
use super::explain::Explain;
use super::page_header::BadLink;
use super::rounds::Phase;
use super::state::PoolCrops;

/// What the key shows of a round's photos.
#[derive(Debug, Clone, PartialEq)]
struct KeyPhotos {
    queries: Queries,
    strong_photo: String,
    weak_photo: String,
}

/// The crops of every round of `layer` whose direction is known (`target`: the page knows a
/// neuron's and a random direction's; a learned one comes from the engine with its references)
/// and not yet resolved. Returns whether a known round could not be made.
fn resolve(
    trials: &[Trial],
    test: &Design,
    layer: &str,
    acts: &Activations,
    shown: &mut [Option<RoundCrops>],
    target: &dyn Fn(&Recipe) -> Option<Vec<f64>>,
) -> bool {
    let mut missing = false;
    for (trial, slot) in trials.iter().zip(shown.iter_mut()) {
        if trial.layer != layer || slot.is_some() {
            continue;
        }
        let Some(target) = target(&trial.direction) else {
            continue;
        };
        *slot = queries::round_crops(trial, &target, test, acts, acts.crops);
        missing |= slot.is_none();
    }
    missing
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
    let count = test.all_rounds();
    let attempt = Attempt::new(&test, count);
    let trials = test.trials(&attempt.student());
    let control_rounds = test.control_rounds;
    let steps = test.base.steps;
    let network = test.base.network().unwrap_or_default();
    let weights = test.base.weights.clone();
    let layers = test.layers.join(", ");
    let items = test.items;
    let size = test.base.image.size;
    let test = StoredValue::new(test);
    // The rounds that show visualizations, in order: one engine job each.
    let drawn: Vec<usize> = (0..count)
        .filter(|&i| trials[i].condition == Condition::Synthetic)
        .collect();
    let references = StoredValue::new_local(vec![Vec::<(u32, Vec<u8>)>::new(); count]);
    let refs_ready: RwSignal<Vec<bool>> = RwSignal::new(
        trials
            .iter()
            .map(|t| t.condition != Condition::Synthetic)
            .collect(),
    );
    let prepared_steps = RwSignal::new(0u64);
    let crops = RwSignal::new_local(None::<Rc<PoolCrops>>);
    let shown: RwSignal<Vec<Option<RoundCrops>>> = RwSignal::new(vec![None; count]);
    let pool_progress = RwSignal::new(None::<(u32, u32)>);
    let message = RwSignal::new(None::<String>);

    // Each drawn round's references measured at its layer, and the pool's activations at every
    // layer, kept for the end screen's fidelity per arm.
    let measured_references = RwSignal::new_local(vec![None::<Rc<Activations>>; count]);
    let pools = RwSignal::new_local(HashMap::<String, Rc<Activations>>::new());
    let job_rounds = drawn.clone();
    let engine = BatchEngine::new(network, move |update: JobImages| {
        prepared_steps.set(update.steps_done);
        let Some(&round) = job_rounds.get(update.job).filter(|_| update.done) else {
            return;
        };
        references.update_value(|r| {
            if let Some(slot) = r.get_mut(round) {
                *slot = update
                    .images
                    .into_iter()
                    .map(|i| (update.size, i))
                    .collect();
            }
        });
        refs_ready.update(|ready| {
            if let Some(r) = ready.get_mut(round) {
                *r = true;
            }
        });
    });
    let picture_rounds = drawn.clone();
    engine.on_pictures(move |job, acts| {
        if let Some(&round) = picture_rounds.get(job) {
            measured_references.update(|m| m[round] = Some(Rc::new(acts)));
        }
    });
    let view = engine.view;
    let engine = StoredValue::new_local(engine);
    view.warn_on_other_weights(weights, message);
    let trials_for_pool = trials.clone();
    engine.with_value(|e| {
        e.start();
        // One job per round with visualizations, in order: the first round is ready first.
        e.run(
            drawn
                .iter()
                .map(|&i| Job::References(trials[i].direction.clone()))
                .collect(),
        );
        // The pool's layers in the order the rounds need them: round 1's first.
        let layers = super::batch::layers_in_order(trials.iter().map(|t| t.layer.as_str()));
        e.ask_pool(layers, move |update| match update {
            PoolUpdate::Progress(done, total) => pool_progress.set(Some((done, total))),
            PoolUpdate::Crops(c) => crops.set(Some(Rc::new(c))),
            PoolUpdate::Activations(acts) => {
                pool_progress.set(None);
                let target = |r: &Recipe| direction::random_target(r);
                let mut missing = false;
                shown.update(|s| {
                    missing = test.with_value(|t| {
                        resolve(&trials_for_pool, t, &acts.layer, &acts.acts, s, &target)
                    })
                });
                if missing {
                    message.set(Some(format!(
                        "At {}, no two crops of the photo pool differ enough in their response to a round's direction (too few crops, or all respond alike): that round cannot be shown.",
                        acts.layer
                    )));
                }
                pools.update(|p| {
                    p.insert(acts.layer, Rc::new(acts.acts));
                });
            }
        });
    });
    // A learned direction's round: its crops once the engine, making its references, has sent
    // the direction and the pool is at its layer.
    let trials_for_learned = trials.clone();
    Effect::new(move |_| {
        refs_ready.track();
        pools.with(|pools| {
            for (layer, acts) in pools {
                let target = |r: &Recipe| engine.with_value(|e| e.target(r));
                let mut missing = false;
                shown.update(|s| {
                    missing = test.with_value(|t| {
                        resolve(&trials_for_learned, t, layer, acts, s, &target)
                    })
                });
                if missing {
                    message.set(Some(format!(
                        "At {layer}, no two crops of the photo pool differ enough in their response to a learned direction: that round cannot be shown."
                    )));
                }
            }
        });
    });
    // A round is ready with its references, its two crops chosen, and the crops' pixels.
    Effect::new(move |_| {
        let have_crops = crops.with(Option::is_some);
        for round in 0..count {
            if have_crops && refs_ready.with(|r| r[round]) && shown.with(|s| s[round].is_some()) {
                attempt.mark_ready(round);
            }
        }
    });
    let reference_canvases: [NodeRef<Canvas>; REFERENCES] = std::array::from_fn(|_| NodeRef::new());
    let weakest_canvases: [NodeRef<Canvas>; REFERENCES] = std::array::from_fn(|_| NodeRef::new());
    let photo_canvases: [NodeRef<Canvas>; 2] = std::array::from_fn(|_| NodeRef::new());
    let trials = StoredValue::new(trials);
    // The crops shown left and right in a round.
    let sides = move |round: usize| -> Option<[usize; 2]> {
        let q = shown.with(|s| s[round].as_ref().map(|r| r.queries))?;
        let strong_left = trials.with_value(|t| t[round].strong_left);
        Some(if strong_left {
            [q.strong, q.weak]
        } else {
            [q.weak, q.strong]
        })
    };
    Effect::new(move |_| {
        let Phase::Round(round) = attempt.phase() else {
            return;
        };
        if !attempt.is_ready(round) {
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
        let photo_references = shown.with(|s| s[round].as_ref().and_then(|r| r.references.clone()));
        if let Some(photos) = photo_references {
            let rows = [
                (&reference_canvases, photos.strongest),
                (&weakest_canvases, photos.weakest),
            ];
            for (canvases, indices) in rows {
                for (canvas, index) in canvases.iter().zip(indices) {
                    if let (Some(canvas), Some(rgba)) = (canvas.get(), crop_pixels(&crops, index)) {
                        super::canvas::draw(&canvas, crops.size, rgba);
                    }
                }
            }
        }
        for (canvas, index) in photo_canvases.iter().zip(pair) {
            if let (Some(canvas), Some(rgba)) = (canvas.get(), crop_pixels(&crops, index)) {
                super::canvas::draw(&canvas, crops.size, rgba);
            }
        }
    });

    let total_steps = (drawn.len() as u64 * steps as u64).max(1);
    let photo_count = move || {
        crops.with(|c| {
            c.as_ref().map_or(0, |c| {
                let mut names = c.photos.clone();
                names.dedup();
                names.len()
            })
        })
    };
    // The references' fidelity per arm, over every reference picture of the drawn rounds.
    let fidelity_rows = Memo::new(move |_| {
        let mut by_arm = arm_fidelity::ByArm::default();
        pools.with(|pools| {
            measured_references.with(|measured| {
                trials.with_value(|trials| {
                    for (trial, pictures) in trials.iter().zip(measured) {
                        let (Some(pictures), Some(pool)) = (pictures, pools.get(&trial.layer))
                        else {
                            continue;
                        };
                        let target = engine.with_value(|e| e.target(&trial.direction));
                        by_arm.add(trial.arm, &trial.direction, target, pictures, pool);
                    }
                })
            })
        });
        by_arm.rows(test.with_value(|t| t.arms.has_learned()))
    });
    let key_rows = move || {
        let crops = crops.get();
        trials.with_value(|trials| {
            trials
                .iter()
                .zip(shown.get())
                .map(|(_, round)| {
                    let q = round?.queries;
                    let name = |i: usize| crops.as_ref().and_then(|c| c.photos.get(i).cloned());
                    Some(KeyPhotos {
                        queries: q,
                        strong_photo: name(q.strong)?,
                        weak_photo: name(q.weak)?,
                    })
                })
                .collect::<Vec<_>>()
        })
    };

    let preparing = move || {
        view! {
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
        }
    };
    let three = test.with_value(|t| t.arms.has_learned());
    let learned_from = match test.with_value(|t| t.arms) {
        Arms::ThreeHeldOut => {
            "to 4 of the 8 shipped photos; every round's two photos come from the other 4, so no learned direction is asked about the photos it was learned from"
        }
        _ => "to the 8 shipped photos",
    };
    let intro = move || {
        view! {
            <p>
                {format!(
                    "{count} rounds, layers {layers} of an image network (EfficientNet-Lite0). Each round shows four feature visualizations of one direction of a layer — images made to excite it — and two photos. Which photo makes that direction respond more? Pick one and say how sure you are.",
                )}
            </p>
            <p>
                {if three {
                    format!(
                        "A third of the rounds are about single neurons (one channel of the layer), a third about random directions (a random mix of all its channels) and a third about directions learned from photos (independent components of the layer's responses {learned_from}), in an order drawn at random; you are not told which is which. At the end you see how well you did on each, and get a code to hand in: the class's codes compare each pair of kinds.",
                    )
                } else {
                    "Half the rounds are about single neurons (one channel of the layer), half about random directions (a random mix of all its channels), in an order drawn at random; you are not told which is which. At the end you see how well you did on each, and get a code to hand in: the class's codes answer whether neurons are easier to understand than random directions."
                        .to_owned()
                }}
            </p>
            <p class="fairness" id="protocol">
                {format!(
                    "The protocol is Borowski et al.'s (ICLR 2021) two-alternative task: from a unit's feature visualizations, people picked the more strongly activating of two natural images 82% of the time (92% with photo references). Here: 4 references ({size} px, {steps} steps, one batch with a diversity term, Lucid's transforms), and two 224 px crops of the {} shipped photos (4 crops each), ranked by the direction's mean response over the crop: one drawn among the 3 strongest, one among the 3 weakest. Nothing from the photos is shown as a reference. {}",
                    photo_count(),
                    items_note(items),
                )}
            </p>
            <Explain explanation=super::explain::DIVERSITY />
            {(control_rounds == ControlRounds::Borowski)
                .then(|| {
                    view! {
                        <p id="control-rounds">
                            {format!(
                                "Some rounds are different. In some, the references are photos instead of visualizations: the crops that make the direction respond most, and least. In {}, at the start and at the end, there are no references at all: guess from the two photos. Answer every round the same way.",
                                2 * Arm::BOTH.len(),
                            )}
                        </p>
                        <p class="fairness" id="control-protocol">
                            "Control rounds, after Borowski et al. and Zimmermann et al. (NeurIPS 2021: 68% with visualizations, 60% with none): the photos are split in two halves, every other photo to each; the two photos to choose between come from one half, photo references from the other, so a reference is never one of them. The rounds without references measure what the photos alone give away, and each kind of direction is read against them. Two catch rounds have the right photo itself among the references: a code that misses one is set aside in the tally."
                        </p>
                    }
                })}
        }
    };
    let round = move |round: usize| {
        let layer = trials.with_value(|t| t[round].layer.clone());
        let condition = trials.with_value(|t| t[round].condition);
        let data_crops = move || {
            sides(round)
                .map(|[l, r]| format!("{l},{r}"))
                .unwrap_or_default()
        };
        view! {
            <RoundFrame
                attempt=attempt
                round=round
                layer=layer
                labels=["The left photo", "The right photo"]
                data_crops=Signal::derive(data_crops)
            >
                <References
                    condition=condition
                    strongest=reference_canvases
                    weakest=weakest_canvases
                    crops=Signal::derive(move || {
                        shown
                            .with(|s| s[round].as_ref().and_then(|r| r.references.clone()))
                            .map(|r| {
                                let all: Vec<String> = r
                                    .strongest
                                    .iter()
                                    .chain(&r.weakest)
                                    .map(usize::to_string)
                                    .collect();
                                all.join(",")
                            })
                            .unwrap_or_default()
                    })
                />
                <p class="question">"Which photo makes this direction respond more?"</p>
                <Pair canvases=photo_canvases size=224 captions=["Left photo", "Right photo"] />
            </RoundFrame>
        }
        .into_any()
    };
    let end = move || {
        view! {
            <PredictEnd
                test=test.get_value()
                trials=trials.get_value()
                code=attempt.code()
                shown=Signal::derive(key_rows)
                fidelity=fidelity_rows.into()
            />
        }
    };

    view! {
        <ClassTestPage
            title="Predict the response"
            class="quiz-page predict-page"
            message=message
            engine=engine
            attempt=attempt
            total_steps=total_steps
            prepared_steps=prepared_steps
            preparing=preparing
            intro=intro
            round=round
            end=end
        />
    }
}

/// A round's references as its condition has them: four visualizations; the strongest and the
/// weakest photos (`crops`: their indices, for tests); or none, said so.
#[component]
fn References(
    condition: Condition,
    strongest: [NodeRef<Canvas>; REFERENCES],
    weakest: [NodeRef<Canvas>; REFERENCES],
    crops: Signal<String>,
) -> impl IntoView {
    let row = |canvases: [NodeRef<Canvas>; REFERENCES], id: &'static str, what: &'static str| {
        view! {
            <div class="references">
                {canvases
                    .into_iter()
                    .enumerate()
                    .map(|(i, node)| {
                        view! {
                            <canvas
                                id=format!("{id}-{i}")
                                node_ref=node
                                width="64"
                                height="64"
                                role="img"
                                aria-label=format!("{what} {}", i + 1)
                            ></canvas>
                        }
                    })
                    .collect_view()}
            </div>
        }
    };
    match condition {
        Condition::Synthetic => view! {
            <p>"Feature visualizations of this direction:"</p>
            {row(strongest, "reference", "Feature visualization")}
        }
        .into_any(),
        Condition::Natural | Condition::Catch => view! {
            <div id="photo-references" data-crops=crops>
                <p>"Photos that make this direction respond most:"</p>
                {row(strongest, "reference", "Strong photo")}
                <p>"Photos that make it respond least:"</p>
                {row(weakest, "weakest", "Weak photo")}
            </div>
        }
        .into_any(),
        Condition::NoReference => view! {
            <p id="no-references">
                "No references in this round: which of the two photos do you think makes the direction respond more?"
            </p>
        }
        .into_any(),
    }
}

#[component]
fn PredictEnd(
    test: Predict,
    trials: Vec<Trial>,
    code: ResultCode,
    shown: Signal<Vec<Option<KeyPhotos>>>,
    /// The references' fidelity per arm.
    fidelity: Signal<Vec<ArmRow>>,
) -> impl IntoView {
    let score = Score::of(&test, &code);
    let control_rounds = test.control_rounds;
    let tally = format!("#{}", ClassTest::Predict(test.clone()).tally_fragment());
    let answers = code.answers.clone();
    let key_rows = move || {
        let shown = shown.get();
        trials
            .iter()
            .zip(&answers)
            .zip(shown)
            .enumerate()
            .map(|(i, ((trial, answer), shown))| {
                let right = answer.left == trial.strong_left;
                let direction = match (trial.arm, trial.direction.toward) {
                    (Arm::Neuron, _) => format!("neuron {}", trial.direction.channel),
                    (Arm::Learned, Toward::Learned(k)) => format!("learned direction {k}"),
                    (Arm::Learned, Toward::LearnedHalf(k)) => {
                        format!("learned direction {k} (from half of the photos)")
                    }
                    _ => "random direction".to_owned(),
                };
                let direction = match control_rounds {
                    ControlRounds::None => direction,
                    ControlRounds::Borowski => {
                        format!("{direction} · {}", trial.condition.label())
                    }
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
                    <tr class=if right { "right" } else { "wrong" } data-arm=trial.arm.key()>
                        <td>{i + 1}</td>
                        <td>{trial.layer.clone()}</td>
                        <td>
                            <a href=link>{direction}</a>
                        </td>
                        <td>{format!("{}: {photos}", side(trial.strong_left))}</td>
                        <td>{said(answer, right)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <EndScreen
            score=score.clone()
            accuracy_note=""
            code=code.encode()
            tally=tally
            tally_does="; it compares neurons with random directions over the whole class"
            key_headers=[
                "Round",
                "Layer",
                "Direction",
                "Stronger photo (mean response)",
                "You said",
            ]
            key_rows=key_rows
        >
            <ArmVerdict score=score />
            <h3>"How faithful were the references?"</h3>
            <p class="hint">
                "Over the four references of every round you saw, each arm's median response against its best photo crop and the cosine between a reference's activation and its direction (see the single view's fidelity panel). If one arm's references were much less faithful, predicting its responses may have been harder for that reason alone."
            </p>
            <ArmTable id="predict-fidelity" rows=fidelity hidden=Signal::derive(|| false) />
        </EndScreen>
    }
}
