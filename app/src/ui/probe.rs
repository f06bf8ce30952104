//! From a photo to its neurons, the other way round from dataset examples: a pool photo (or the
//! user's own) as the network sees it, lit where a channel of the current layer responds, and the
//! channels that respond most at a chosen position and over the whole photo — each a link that
//! opens the channel in the view above. The pool's activations are the ones the examples use, so
//! every photo of the pool is probed at once (`basis probe` computes the same for one photo).

use std::sync::Arc;

use basis_featvis::pool::{Activations, CROP, CROPS_PER_PHOTO};
use basis_featvis::probe::{self, ChannelResponse};
use basis_recipe::{Link, Recipe};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::ControllerRef;
use super::layers::LayerOptions;
use super::state::{PoolCrops, State};

/// Channels listed, overall and at the chosen position.
const TOP: usize = 8;
/// How bright a cell where the channel is silent stays, so the photo remains readable.
const DIM: f32 = 0.2;

/// The crop's pixels with each cell's brightness scaled by the channel's response there,
/// relative to the map's largest: full at the strongest cell, [`DIM`] at or below 0.
fn lit(rgba: &[u8], size: u32, map: &[f32], grid: usize) -> Vec<u8> {
    let top = map.iter().copied().fold(0.0f32, f32::max);
    let mut out = rgba.to_vec();
    for (i, pixel) in out.chunks_exact_mut(4).enumerate() {
        let (x, y) = ((i as u32) % size, (i as u32) / size);
        let Some((column, row)) = probe::cell_at(x, y, size, grid) else {
            continue;
        };
        let level = if top > 0.0 {
            (map[row * grid + column] / top).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let factor = DIM + (1.0 - DIM) * level;
        for channel in &mut pixel[..3] {
            *channel = (*channel as f32 * factor).round() as u8;
        }
    }
    out
}

/// Outlines cell (`column`, `row`): white outside, black inside, visible on light and dark.
fn mark(rgba: &mut [u8], size: u32, grid: usize, (column, row): (usize, usize)) {
    let (xs, ys) = (
        probe::cell_span(column, size, grid),
        probe::cell_span(row, size, grid),
    );
    for y in ys.clone() {
        for x in xs.clone() {
            let ring = [x - xs.start, xs.end - 1 - x, y - ys.start, ys.end - 1 - y]
                .into_iter()
                .min()
                .unwrap_or(0);
            let colour = match ring {
                0 => 255,
                1 => 0,
                _ => continue,
            };
            let i = ((y * size + x) * 4) as usize;
            rgba[i..i + 3].fill(colour);
        }
    }
}

/// Photo `photo`'s centre crop's activations, out of the pool's (the first of its crops).
fn of_photo(acts: &Activations, photo: usize) -> Option<Activations> {
    let per_crop = acts.grid * acts.grid * acts.channels;
    let start = photo * CROPS_PER_PHOTO * per_crop;
    let values = acts.values.get(start..start + per_crop)?.to_vec();
    Some(Activations {
        crops: 1,
        values,
        ..*acts
    })
}

/// The cell with the largest value in a `grid × grid` map (the first of equals).
fn peak(map: &[f32], grid: usize) -> (usize, usize) {
    let best = (0..map.len())
        .reduce(|a, b| if map[b] > map[a] { b } else { a })
        .unwrap_or(0);
    (best % grid.max(1), best / grid.max(1))
}

/// The photos' names, one per photo (the pool has several crops of each).
fn photo_names(crops: &PoolCrops) -> Vec<String> {
    crops
        .photos
        .iter()
        .step_by(CROPS_PER_PHOTO)
        .cloned()
        .collect()
}

/// What the probe shows of one photo at one layer.
#[derive(Clone, PartialEq)]
struct Probed {
    overall: Vec<ChannelResponse>,
    acts: Arc<Activations>,
}

#[component]
pub fn Probe() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let open = RwSignal::new(false);
    let photo = RwSignal::new(0usize);
    let chosen_cell = RwSignal::new(None::<(usize, usize)>);
    let chosen_map = RwSignal::new(None::<usize>);
    let layer = super::pool_panel::ask_while_open(open);
    let names = Memo::new(move |_| {
        state
            .pool_crops
            .with(|c| c.as_deref().map(photo_names).unwrap_or_default())
    });
    // A photo the user adds is the one they want to see.
    Effect::new(move |before: Option<usize>| {
        let count = names.with(Vec::len);
        if before.is_some_and(|before| before > 0 && count > before) {
            photo.set(count - 1);
        } else if photo.get_untracked() >= count.max(1) {
            photo.set(0);
        }
        count
    });
    Effect::new(move |_| {
        layer.track();
        photo.track();
        chosen_cell.set(None);
        chosen_map.set(None);
    });
    let probed = Memo::new(move |_| {
        let layer = layer.get();
        let pool = state.pool_activations.get()?;
        if pool.layer != layer {
            return None;
        }
        let acts = of_photo(&pool.acts, photo.get())?;
        Some(Probed {
            overall: probe::strongest_overall(&acts, TOP),
            acts: Arc::new(acts),
        })
    });
    let grid = Memo::new(move |_| probed.with(|p| p.as_ref().map(|p| p.acts.grid)));
    let map_channel = Memo::new(move |_| {
        let probed = probed.get()?;
        // A choice made at another layer may not exist at this one (until the reset above runs).
        let chosen = chosen_map.get().filter(|&c| c < probed.acts.channels);
        Some(chosen.unwrap_or(probed.overall.first()?.channel))
    });
    let map = Memo::new(move |_| {
        let probed = probed.get()?;
        Some(probe::channel_map(&probed.acts, map_channel.get()?))
    });
    let cell = Memo::new(move |_| {
        let grid = grid.get()?;
        let chosen = chosen_cell.get().filter(|&(c, r)| c < grid && r < grid);
        Some(chosen.unwrap_or_else(|| map.with(|m| m.as_deref().map_or((0, 0), |m| peak(m, grid)))))
    });
    let at_cell = Memo::new(move |_| {
        let probed = probed.get()?;
        let (column, row) = cell.get()?;
        Some(probe::strongest_at(&probed.acts, column, row, TOP))
    });

    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let (Some(crops), Some(map), Some(cell), Some(grid)) =
            (state.pool_crops.get(), map.get(), cell.get(), grid.get())
        else {
            return;
        };
        let Some(canvas) = canvas.get() else { return };
        let size = crops.size;
        let per_crop = (size * size * 4) as usize;
        let start = photo.get() * CROPS_PER_PHOTO * per_crop;
        let Some(rgba) = crops.rgba.get(start..start + per_crop) else {
            return;
        };
        let mut shown = lit(rgba, size, &map, grid);
        mark(&mut shown, size, grid, cell);
        super::canvas::draw(&canvas, size, &shown);
    });
    let pick_at = move |ev: web_sys::MouseEvent| {
        let (Some(element), Some(grid)) = (
            ev.current_target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()),
            grid.get_untracked(),
        ) else {
            return;
        };
        let size = state
            .pool_crops
            .with_untracked(|c| c.as_ref().map_or(0, |c| c.size));
        let scale = size as f64 / element.client_width().max(1) as f64;
        let pixel = |offset: i32| (offset.max(0) as f64 * scale) as u32;
        if let Some(cell) = probe::cell_at(pixel(ev.offset_x()), pixel(ev.offset_y()), size, grid) {
            chosen_cell.set(Some(cell));
        }
    };
    let picture_text = move || {
        let name = names
            .with(|n| n.get(photo.get()).cloned())
            .unwrap_or_default();
        match (map_channel.get(), cell.get()) {
            (Some(channel), Some((column, row))) => format!(
                "{name} as the network sees it (its {CROP} × {CROP} centre crop), bright where channel {channel} of {} responds and dark where it does not; the marked position is column {column}, row {row}",
                layer.get()
            ),
            _ => format!("{name} as the network sees it"),
        }
    };
    let waiting = move || probed.with(Option::is_none);
    let grid_max = move || grid.get().map_or(0, |g| g.saturating_sub(1));
    // A value out of range is brought into it, and one that is not a number is undone, in the
    // field too: it shows the position in effect.
    let set_axis = move |ev: web_sys::Event, column: bool| {
        let Some((c, r)) = cell.get_untracked() else {
            return;
        };
        let current = if column { c } else { r };
        let value = event_target_value(&ev)
            .parse::<usize>()
            .map_or(current, |v| v.min(grid_max()));
        chosen_cell.set(Some(if column { (value, r) } else { (c, value) }));
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_value(&value.to_string());
        }
    };
    // Lighting by a channel keeps the marked position where it is (else it would follow the new
    // map's peak, and the list the button is in would be rebuilt under the keyboard's focus).
    let light = Callback::new(move |channel: usize| {
        if chosen_cell.get_untracked().is_none() {
            chosen_cell.set(cell.get_untracked());
        }
        chosen_map.set(Some(channel));
    });
    let at_title = move || match cell.get() {
        Some((column, row)) => format!("Strongest at column {column}, row {row}"),
        None => "Strongest at the marked position".into(),
    };

    view! {
        <details id="probe" class="examples" on:toggle=super::pool_panel::track_open(open)>
            <summary id="probe-toggle">
                "Which neurons does a photo excite? (from a photo to its neurons)"
            </summary>
            <p class="hint">
                "Each position of a layer's map sees a patch of the photo. The photo is lit where the chosen channel responds; click it (or set the position below) to list the channels strongest there. “Overall” ranks channels by their mean over the photo, what the picture above makes as large as it can. A channel's link opens it in the view above."
            </p>
            <div class="probe-choice">
                <label for="probe-photo">"Photo"</label>
                <select
                    id="probe-photo"
                    prop:value=move || photo.get().to_string()
                    on:change=move |ev| {
                        if let Ok(index) = event_target_value(&ev).parse() {
                            photo.set(index);
                        }
                    }
                >
                    {move || {
                        names
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, name)| {
                                view! {
                                    <option value=i.to_string() selected=move || photo.get() == i>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <label for="probe-layer" hidden=super::hidden("layer")>
                    "Layer"
                </label>
                <select
                    id="probe-layer"
                    hidden=super::hidden("layer")
                    prop:value=move || layer.get()
                    prop:disabled=move || !state.ready()
                    on:change=move |ev| {
                        let layer = event_target_value(&ev);
                        ctl.with_value(|c| super::controls::set_layer(c, layer))
                    }
                >
                    <LayerOptions network=state.network selected=layer />
                </select>
            </div>
            <div
                class="photo-drop"
                on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                on:drop=move |ev: web_sys::DragEvent| super::photo_files::dropped(ctl, ev)
            >
                <super::photo_files::PhotoFiles
                    id="probe-add-photo"
                    label="Probe your own photo (JPEG, PNG or WebP; or drop it here; it stays in this browser): "
                />
            </div>
            <p id="probe-progress" role="status" hidden=move || !waiting()>
                {move || super::pool_panel::progress_text(state)}
            </p>
            <div class="probe" hidden=waiting>
                <figure class="probe-photo">
                    <canvas
                        id="probe-canvas"
                        node_ref=canvas
                        width="224"
                        height="224"
                        role="img"
                        aria-label=picture_text
                        on:click=pick_at
                    ></canvas>
                    <figcaption>
                        {[("probe-column", "Column", true), ("probe-row", "Row", false)]
                            .map(|(id, label, column)| {
                                view! {
                                    <label for=id>{label}</label>
                                    <input
                                        id=id
                                        type="number"
                                        min="0"
                                        max=move || grid_max().to_string()
                                        prop:value=move || {
                                            cell.get().map_or(0, |(c, r)| if column { c } else { r })
                                        }
                                        on:change=move |ev| set_axis(ev, column)
                                    />
                                }
                            })
                            .collect_view()} <span id="probe-map-of" role="status">
                            {move || {
                                map_channel
                                    .get()
                                    .map(|c| format!(" Lit: channel {c}"))
                                    .unwrap_or_default()
                            }}
                        </span>
                    </figcaption>
                </figure>
                <ChannelList
                    id="probe-overall"
                    title=Signal::derive(|| "Overall (mean over the photo)".to_owned())
                    channels=Signal::derive(move || {
                        probed.with(|p| p.as_ref().map(|p| p.overall.clone()).unwrap_or_default())
                    })
                    shown=map_channel
                    light=light
                />
                <ChannelList
                    id="probe-at"
                    title=Signal::derive(at_title)
                    channels=Signal::derive(move || at_cell.get().unwrap_or_default())
                    shown=map_channel
                    light=light
                />
            </div>
        </details>
    }
}

/// The link that opens `channel` of the current layer in the view above: the neuron itself.
fn channel_recipe(recipe: &Recipe, channel: usize) -> Recipe {
    Recipe {
        channel: channel as u32,
        mix: 0.0,
        ..recipe.clone()
    }
}

/// A ranked list of channels, each with its value, its link, and a button that lights the photo
/// by it.
#[component]
fn ChannelList(
    id: &'static str,
    title: Signal<String>,
    channels: Signal<Vec<ChannelResponse>>,
    shown: Memo<Option<usize>>,
    light: Callback<usize>,
) -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let (hide, present) = ctl.with_value(|c| (c.link.hide.clone(), c.link.present));
    let href = move |channel: usize| {
        let recipe = state.recipe.with(|r| channel_recipe(r, channel));
        format!("#{}", Link::fragment(&recipe, &hide, present))
    };
    let open_here = move |ev: web_sys::MouseEvent, channel: usize| {
        ev.prevent_default();
        ctl.with_value(|c| {
            c.change(|r| *r = channel_recipe(r, channel));
        });
        super::focus::first_after_render("#channel");
    };
    view! {
        <section class="probe-list">
            <h3 id=format!("{id}-title")>{title}</h3>
            <ol id=id aria-labelledby=format!("{id}-title")>
                {move || {
                    channels
                        .get()
                        .into_iter()
                        .map(|response| {
                            let channel = response.channel;
                            let href = href.clone();
                            view! {
                                <li data-channel=channel.to_string()>
                                    <a
                                        class="probe-channel"
                                        href=move || href(channel)
                                        on:click=move |ev| open_here(ev, channel)
                                    >
                                        {format!("channel {channel}")}
                                    </a>
                                    <span class="probe-value">
                                        {format!(" {:.3} ", response.value)}
                                    </span>
                                    <button
                                        class="probe-light"
                                        aria-pressed=move || {
                                            (shown.get() == Some(channel)).to_string()
                                        }
                                        aria-label=format!("Light the photo by channel {channel}")
                                        on:click=move |_| light.run(channel)
                                    >
                                        "light"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_photo_is_lit_by_the_response_relative_to_the_strongest() {
        // A 4 × 4 crop of grey 100 and a 2 × 2 map: the strongest cell stays, half of it is lit
        // to 0.2 + 0.8 · 0.5 = 0.6, silence and negatives are dimmed to 0.2.
        let rgba: Vec<u8> = [100, 100, 100, 255].repeat(16);
        let shown = lit(&rgba, 4, &[4.0, 2.0, 0.0, -3.0], 2);
        let red = |x: usize, y: usize| shown[(y * 4 + x) * 4];
        assert_eq!([red(0, 0), red(1, 1)], [100, 100]);
        assert_eq!([red(2, 0), red(3, 1)], [60, 60]);
        assert_eq!([red(0, 2), red(3, 3)], [20, 20]);
        assert_eq!(shown[3], 255, "alpha is kept");
        assert!(lit(&rgba, 4, &[0.0; 4], 2).chunks(4).all(|p| p[0] == 20));
    }

    #[test]
    fn a_marked_cell_is_outlined_white_then_black() {
        let mut rgba: Vec<u8> = [100, 100, 100, 255].repeat(64);
        mark(&mut rgba, 8, 2, (1, 0));
        let red = |x: usize, y: usize| rgba[(y * 8 + x) * 4];
        // At stride 4, cell 1 of 2 spans pixels 5..8 and cell 0 pixels 0..5 (`probe::cell_span`).
        assert_eq!([red(5, 0), red(7, 2), red(5, 4)], [255, 255, 255]);
        assert_eq!([red(6, 1), red(6, 2), red(6, 3)], [0, 0, 0]);
        assert_eq!([red(4, 2), red(6, 5)], [100, 100]);
    }

    #[test]
    fn a_photo_s_activations_are_its_first_crops() {
        let acts = Activations {
            channels: 2,
            grid: 1,
            crops: 2 * CROPS_PER_PHOTO,
            values: (0..2 * CROPS_PER_PHOTO * 2).map(|v| v as f32).collect(),
        };
        let second = of_photo(&acts, 1).unwrap();
        assert_eq!(second.values, [8.0, 9.0]);
        assert_eq!(second.crops, 1);
        assert!(of_photo(&acts, 2).is_none());
        assert_eq!(peak(&[1.0, 3.0, 3.0, 2.0], 2), (1, 0));
    }
}
