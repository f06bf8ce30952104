//! Fidelity per arm (`basis_featvis::fidelity`, as the single view's panel): for the neurons, the
//! random directions and (on a sheet with them) the learned directions, the medians of their pictures' response ratios to the best photo
//! crop and of their specificities, so a class sees whether one arm's pictures are simply less
//! faithful. The engine measures each finished picture. On a sheet the pool's activations at its
//! layer are asked for when the panel is opened, and a blind sheet shows it after Reveal; a
//! predict test's end screen shows it for the references its student saw (`ArmTable`).

use std::rc::Rc;

use basis_featvis::direction;
use basis_featvis::fidelity::{self, ArmSummary, Fidelity};
use basis_featvis::pool::Activations;
use basis_recipe::{Arm, Recipe, SheetTile, TileKind};
use leptos::prelude::*;

use super::batch::{BatchEngine, PoolUpdate};
use super::state::PoolActivations;

/// A tile's picture measured at the sheet's layer, with the recipe it was made for (a new sheet
/// of as many tiles must not be read against the last one's pictures).
pub struct Measured {
    recipe: Recipe,
    acts: Activations,
}

/// Each tile's measured picture, once its job has finished.
pub type TilePictures = RwSignal<Vec<Option<Rc<Measured>>>, LocalStorage>;

/// Splits a job's measured pictures into one per tile, from tile `first` on, each with the
/// recipe of the tile it is (`tiles`: the sheet's tiles now; a superseded job's pictures never
/// come).
pub fn record(pictures: TilePictures, tiles: &[SheetTile], first: usize, acts: &Activations) {
    pictures.update(|measured| {
        measured.resize(tiles.len(), None);
        for (i, acts) in split(acts).enumerate() {
            if let (Some(slot), Some(tile)) = (measured.get_mut(first + i), tiles.get(first + i)) {
                *slot = Some(Rc::new(Measured {
                    recipe: tile.recipe.clone(),
                    acts,
                }));
            }
        }
    });
}

/// Several pictures' activations, one picture at a time.
pub fn split(acts: &Activations) -> impl Iterator<Item = Activations> + '_ {
    let per_picture = acts.grid * acts.grid * acts.channels;
    acts.values
        .chunks_exact(per_picture.max(1))
        .map(|values| Activations {
            crops: 1,
            values: values.to_vec(),
            ..*acts
        })
}

/// The fidelity of each of `pictures` (all made for `recipe`) against the pool's activations at
/// its layer; `target` is what `recipe` turns toward (the page knows a seeded random direction
/// itself, the engine sends a learned one).
pub fn of_direction(
    recipe: &Recipe,
    target: Option<Vec<f64>>,
    pictures: &Activations,
    pool: &Activations,
) -> Option<Vec<Fidelity>> {
    let target = target.or_else(|| direction::random_target(recipe))?;
    let d = fidelity::optimized_direction(recipe, &target).ok()?;
    Some(fidelity::measure_each(pictures, pool, &d))
}

/// One arm's line of an `ArmTable`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmRow {
    /// `neuron`, `random` or `learned`: the row's `data-arm`.
    pub key: &'static str,
    pub title: &'static str,
    pub summary: ArmSummary,
}

/// Pictures' fidelity gathered per arm, for an [`ArmTable`].
#[derive(Default)]
pub struct ByArm {
    neurons: Vec<Fidelity>,
    random: Vec<Fidelity>,
    learned: Vec<Fidelity>,
}

impl ByArm {
    /// Measures `pictures` (all made for `recipe`, of `arm`) against `pool`, as
    /// [`of_direction`]; `None`, and nothing added, where the direction is not known yet.
    pub fn add(
        &mut self,
        arm: Arm,
        recipe: &Recipe,
        target: Option<Vec<f64>>,
        pictures: &Activations,
        pool: &Activations,
    ) -> Option<()> {
        let measured = of_direction(recipe, target, pictures, pool)?;
        match arm {
            Arm::Neuron => &mut self.neurons,
            Arm::Random => &mut self.random,
            Arm::Learned => &mut self.learned,
        }
        .extend(measured);
        Some(())
    }

    /// The arms' rows, with a third for the learned directions where `learned`.
    pub fn rows(&self, learned: bool) -> Vec<ArmRow> {
        let row = |key, title, pictures: &[Fidelity]| ArmRow {
            key,
            title,
            summary: fidelity::summarize(pictures),
        };
        let mut rows = vec![
            row("neuron", "Neurons", &self.neurons),
            row("random", "Random directions", &self.random),
        ];
        if learned {
            rows.push(row("learned", "Learned directions (ICA)", &self.learned));
        }
        rows
    }
}

/// Tile `i`'s measured picture, if it was made for that tile's recipe (not a last sheet's).
fn picture_of<'a>(
    tiles: &[SheetTile],
    pictures: &'a [Option<Rc<Measured>>],
    i: usize,
) -> Option<&'a Measured> {
    let picture = pictures.get(i)?.as_deref()?;
    (picture.recipe == tiles.get(i)?.recipe).then_some(picture)
}

