//! "Spot the neuron": rounds of two images of one layer — one a single neuron, one a random
//! direction (with a third arm, in half the rounds a direction learned from photos instead) — and
//! the question which is the neuron. The link fixes every round, so a class sees the same quiz;
//! images are prepared in batches while the student reads the instructions. The end screen scores
//! the answers with a Wilson interval and hands out a result code.

use std::collections::HashMap;
use std::rc::Rc;

use basis_featvis::picture_stats::PictureStats;
use basis_featvis::pool::Activations;
use basis_recipe::{ClassTest, Link, Quiz, RecipeError, ResultCode, Round, Score};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::arm_fidelity::{self, ArmRow, ArmTable};
use super::attempt::Attempt;
use super::batch::{BatchEngine, JobImages, PoolUpdate};
use super::class_test::{ClassTestPage, EndScreen, Pair, RoundFrame, items_note, said, side};
use super::confounds::{Confounds, PairStats};
use super::page_header::BadLink;
use super::quiz_jobs::{Slot, plan};
use super::rounds::Phase;

#[component]
pub fn QuizPage(quiz: Result<Quiz, RecipeError>) -> impl IntoView {
    match quiz {
        Ok(quiz) => view! { <QuizRun quiz=quiz /> }.into_any(),
        Err(error) => view! { <BadLink title="Spot the neuron" error=error /> }.into_any(),
    }
}

