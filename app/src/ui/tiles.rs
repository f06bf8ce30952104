//! What the sheet, contrast and quiz-maker pages share: the tile sizes and step counts they offer,
//! a recipe's sheet and contrast sized for the device (the single view links to both), and the
//! tiles' grid.

use basis_recipe::{Contrast, Link, Recipe, Sheet, SheetTile, TileKind};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::protocol::Backend;

/// Tiles a page can show: neurons, random and learned directions, at most `MAX_PER_KIND` of each.
pub const MAX_TILES: usize = 3 * basis_recipe::MAX_PER_KIND;
/// Sizes and step counts the batch pages offer; on the CPU a sheet starts small.
pub const TILE_SIZES: [u32; 4] = [64, 96, 128, 160];
pub const TILE_STEPS: [u32; 4] = [64, 128, 256, 512];

/// A sheet of the recipe's layer with its seed, sized for the device.
pub fn sheet_for(recipe: &Recipe, backend: Option<Backend>) -> Sheet {
    let mut base = recipe.clone();
    if backend != Some(Backend::WebGpu) {
        base.image.size = 64;
        base.steps = base.steps.min(128);
    } else {
        base.image.size = base.image.size.min(128);
    }
    Sheet::new(base)
}

/// The sheet page of the recipe's layer, sized for the device.
pub fn sheet_link(recipe: &Recipe, backend: Option<Backend>) -> String {
    format!("#{}", sheet_for(recipe, backend).fragment())
}

/// The contrast page of the recipe's block (its depthwise tap; block 8's for the stem and the
/// head), with the recipe's settings, sized for the device as a sheet is; `None` if those
/// settings make no valid sheet.
pub fn contrast_link(recipe: &Recipe, backend: Option<Backend>) -> Option<String> {
    let block = recipe
        .tap()
        .ok()
        .and_then(|t| t.layer().block())
        .unwrap_or(8);
    let mut base = recipe.clone();
    base.layer = format!("block{block}.dw");
    let contrast = Contrast::new(sheet_for(&base, backend)).ok()?;
    Some(format!("#{}", contrast.fragment()))
}

/// One tile; its label follows `labelled` without redrawing the canvas.
fn tile_view(
    i: usize,
    tile: SheetTile,
    labelled: Signal<bool>,
    canvas: NodeRef<Canvas>,
) -> impl IntoView {
    let kind = match tile.kind {
        TileKind::Neuron => "neuron",
        TileKind::Random => "random",
        TileKind::Learned => "learned",
    };
    let name = tile.label();
    let label = Signal::derive(move || {
        if labelled.get() {
            name.clone()
        } else {
            format!("Tile {}", i + 1)
        }
    });
    let href = format!("#{}", Link::fragment(&tile.recipe, &[], false));
    let link_label = move || format!("{}: open this direction on its own page", label.get());
    view! {
        <figure class="tile" data-kind=move || if labelled.get() { kind } else { "hidden" }>
            <a href=href title="Open this direction on its own page" aria-label=link_label>
                <canvas node_ref=canvas width="64" height="64"></canvas>
            </a>
            <figcaption>{label}</figcaption>
        </figure>
    }
}

/// "3 of 8 tiles finished": said to a screen reader as each batch finishes.
#[component]
pub fn TilesAnnouncement(
    #[prop(into)] finished: Signal<usize>,
    #[prop(into)] total: Signal<usize>,
) -> impl IntoView {
    view! {
        <p id="tiles-finished" class="visually-hidden" role="status">
            {move || format!("{} of {} tiles finished", finished.get(), total.get())}
        </p>
    }
}

/// A sheet's tiles, in order, each on its own canvas (`canvases[i]` for tile `i`).
#[component]
pub fn TileGrid(
    #[prop(optional)] id: &'static str,
    #[prop(into)] tiles: Signal<Vec<SheetTile>>,
    labelled: Signal<bool>,
    canvases: StoredValue<Vec<NodeRef<Canvas>>, LocalStorage>,
) -> impl IntoView {
    view! {
        <div id=(!id.is_empty()).then_some(id) class="sheet">
            {move || {
                tiles
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, tile)| tile_view(i, tile, labelled, canvases.with_value(|c| c[i])))
                    .collect_view()
            }}
        </div>
    }
}

/// A labelled choice among `options` (each shown with `unit` after it); a pick calls `pick`.
#[component]
pub fn NumberSelect(
    id: &'static str,
    label: &'static str,
    options: &'static [u32],
    #[prop(default = "")] unit: &'static str,
    #[prop(into)] selected: Signal<u32>,
    pick: impl Fn(u32) + 'static,
) -> impl IntoView {
    view! {
        <label>
            {format!("{label} ")}
            <select
                id=id
                prop:value=move || selected.get().to_string()
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() {
                        pick(n)
                    }
                }
            >
                {move || {
                    super::choices::choices(options, selected.get())
                        .into_iter()
                        .map(|n| {
                            view! {
                                <option value=n.to_string() selected=move || selected.get() == n>
                                    {format!("{n}{unit}")}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}