/// The arms' rows, once every tile is measured and the pool is at the tiles' layer.
fn summaries(
    tiles: &[SheetTile],
    pictures: &[Option<Rc<Measured>>],
    pool: &PoolActivations,
    target: impl Fn(&Recipe) -> Option<Vec<f64>>,
) -> Option<Vec<ArmRow>> {
    if pool.layer != tiles.first()?.recipe.layer {
        return None;
    }
    let mut by_arm = ByArm::default();
    for (i, tile) in tiles.iter().enumerate() {
        let picture = picture_of(tiles, pictures, i)?;
        let arm = match tile.kind {
            TileKind::Neuron => Arm::Neuron,
            TileKind::Random => Arm::Random,
            TileKind::Learned => Arm::Learned,
        };
        // Every tile's direction is known before the rows are shown.
        let target = target(&tile.recipe);
        by_arm.add(arm, &tile.recipe, target, &picture.acts, &pool.acts)?;
    }
    let has_learned = tiles.iter().any(|t| t.kind == TileKind::Learned);
    Some(by_arm.rows(has_learned))
}

fn cell(value: Option<f32>, digits: usize) -> String {
    value.map_or("—".to_owned(), |v| format!("{v:.digits$}"))
}

#[component]
pub fn ArmFidelity(
    engine: StoredValue<Rc<BatchEngine>, LocalStorage>,
    tiles: Signal<Vec<SheetTile>>,
    pictures: TilePictures,
    /// Whether the tiles' labels are shown (a labelled sheet, or a blind one revealed).
    shown: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let pool = RwSignal::new_local(None::<Rc<PoolActivations>>);
    let progress = RwSignal::new(None::<(u32, u32)>);
    let layer = Memo::new(move |_| tiles.with(|t| t.first().map(|t| t.recipe.layer.clone())));
    Effect::new(move |asked: Option<Option<String>>| {
        let layer = layer.get();
        if !open.get() || layer.is_none() || asked.as_ref() == Some(&layer) {
            return asked.flatten();
        }
        progress.set(None);
        engine.with_value(|e| {
            e.ask_pool(
                layer.iter().cloned().collect(),
                move |update| match update {
                    PoolUpdate::Progress(done, total) => progress.set(Some((done, total))),
                    PoolUpdate::Activations(acts) => pool.set(Some(Rc::new(acts))),
                    PoolUpdate::Crops(_) => {}
                },
            )
        });
        layer
    });
    let summary = Memo::new(move |_| {
        let pool = pool.get()?;
        let target = |recipe: &Recipe| engine.with_value(|e| e.target(recipe));
        tiles.with(|t| pictures.with(|p| summaries(t, p, &pool, target)))
    });
    let waiting = move || {
        if !shown.get() {
            return Some("Shown after Reveal, so that it cannot give the answer away.".to_owned());
        }
        if summary.with(Option::is_some) {
            return None;
        }
        let total = tiles.with(Vec::len);
        let measured = tiles.with(|t| {
            pictures.with(|p| {
                (0..t.len())
                    .filter(|&i| picture_of(t, p, i).is_some())
                    .count()
            })
        });
        Some(match progress.get() {
            _ if measured < total => {
                format!("Measured as the tiles finish: {measured} of {total}.")
            }
            Some((done, total)) => {
                format!("Running the photos through the network: {done} of {total} crops…")
            }
            None => "Preparing the photos…".to_owned(),
        })
    };
    view! {
        <details
            id="sheet-fidelity"
            class="controls fidelity"
            on:toggle=super::pool_panel::track_open(open)
        >
            <summary id="sheet-fidelity-toggle">
                "Are the arms' pictures faithful? (fidelity)"
            </summary>
            <p class="hint">
                "For each arm, the median over its pictures of two checks at a picture's strongest position: its response against the best crop of the pool's photos (a visualization usually exaggerates: far above 1×), and the cosine between the picture's activation and its direction (near 1: the picture drives the direction itself). If one arm's pictures are much less faithful, telling the arms apart may be telling that apart."
            </p>
            <p id="sheet-fidelity-wait" hidden=move || waiting().is_none()>
                {waiting}
            </p>
            <ArmTable
                id="sheet-fidelity-table"
                rows=Signal::derive(move || summary.get().unwrap_or_default())
                hidden=Signal::derive(move || waiting().is_some())
            />
        </details>
    }
}

/// Each arm's pictures, median response ratio and median specificity.
#[component]
pub fn ArmTable(
    id: &'static str,
    rows: Signal<Vec<ArmRow>>,
    hidden: Signal<bool>,
) -> impl IntoView {
    let row = |arm: ArmRow| {
        let ArmSummary {
            pictures,
            median_ratio,
            median_specificity,
        } = arm.summary;
        view! {
            <tr data-arm=arm.key>
                <th scope="row">{arm.title}</th>
                <td class="pictures">{pictures}</td>
                <td class="ratio" data-value=median_ratio.map(|v| v.to_string())>
                    {cell(median_ratio, 2)}
                    "×"
                </td>
                <td class="specificity" data-value=median_specificity.map(|v| v.to_string())>
                    {cell(median_specificity, 3)}
                </td>
            </tr>
        }
    };
    view! {
        <table id=id class="per-layer" hidden=hidden>
            <thead>
                <tr>
                    <th scope="col">"Arm"</th>
                    <th scope="col">"Pictures"</th>
                    <th scope="col">"Median response ratio"</th>
                    <th scope="col">"Median specificity"</th>
                </tr>
            </thead>
            <tbody>{move || rows.get().into_iter().map(row).collect_view()}</tbody>
        </table>
    }
}