#[component]
fn QuizRun(quiz: Quiz) -> impl IntoView {
    let count = quiz.rounds;
    let attempt = Attempt::new(&quiz, count);
    let rounds = quiz.rounds(&attempt.student());
    let steps = quiz.base.steps;
    let (jobs, slots): (Vec<_>, Vec<Vec<Slot>>) = plan(&rounds, quiz.base.seed).into_iter().unzip();
    let job_count = jobs.len();
    // Final images per round, left and right.
    let images = StoredValue::new_local(vec![[None::<(u32, Vec<u8>)>, None]; count]);
    let stats = RwSignal::new(vec![None::<PairStats>; count]);
    let prepared_steps = RwSignal::new(0u64);
    let slots = StoredValue::new_local(slots);
    let message = RwSignal::new(None::<String>);

    let engine = BatchEngine::new(
        quiz.base.network().unwrap_or_default(),
        move |update: JobImages| {
            prepared_steps.set(update.steps_done);
            if !update.done {
                return;
            }
            let Some(made) = slots.with_value(|s| s.get(update.job).cloned()) else {
                return;
            };
            images.update_value(|images| {
                for (&(round, side), rgba) in made.iter().zip(&update.images) {
                    images[round][side] = Some((update.size, rgba.clone()));
                }
            });
            // A round is ready with both its images, whichever jobs made them.
            let mut touched: Vec<usize> = made.iter().map(|&(round, _)| round).collect();
            touched.dedup();
            let complete: Vec<(usize, PairStats)> = images.with_value(|images| {
                touched
                    .into_iter()
                    .filter_map(|round| {
                        let [Some((size, left)), Some((_, right))] = &images[round] else {
                            return None;
                        };
                        let size = *size as usize;
                        Some((
                            round,
                            [
                                PictureStats::of_rgba(left, size),
                                PictureStats::of_rgba(right, size),
                            ],
                        ))
                    })
                    .collect()
            });
            for (round, pair) in complete {
                stats.update(|stats| stats[round] = Some(pair));
                attempt.mark_ready(round);
            }
        },
    );
    // Each round's two pictures measured at its layer, and the pool at every layer, for the end
    // screen's fidelity per arm.
    let measured = RwSignal::new_local(vec![[None::<Rc<Activations>>, None]; count]);
    let pools = RwSignal::new_local(HashMap::<String, Rc<Activations>>::new());
    engine.on_pictures(move |job, acts| {
        let Some(made) = slots.with_value(|s| s.get(job).cloned()) else {
            return;
        };
        measured.update(|m| {
            for (&(round, side), picture) in made.iter().zip(arm_fidelity::split(&acts)) {
                m[round][side] = Some(Rc::new(picture));
            }
        });
    });
    let view = engine.view;
    let engine = StoredValue::new_local(engine);
    view.warn_on_other_weights(quiz.base.weights.clone(), message);
    let pool_layers = super::batch::layers_in_order(rounds.iter().map(|r| r.layer.as_str()));
    engine.with_value(|e| {
        e.start();
        e.run(jobs);
    });
    // The pool is asked for at the end screen, which alone shows the fidelity: asked at the
    // start, it would hold up round 1 on the main engine.
    Effect::new(move |asked: Option<bool>| {
        if asked == Some(true) || attempt.phase() != Phase::End {
            return asked.unwrap_or(false);
        }
        let layers = pool_layers.clone();
        engine.with_value(|e| {
            e.ask_pool(layers, move |update| {
                if let PoolUpdate::Activations(acts) = update {
                    pools.update(|p| {
                        p.insert(acts.layer, Rc::new(acts.acts));
                    });
                }
            })
        });
        true
    });
    // Each arm's fidelity over the pictures of every round.
    let rounds_for_fidelity = StoredValue::new(rounds.clone());
    let three = quiz.arms.has_learned();
    let fidelity_rows = Memo::new(move |_| {
        let mut by_arm = arm_fidelity::ByArm::default();
        pools.with(|pools| {
            measured.with(|measured| {
                rounds_for_fidelity.with_value(|rounds| {
                    for (round, pictures) in rounds.iter().zip(measured) {
                        let Some(pool) = pools.get(&round.layer) else {
                            continue;
                        };
                        let shown = round.shown().into_iter().zip(round.arms());
                        for (picture, (recipe, arm)) in pictures.iter().zip(shown) {
                            let Some(picture) = picture else { continue };
                            // The engine sends a learned direction; the page knows the others.
                            let target = engine.with_value(|e| e.target(recipe));
                            by_arm.add(arm, recipe, target, picture, pool);
                        }
                    }
                })
            })
        });
        by_arm.rows(three)
    });

    let left = NodeRef::<Canvas>::new();
    let right = NodeRef::<Canvas>::new();
    // Draw a round's images once it is shown and ready.
    Effect::new(move |_| {
        let Phase::Round(round) = attempt.phase() else {
            return;
        };
        let is_ready = attempt.is_ready(round);
        let (Some(l), Some(r)) = (left.get(), right.get()) else {
            return;
        };
        if !is_ready {
            return;
        }
        images.with_value(|images| {
            for (canvas, image) in [(l, &images[round][0]), (r, &images[round][1])] {
                if let Some((size, rgba)) = image {
                    super::canvas::draw(&canvas, *size, rgba);
                }
            }
        });
    });

    let total_steps = (job_count as u64 * steps as u64).max(1);
    let layers = quiz.layers.join(", ");
    let items = quiz.items;
    let size = quiz.base.image.size;
    let quiz_for_end = StoredValue::new(quiz.clone());
    let rounds_for_end = StoredValue::new(rounds.clone());
    let rounds = StoredValue::new(rounds);
    let other = if three {
        "The other was made to excite another direction: in half of the rounds a random mix of all the layer's channels, in the other half a direction learned from photos (an independent component of the layer's responses to the 8 shipped photos), in an order drawn at random."
    } else {
        "The other was made to excite a random direction: a random mix of all the layer's channels."
    };
    let intro = move || {
        view! {
            <p>
                {format!(
                    "{count} rounds. Each round shows two feature visualizations of the same layer of an image network (EfficientNet-Lite0; layers: {layers}). One was made to excite a single neuron — one channel of the layer. {other}",
                )}
            </p>
            <p>
                "Which one is the single neuron? Pick a side and say how sure you are. At the end you get your score and a code to hand in."
            </p>
            <p class="fairness">
                {format!(
                    "Fair by construction: both images of a round use the same objective, the same settings ({size} px, Lucid's transforms and parametrization) and the same number of steps ({steps}), optimized together in one batch; only the direction differs. {}",
                    items_note(items),
                )}
            </p>
        }
    };
    let round = move |round: usize| {
        let layer = rounds.with_value(|r| r[round].layer.clone());
        view! {
            <RoundFrame
                attempt=attempt
                round=round
                layer=layer
                labels=["Left is the neuron", "Right is the neuron"]
            >
                <Pair canvases=[left, right] size=64 captions=["Left", "Right"] />
                <p class="question">"Which one is a single neuron?"</p>
            </RoundFrame>
        }
        .into_any()
    };
    let end = move || {
        view! {
            <QuizEnd
                stats=stats.into()
                quiz=quiz_for_end.get_value()
                rounds=rounds_for_end.get_value()
                code=attempt.code()
                fidelity=fidelity_rows.into()
            />
        }
    };

    view! {
        <ClassTestPage
            title="Spot the neuron"
            class="quiz-page"
            message=message
            engine=engine
            attempt=attempt
            total_steps=total_steps
            prepared_steps=prepared_steps
            intro=intro
            round=round
            end=end
        />
    }
}

