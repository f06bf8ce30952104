//! What the sheet, contrast and quiz-maker pages share: the tile sizes and step counts they offer,
//! a recipe's sheet and contrast sized for the device (the single view links to both), and one
//! tile's view.

use basis_recipe::{Contrast, Link, Recipe, Sheet, SheetTile, TileKind};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::protocol::Backend;

/// Tiles a page can show: neurons and random directions, at most `MAX_PER_KIND` of each.
pub const MAX_TILES: usize = 2 * basis_recipe::MAX_PER_KIND;
/// Sizes and step counts the batch pages offer; on the CPU a sheet starts small.
pub const TILE_SIZES: [usize; 4] = [64, 96, 128, 160];
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
pub fn tile_view(
    i: usize,
    tile: SheetTile,
    labelled: Signal<bool>,
    canvas: NodeRef<Canvas>,
) -> impl IntoView {
    let kind = match tile.kind {
        TileKind::Neuron => "neuron",
        TileKind::Random => "random",
    };
    let name = tile.label();
    let label = move || {
        if labelled.get() {
            name.clone()
        } else {
            format!("Tile {}", i + 1)
        }
    };
    let href = format!("#{}", Link::fragment(&tile.recipe, &[], false));
    view! {
        <figure class="tile" data-kind=move || if labelled.get() { kind } else { "hidden" }>
            <a href=href title="Open this direction on its own page">
                <canvas node_ref=canvas width="64" height="64"></canvas>
            </a>
            <figcaption>{label}</figcaption>
        </figure>
    }
}
