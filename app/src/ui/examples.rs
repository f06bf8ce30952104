//! Dataset examples beside the visualization (Szegedy et al. 2013, live): the photo pool's crops
//! that the current direction — neuron, random, or any point on the slider — responds to most and
//! least. The engine computes the pool's activations once per layer; ranking them for a direction
//! is a matrix–vector product here in the page, so the examples follow the slider at once.

use basis_featvis::direction;
use basis_featvis::examples::{self, Example};
use basis_models::TapId;
use basis_recipe::Recipe;
use leptos::html::Canvas;

use super::toward::Targets;
use leptos::prelude::*;

use super::ControllerRef;
use super::state::{PoolActivations, PoolCrops, State};

const COUNT: usize = 8;

/// The RGBA pixels of a crop's window.
fn window_pixels(crops: &PoolCrops, example: &Example, tap: TapId, grid: usize) -> (u32, Vec<u8>) {
    let (x, y, side) = examples::window(tap, grid, example.row, example.column);
    let size = crops.size as usize;
    let base = example.crop * size * size * 4;
    let mut out = Vec::with_capacity((side * side * 4) as usize);
    for row in y..y + side {
        let start = base + (row as usize * size + x as usize) * 4;
        out.extend_from_slice(&crops.rgba[start..start + side as usize * 4]);
    }
    (side, out)
}

#[derive(Clone, PartialEq)]
struct Ranked {
    tap: TapId,
    grid: usize,
    top: Vec<Example>,
    bottom: Vec<Example>,
    silent: usize,
    crops: usize,
}

fn rank(acts: &PoolActivations, recipe: &Recipe, targets: &Targets) -> Option<Ranked> {
    if acts.layer != recipe.layer {
        return None;
    }
    let tap = recipe.tap().ok()?;
    let target = super::toward::target(recipe, targets)?;
    let d = direction::of_recipe(recipe, &target).ok()?;
    let ranking = examples::top_and_bottom(&acts.acts, &d, COUNT);
    Some(Ranked {
        tap,
        grid: acts.acts.grid,
        top: ranking.top,
        bottom: ranking.bottom,
        silent: ranking.silent,
        crops: ranking.crops,
    })
}

/// What the page says about keeping the user's photos.
fn kept_text(keep: bool, kept: Option<Vec<String>>) -> String {
    match (keep, kept) {
        (false, _) => "Your photos stay in this browser — nothing is uploaded — and are gone when the page reloads.".into(),
        (true, Some(names)) if !names.is_empty() => format!(
            "Kept in this browser (never uploaded), and added to the pool on your next visits: {}. Untick to forget them.",
            names.join(", ")
        ),
        (true, _) => "Photos you add are kept in this browser (never uploaded) and added to the pool on your next visits.".into(),
    }
}

#[component]
pub fn Examples() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let keep = RwSignal::new(super::preference::KEEP_PHOTOS.get());
    let open = RwSignal::new(false);
    super::pool_panel::ask_while_open(open);
    let ranked = Memo::new(move |_| {
        let acts = state.pool_activations.get()?;
        state
            .targets
            .with(|targets| state.recipe.with(|r| rank(&acts, r, targets)))
    });
    let canvases: Vec<NodeRef<Canvas>> = (0..2 * COUNT).map(|_| NodeRef::new()).collect();
    let canvases = StoredValue::new_local(canvases);
    Effect::new(move |_| {
        let (Some(ranked), Some(crops)) = (ranked.get(), state.pool_crops.get()) else {
            return;
        };
        canvases.with_value(|canvases| {
            for (example, canvas) in ranked.top.iter().chain(&ranked.bottom).zip(canvases) {
                if let Some(canvas) = canvas.get() {
                    let (side, rgba) = window_pixels(&crops, example, ranked.tap, ranked.grid);
                    super::canvas::draw(&canvas, side, &rgba);
                }
            }
        });
    });
    let label = move |i: usize| {
        let ranked = ranked.get()?;
        let crops = state.pool_crops.get()?;
        let example = ranked.top.iter().chain(&ranked.bottom).nth(i)?;
        Some((crops.photos.get(example.crop)?.clone(), *example))
    };
    let figure = move |i: usize| {
        let canvas = canvases.with_value(|c| c[i]);
        view! {
            <figure
                class="example"
                hidden=move || label(i).is_none()
                data-crop=move || {
                    label(i).map(|(_, e)| format!("{}:{}:{}", e.crop, e.row, e.column))
                }
            >
                <canvas node_ref=canvas width="32" height="32"></canvas>
                <figcaption>
                    {move || label(i).map(|(photo, _)| photo).unwrap_or_default()}
                </figcaption>
            </figure>
        }
    };
    let waiting = move || ranked.with(Option::is_none);
    let photo_count = move || {
        state.pool_crops.with(|c| {
            c.as_ref().map_or(0, |c| {
                let mut names = c.photos.clone();
                names.dedup();
                names.len()
            })
        })
    };
    view! {
        <details id="examples" class="examples" on:toggle=super::pool_panel::track_open(open)>
            <summary id="examples-toggle">
                "Photos this direction responds to (dataset examples)"
            </summary>
            <p class="hint">
                "The crops of "
                <span id="pool-size">{move || format!("{} photos", photo_count())}</span>
                " (4 crops each) whose strongest position projects most (top row) and least (bottom row) on the current direction, each shown as the part of the photo that position sees. Szegedy et al. (2013) compared these for neurons and random directions and saw no difference; move the slider and judge for yourself."
            </p>
            <p id="examples-progress" hidden=move || !waiting()>
                {move || super::pool_panel::progress_text(state)}
            </p>
            <div class="example-rows" hidden=waiting>
                <p
                    id="examples-silent"
                    class="hint"
                    hidden=move || ranked.with(|r| r.as_ref().is_none_or(|r| r.silent == 0))
                >
                    {move || {
                        ranked
                            .with(|r| {
                                r.as_ref()
                                    .map(|r| {
                                        format!(
                                            "Silent on {} of {} crops: the direction is exactly 0 at every position there, so they are not ranked.",
                                            r.silent,
                                            r.crops,
                                        )
                                    })
                            })
                    }}
                </p>
                <p class="example-title">"Responds most"</p>
                <div id="examples-top" class="example-row">
                    {(0..COUNT).map(figure).collect_view()}
                </div>
                <p class="example-title">"Responds least"</p>
                <div id="examples-bottom" class="example-row">
                    {(COUNT..2 * COUNT).map(figure).collect_view()}
                </div>
            </div>
            <div
                id="photo-drop"
                class="photo-drop"
                on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                on:drop=move |ev: web_sys::DragEvent| super::photo_files::dropped(ctl, ev)
            >
                <super::photo_files::PhotoFiles
                    id="add-photos"
                    label="Add your photos (JPEG, PNG or WebP; or drop them here): "
                />
                <label>
                    <input
                        id="keep-photos"
                        type="checkbox"
                        prop:checked=move || keep.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            keep.set(on);
                            ctl.with_value(|c| c.keep_photos(on));
                        }
                    />
                    " Keep my photos in this browser for my next visits"
                </label>
                <p id="kept-photos" class="hint">
                    {move || kept_text(keep.get(), state.kept_photos.get())}
                </p>
            </div>
            <super::meter::MeterView />
            <super::meter::ProfileTable />
        </details>
    }
}