#[component]
fn QuizEnd(
    quiz: Quiz,
    rounds: Vec<Round>,
    code: ResultCode,
    stats: Signal<Vec<Option<PairStats>>>,
    /// The pictures' fidelity per arm.
    fidelity: Signal<Vec<ArmRow>>,
) -> impl IntoView {
    let confounds = rounds.clone();
    let score = Score::of(&quiz, &code);
    let accuracy_note = if quiz.arms.has_learned() {
        "; an interval that lies above 50% means you really can tell neurons from the other directions at these layers. The chart splits your rounds by what the neuron was shown against: below 50% against learned directions would mean they looked more like single neurons than the neurons did"
    } else {
        "; an interval that lies above 50% means you really can tell neurons from random directions at these layers"
    };
    let tally = format!("#{}", ClassTest::Spot(quiz).tally_fragment());
    let answers = code.answers.clone();
    let key_rows = move || {
        rounds
            .iter()
            .zip(&answers)
            .enumerate()
            .map(|(i, (round, answer))| {
                let right = answer.left == round.neuron_left;
                let [l, r] = round
                    .shown()
                    .map(|recipe| format!("#{}", Link::fragment(recipe, &[], false)));
                let against = round.foil.toward.learned().map_or(String::new(), |(_, k)| {
                    format!(", against learned direction {k}")
                });
                view! {
                    <tr class=if right { "right" } else { "wrong" } data-foil=round.foil_arm.key()>
                        <td>{i + 1}</td>
                        <td>{round.layer.clone()}</td>
                        <td>
                            {format!(
                                "{} (channel {}){against}",
                                side(round.neuron_left),
                                round.neuron.channel,
                            )}
                        </td>
                        <td>{said(answer, right)}</td>
                        <td>
                            <a href=l>"left"</a>
                            " · "
                            <a href=r>"right"</a>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <EndScreen
            score=score
            accuracy_note=accuracy_note
            code=code.encode()
            tally=tally
            key_headers=["Round", "Layer", "Neuron was", "You said", "Images"]
            key_rows=key_rows
        >
            <Confounds rounds=confounds stats=stats />
            <h3>"How faithful were the pictures?"</h3>
            <p class="hint">
                "Over every picture of the quiz, each arm's median response against its best photo crop and the cosine between a picture's activation and its direction (see the single view's fidelity panel). If one arm's pictures were much less faithful, telling the arms apart may have been telling that apart."
            </p>
            <ArmTable id="quiz-fidelity" rows=fidelity hidden=Signal::derive(|| false) />
        </EndScreen>
    }
}
