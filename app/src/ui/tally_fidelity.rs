//! How faithful were the pictures a class saw? On request, the tally page starts an engine, makes
//! again every distinct picture its counted students saw — a quiz's two pictures per round, a
//! predict round's four references — and gives each arm's median response ratio and specificity
//! against the photo pool, as `basis tally --fidelity` does. Result codes carry answers only, so
//! the pictures are remade from the link and each student's nonce; the page needs no engine until
//! the teacher asks.

use std::collections::HashMap;
use std::rc::Rc;

use basis_featvis::pool::Activations;
use basis_recipe::{Arm, ClassTest, Recipe};
use leptos::prelude::*;

use super::arm_fidelity::{self, ArmTable};
use super::batch::{self, BatchEngine, BatchStatus, Job, JobImages, PoolUpdate};

/// Each picture of a job, in the job's order: its arm and recipe.
type JobPictures = Vec<(Arm, Recipe)>;

/// The jobs that make every distinct picture the students of `nonces` saw, each once, with the
/// pictures each job makes. A quiz's pictures are cut into batches per layer (every batch draws
/// the quiz's transforms, so how they are cut does not change a picture); a predict round's
/// references are one job per direction.
fn plan(test: &ClassTest, nonces: &[String], engines: usize) -> Vec<(Job, JobPictures)> {
    let seen = test.visualized(nonces.iter().map(String::as_str));
    match test {
        ClassTest::Spot(quiz) => quiz
            .layers
            .iter()
            .flat_map(|layer| {
                let of_layer: Vec<(Arm, Recipe)> = seen
                    .iter()
                    .filter(|(_, r)| r.layer == *layer)
                    .cloned()
                    .collect();
                let recipes: Vec<Recipe> = of_layer.iter().map(|(_, r)| r.clone()).collect();
                let mut pictures = of_layer.into_iter();
                batch::jobs(&recipes, quiz.base.seed, engines)
                    .into_iter()
                    .map(|job| {
                        let made = pictures.by_ref().take(job.images()).collect();
                        (job, made)
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        ClassTest::Predict(_) => seen
            .into_iter()
            .map(|(arm, direction)| {
                let job = Job::References(direction.clone());
                let made = vec![(arm, direction); job.images()];
                (job, made)
            })
            .collect(),
    }
}

/// The button, and once pressed the remade pictures' fidelity per arm.
#[component]
pub fn TallyFidelity(test: ClassTest, nonces: Vec<String>) -> impl IntoView {
    let started = RwSignal::new(false);
    let test = StoredValue::new(test);
    let nonces = StoredValue::new(nonces);
    view! {
        <section id="tally-fidelity-section">
            <h3>"How faithful were the pictures?"</h3>
            <p class="hint">
                "Each arm's median response against its best photo crop and the cosine between a picture's activation and its direction, over every picture the counted students saw, made again here from the link (result codes carry answers only). If one arm's pictures were much less faithful, the class may have been telling that apart."
            </p>
            {move || {
                if started.get() {
                    view! { <Remade test=test.get_value() nonces=nonces.get_value() /> }.into_any()
                } else {
                    view! {
                        <button id="tally-fidelity-start" on:click=move |_| started.set(true)>
                            "Make the pictures again and measure them"
                        </button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Remade(test: ClassTest, nonces: Vec<String>) -> impl IntoView {
    let base = match &test {
        ClassTest::Spot(quiz) => quiz.base.clone(),
        ClassTest::Predict(predict) => predict.base.clone(),
    };
    let (jobs, pictures): (Vec<Job>, Vec<JobPictures>) =
        plan(&test, &nonces, batch::expected_engines(None))
            .into_iter()
            .unzip();
    let count: usize = pictures.iter().map(Vec::len).sum();
    let total_steps = (jobs.len() as u64 * base.steps as u64).max(1);
    let three = pictures
        .iter()
        .flatten()
        .any(|(arm, _)| *arm == Arm::Learned);
    let layers = batch::layers_in_order(pictures.iter().flatten().map(|(_, r)| r.layer.as_str()));
    let layer_count = layers.len();

    let steps_done = RwSignal::new(0u64);
    let made = RwSignal::new(false);
    let measured = RwSignal::new_local(vec![Vec::<Rc<Activations>>::new(); jobs.len()]);
    let pools = RwSignal::new_local(HashMap::<String, Rc<Activations>>::new());
    let engine = BatchEngine::new(
        base.network().unwrap_or_default(),
        move |update: JobImages| {
            steps_done.set(update.steps_done);
            if update.all_done {
                made.set(true);
            }
        },
    );
    engine.on_pictures(move |job, acts| {
        measured.update(|m| {
            if let Some(slot) = m.get_mut(job) {
                *slot = arm_fidelity::split(&acts).map(Rc::new).collect();
            }
        });
    });
    engine.start();
    engine.run(jobs);
    engine.ask_pool(layers, move |update| {
        if let PoolUpdate::Activations(acts) = update {
            pools.update(|p| {
                p.insert(acts.layer, Rc::new(acts.acts));
            });
        }
    });
    let engine = StoredValue::new_local(engine);
    let pictures = StoredValue::new(pictures);
    // Every picture measured (activations may come after a job's last image) and every layer's
    // pool in.
    let all_measured = move || {
        measured.with(|m| pictures.with_value(|p| m.iter().zip(p).all(|(m, p)| m.len() == p.len())))
    };
    let ready = move || all_measured() && pools.with(|p| p.len() == layer_count);
    // Measured once, when everything is in: not again at each job's pictures.
    let rows = Memo::new(move |_| {
        if !ready() {
            return Vec::new();
        }
        let mut by_arm = arm_fidelity::ByArm::default();
        pools.with(|pools| {
            measured.with(|measured| {
                pictures.with_value(|pictures| {
                    for (job, made) in pictures.iter().zip(measured) {
                        for ((arm, recipe), picture) in job.iter().zip(made) {
                            let Some(pool) = pools.get(&recipe.layer) else {
                                continue;
                            };
                            // The engine sends a learned direction; the page knows the others.
                            let target = engine.with_value(|e| e.target(recipe));
                            by_arm.add(*arm, recipe, target, picture, pool);
                        }
                    }
                })
            })
        });
        by_arm.rows(three)
    });
    let progress = move || {
        if ready() {
            format!("{count} pictures made again and measured.")
        } else if made.get() {
            "Measuring the photo pool…".to_owned()
        } else {
            let percent = 100 * steps_done.get().min(total_steps) / total_steps;
            format!("Making {count} pictures again: {percent}%")
        }
    };
    view! {
        <BatchStatus engine=engine />
        <p id="tally-fidelity-progress" role="status">
            {progress}
        </p>
        <ArmTable id="tally-fidelity" rows=rows.into() hidden=Signal::derive(move || !ready()) />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basis_recipe::{Arms, Predict, Quiz, ResultCode};

    fn student(nonce: u64) -> String {
        ResultCode::new(String::new(), Vec::new(), nonce).nonce
    }

    #[test]
    fn every_distinct_picture_once_in_jobs_of_one_layer() {
        let layers = vec!["block3".to_owned(), "block8".to_owned()];
        let mut quiz = Quiz::new(Recipe::new("0123456789abcdef"), layers.clone(), 6);
        quiz.arms = Arms::Three;
        let nonces = [student(1), student(2)];
        let plan = plan(&ClassTest::Spot(quiz.clone()), &nonces, 2);
        let pictures: Vec<&(Arm, Recipe)> = plan.iter().flat_map(|(_, p)| p).collect();
        assert_eq!(
            pictures.len(),
            2 * 6 * 2,
            "two students' own pictures, each once"
        );
        for (job, made) in &plan {
            let Job::Batch {
                recipes,
                transform_seed,
            } = job
            else {
                panic!("a quiz's pictures are batches");
            };
            assert_eq!(*transform_seed, quiz.base.seed);
            let in_job: Vec<&Recipe> = made.iter().map(|(_, r)| r).collect();
            assert_eq!(recipes.iter().collect::<Vec<_>>(), in_job);
            assert!(recipes.iter().all(|r| r.layer == recipes[0].layer));
        }
        for nonce in &nonces {
            for round in quiz.rounds(nonce) {
                for (recipe, arm) in round.shown().into_iter().zip(round.arms()) {
                    assert!(pictures.contains(&&(arm, recipe.clone())));
                }
            }
        }
        // The same student twice: nothing new to make.
        let twice = [student(1), student(1)];
        let once = [student(1)];
        let count = |nonces: &[String]| -> usize {
            super::plan(&ClassTest::Spot(quiz.clone()), nonces, 2)
                .iter()
                .map(|(_, p)| p.len())
                .sum()
        };
        assert_eq!(count(&twice), count(&once));

        let mut predict = Predict::new(Recipe::new("0123456789abcdef"), layers, 6);
        predict.arms = Arms::ThreeHeldOut;
        let plan = super::plan(&ClassTest::Predict(predict.clone()), &nonces, 2);
        assert_eq!(plan.len(), 12, "one job per direction");
        for (job, made) in &plan {
            let Job::References(direction) = job else {
                panic!("a predict round's references are one job");
            };
            assert_eq!(made.len(), basis_recipe::REFERENCES);
            assert!(made.iter().all(|(_, d)| d == direction));
        }
    }
}
