//! Neurons, random directions and directions learned from the photos side by side: a sheet of
//! tiles of one layer, rendered together as batches, labelled or blind (shuffled, labels hidden until "Reveal"). Each tile links to its
//! own single-direction page.

use basis_recipe::{Neurons, Recipe, RecipeError, Sheet};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::address::AddressBar;
use super::arm_fidelity::{self, ArmFidelity, TilePictures};
use super::batch::{self, BatchEngine, BatchStatus, JobImages};
use super::layers::LayerOptions;
use super::page_header::{PageHeader, PageMessage};
use super::supervisor::EngineStatus;
use super::tiles::{
    MAX_TILES, NumberSelect, TILE_SIZES, TILE_STEPS, TileGrid, TilesAnnouncement, sheet_for,
};
use crate::protocol::Backend;

#[derive(Clone, Copy, Default, PartialEq)]
struct Progress {
    step: u32,
    target: u32,
    job: usize,
    jobs: usize,
    steps_per_second: f32,
    done: bool,
}

#[component]
pub fn SheetPage(sheet: Result<Sheet, RecipeError>) -> impl IntoView {
    let problem = sheet.as_ref().err().map(|error| {
        format!("This sheet link could not be read: {error}. Showing a default sheet instead.")
    });
    let network = sheet
        .as_ref()
        .ok()
        .and_then(|s| s.base.network().ok())
        .unwrap_or_default();
    let sheet = RwSignal::new(sheet.ok());
    let message = RwSignal::new(problem);
    let revealed = RwSignal::new(false);
    let progress = RwSignal::new(Progress::default());
    let finished = RwSignal::new(0usize);
    let canvases: Vec<NodeRef<Canvas>> = (0..MAX_TILES).map(|_| NodeRef::new()).collect();
    let canvases = StoredValue::new_local(canvases);
    // Which tile each image of each job is.
    let offsets = StoredValue::new_local(Vec::<usize>::new());

    let engine = BatchEngine::new(network, move |update: JobImages| {
        let first = offsets.with_value(|o| o.get(update.job).copied().unwrap_or(0));
        canvases.with_value(|canvases| {
            for (i, rgba) in update.images.iter().enumerate() {
                if let Some(canvas) = canvases.get(first + i).and_then(|c| c.get_untracked()) {
                    super::canvas::draw(&canvas, update.size, rgba);
                    // A finished picture says so (its batch may finish before the others).
                    if update.done {
                        let _ = canvas.set_attribute("data-done", "");
                    }
                }
            }
        });
        if update.done {
            let done = canvases.with_value(|canvases| {
                canvases
                    .iter()
                    .filter_map(|c| c.get_untracked())
                    .filter(|c| c.has_attribute("data-done"))
                    .count()
            });
            finished.set(done);
        }
        let jobs = offsets.with_value(Vec::len);
        progress.set(Progress {
            step: update.step,
            target: update.target,
            job: update.job,
            jobs,
            steps_per_second: update.steps_per_second,
            done: update.all_done,
        });
    });
    let pictures: TilePictures = RwSignal::new_local(Vec::new());
    engine.on_pictures(move |job, acts| {
        let first = offsets.with_value(|o| o.get(job).copied().unwrap_or(0));
        let tiles = sheet.with_untracked(|s| s.as_ref().map(Sheet::tiles).unwrap_or_default());
        arm_fidelity::record(pictures, &tiles, first, &acts);
    });
    let view = engine.view;
    let engine = StoredValue::new_local(engine);

    // A link made elsewhere must match these weights; a bad link gets the defaults.
    Effect::new(move |_| {
        let Some(weights) = view.weights.get() else {
            return;
        };
        let current = sheet.get_untracked();
        match current {
            Some(s) if s.base.weights == weights => {}
            Some(s) => {
                message.set(Some(format!(
                    "This sheet was made with other weights ({}; this page has {weights}), so it cannot be reproduced here. Showing a default sheet instead.",
                    s.base.weights
                )));
                let defaults = Recipe::for_network(network, weights);
                sheet.set(Some(sheet_for(&defaults, view.backend())));
            }
            None => {
                let defaults = Recipe::for_network(network, weights);
                sheet.set(Some(sheet_for(&defaults, view.backend())));
            }
        }
    });

    let address = AddressBar::default();
    // The sheet drives everything: the address, the jobs, the hidden labels.
    Effect::new(move |_| {
        let Some(current) = sheet.get() else { return };
        address.write(current.fragment());
        revealed.set(false);
        let recipes: Vec<Recipe> = current.tiles().into_iter().map(|t| t.recipe).collect();
        let backend = view.status.with_untracked(EngineStatus::backend);
        let jobs = batch::jobs(
            &recipes,
            current.base.seed,
            batch::expected_engines(backend),
        );
        let mut first = 0;
        offsets.set_value(
            jobs.iter()
                .map(|job| {
                    let at = first;
                    first += job.images();
                    at
                })
                .collect(),
        );
        progress.set(Progress {
            jobs: jobs.len(),
            ..Progress::default()
        });
        finished.set(0);
        canvases.with_value(|canvases| {
            for canvas in canvases.iter().filter_map(|c| c.get_untracked()) {
                let _ = canvas.remove_attribute("data-done");
            }
        });
        engine.with_value(|e| e.run(jobs));
    });
    engine.with_value(|e| e.start());

    let edit = move |change: &dyn Fn(&mut Sheet)| {
        let Some(mut next) = sheet.get_untracked() else {
            return;
        };
        change(&mut next);
        match next.validate() {
            Ok(()) => {
                message.set(None);
                sheet.set(Some(next));
            }
            Err(error) => message.set(Some(format!("That setting is not possible: {error}."))),
        }
    };
    let tiles = move || sheet.get().map(|s| s.tiles()).unwrap_or_default();
    let blind = move || sheet.get().is_some_and(|s| s.blind);
    let shows_labels = Signal::derive(move || !blind() || revealed.get());
    let neuron_count = move || sheet.get().map_or(0, |s| s.channels().len());

    view! {
        <main class="grid-page">
            <PageHeader
                title="Basis: neurons vs random directions"
                tagline="The same layer, the same settings, the same number of steps. Some tiles optimize a single neuron, the others a random direction (a random mix of all the layer's neurons) or, if asked for, a direction learned from the photos (ICA). Can you tell which is which?"
            />
            <PageMessage message=message />
            <BatchStatus engine=engine />
            <fieldset
                class="controls sheet-controls"
                prop:disabled=move || sheet.with(Option::is_none)
            >
                <legend>"Sheet"</legend>
                <label>
                    "Layer "
                    <select
                        id="sheet-layer"
                        on:change=move |ev| {
                            let layer = event_target_value(&ev);
                            edit(
                                &|s| {
                                    s.base.layer = layer.clone();
                                    s.neurons = Neurons::Seeded(s.channels().len());
                                },
                            )
                        }
                    >
                        <LayerOptions
                            network=network
                            selected=Signal::derive(move || {
                                sheet
                                    .with(|s| {
                                        s.as_ref().map(|s| s.base.layer.clone()).unwrap_or_default()
                                    })
                            })
                        />
                    </select>
                </label>
                <label>
                    "Neurons "
                    <input
                        id="sheet-neurons"
                        type="number"
                        min="0"
                        max="8"
                        prop:value=move || neuron_count().to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                edit(&|s| s.neurons = Neurons::Seeded(n))
                            }
                        }
                    />
                </label>
                <label>
                    "Random directions "
                    <input
                        id="sheet-random"
                        type="number"
                        min="0"
                        max="8"
                        prop:value=move || sheet.get().map_or(0, |s| s.random).to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                edit(&|s| s.random = n)
                            }
                        }
                    />
                </label>
                <label>
                    "Learned directions "
                    <input
                        id="sheet-learned"
                        type="number"
                        min="0"
                        max="8"
                        prop:value=move || sheet.get().map_or(0, |s| s.learned).to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                edit(&|s| s.learned = n)
                            }
                        }
                    />
                </label>
                <NumberSelect
                    id="sheet-size"
                    label="Size"
                    options=&TILE_SIZES
                    unit=" px"
                    selected=Signal::derive(move || {
                        sheet.with(|s| s.as_ref().map_or(0, |s| s.base.image.size as u32))
                    })
                    pick=move |n| edit(&|s| s.base.image.size = n as usize)
                />
                <NumberSelect
                    id="sheet-steps"
                    label="Steps"
                    options=&TILE_STEPS
                    selected=Signal::derive(move || {
                        sheet.with(|s| s.as_ref().map_or(0, |s| s.base.steps))
                    })
                    pick=move |n| edit(&|s| s.base.steps = n)
                />
                <label>
                    <input
                        id="sheet-blind"
                        type="checkbox"
                        prop:checked=blind
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit(&|s| s.blind = on)
                        }
                    />
                    " Blind"
                </label>
                <button
                    id="sheet-redraw"
                    on:click=move |_| edit(&|s| s.base.seed = s.base.seed.wrapping_add(1))
                >
                    "New draw"
                </button>
                <button
                    id="reveal"
                    hidden=move || !blind() || revealed.get()
                    on:click=move |_| {
                        revealed.set(true);
                        super::focus::first_after_render(".sheet .tile a");
                    }
                >
                    "Reveal"
                </button>
            </fieldset>
            <TilesAnnouncement finished=finished total=Signal::derive(move || tiles().len()) />
            <p id="sheet-progress" class="hint">
                {move || {
                    let p = progress.get();
                    if p.done {
                        "Done.".to_owned()
                    } else if p.jobs == 0 || p.target == 0 {
                        "Preparing…".to_owned()
                    } else {
                        format!(
                            "Batch {} of {}: step {} of {}, {:.1} steps/s",
                            p.job + 1,
                            p.jobs,
                            p.step,
                            p.target,
                            p.steps_per_second,
                        )
                    }
                }}
            </p>
            <p id="cpu-notice" class="notice" hidden=move || view.backend() != Some(Backend::Cpu)>
                "No GPU here: the sheet is computed on the CPU, which is slow. Small images (64 px) and fewer steps keep it usable."
            </p>
            <TileGrid
                id="sheet"
                tiles=Signal::derive(tiles)
                labelled=shows_labels
                canvases=canvases
            />
            <ArmFidelity
                engine=engine
                tiles=Signal::derive(tiles)
                pictures=pictures
                shown=shows_labels
            />
        </main>
    }
}
