//! A same-block contrast: a sheet of neurons and random directions at one of a block's hidden
//! ReLU6 taps beside the same sheet at the block's linear output, each with its privileged-basis
//! meter, so a class sees both answers at once (`#contrast=…`).

use basis_models::{Network, Point, Site, TapId};
use basis_recipe::{Contrast, Recipe, RecipeError, Sheet};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::address::AddressBar;
use super::batch::{self, BatchEngine, BatchStatus, JobImages};
use super::meter::{auc_line, log_range, strips, unranked};
use super::page_header::{PageHeader, PageMessage};
use super::supervisor::EngineStatus;
use super::tiles::{MAX_TILES, TileGrid, sheet_for};
use crate::protocol::Meter;

/// The block whose contrast a page without a usable link shows.
const DEFAULT_LAYER: &str = "block8.dw";

/// The default contrast for these weights, sized for the device.
fn default_contrast(
    network: Network,
    weights: &str,
    backend: Option<crate::protocol::Backend>,
) -> Contrast {
    let mut base = Recipe::for_network(network, weights);
    base.layer = DEFAULT_LAYER.to_owned();
    Contrast::new(sheet_for(&base, backend)).expect("block8.dw is a hidden tap")
}

/// Every hidden ReLU6 tap of the network, in forward order.
fn hidden_taps(network: Network) -> impl Iterator<Item = &'static basis_models::Layer> {
    network.layers().iter().filter(|l| {
        matches!(
            l.site,
            Site::Block {
                point: Point::Expand | Point::Depthwise,
                ..
            }
        )
    })
}

/// One side of the contrast: its heading, its meter and its tiles.
#[component]
fn Side(
    /// "hidden" or "output": the prefix of this side's element ids.
    side: &'static str,
    sheet: Signal<Option<Sheet>>,
    meter: Signal<Option<Meter>>,
    /// The kurtosis axis both sides share, so their ticks compare by position.
    range: Signal<Option<(f64, f64)>>,
    labelled: Signal<bool>,
    canvases: StoredValue<Vec<NodeRef<Canvas>>, LocalStorage>,
) -> impl IntoView {
    let tap = move || sheet.with(|s| s.as_ref().and_then(|s| s.base.tap().ok()));
    let heading = move || tap().map(|t| t.layer().label()).unwrap_or_default();
    let channels = move || tap().map_or(0, TapId::channels);
    let (auc_id, unranked_id, strips_id) = match side {
        "hidden" => (
            "contrast-hidden-auc",
            "contrast-hidden-unranked",
            "contrast-hidden-strips",
        ),
        _ => (
            "contrast-output-auc",
            "contrast-output-unranked",
            "contrast-output-strips",
        ),
    };
    let tiles = move || sheet.with(|s| s.as_ref().map(Sheet::tiles).unwrap_or_default());
    view! {
        <section class="contrast-side" id=format!("contrast-{side}")>
            <h2>{heading}</h2>
            <p id=auc_id class="meter-auc">
                {move || {
                    meter
                        .with(|m| {
                            m.as_ref()
                                .map_or_else(|| "Measuring on the photos…".to_owned(), auc_line)
                        })
                }}
            </p>
            <p id=unranked_id class="hint">
                {move || meter.with(|m| m.as_ref().and_then(|m| unranked(m, channels())))}
            </p>
            {move || {
                meter
                    .get()
                    .zip(range.get())
                    .map(|(m, range)| strips(&m, strips_id, range, Signal::derive(|| None)))
            }}
            <TileGrid tiles=Signal::derive(tiles) labelled=labelled canvases=canvases />
        </section>
    }
}

#[component]
pub fn ContrastPage(contrast: Result<Contrast, RecipeError>) -> impl IntoView {
    let problem = contrast.as_ref().err().map(|error| {
        format!(
            "This contrast link could not be read: {error}. Showing a default contrast instead."
        )
    });
    let network = contrast
        .as_ref()
        .ok()
        .and_then(|c| c.hidden().base.network().ok())
        .unwrap_or_default();
    let contrast = RwSignal::new(contrast.ok());
    let message = RwSignal::new(problem);
    let revealed = RwSignal::new(false);
    let meters = RwSignal::new((None::<Meter>, None::<Meter>));
    let done = RwSignal::new(false);
    let new_canvases = || {
        let canvases: Vec<NodeRef<Canvas>> = (0..MAX_TILES).map(|_| NodeRef::new()).collect();
        StoredValue::new_local(canvases)
    };
    let (hidden_canvases, output_canvases) = (new_canvases(), new_canvases());
    // Per job: which side and which tile its first image is.
    let offsets = StoredValue::new_local(Vec::<(bool, usize)>::new());

    let engine = BatchEngine::new(network, move |update: JobImages| {
        let (hidden, first) =
            offsets.with_value(|o| o.get(update.job).copied().unwrap_or((true, 0)));
        let canvases = if hidden {
            hidden_canvases
        } else {
            output_canvases
        };
        canvases.with_value(|canvases| {
            for (i, rgba) in update.images.iter().enumerate() {
                if let Some(canvas) = canvases.get(first + i).and_then(|c| c.get_untracked()) {
                    super::canvas::draw(&canvas, update.size, rgba);
                }
            }
        });
        done.set(update.all_done);
    });
    let view = engine.view;
    let engine = StoredValue::new_local(engine);

    // A link made elsewhere must match these weights; a bad link gets the default.
    Effect::new(move |_| {
        let Some(weights) = view.weights.get() else {
            return;
        };
        let backend = view.backend();
        match contrast.get_untracked() {
            Some(c) if c.hidden().base.weights == weights => {}
            Some(c) => {
                message.set(Some(format!(
                    "This contrast was made with other weights ({}; this page has {weights}), so it cannot be reproduced here. Showing a default contrast instead.",
                    c.hidden().base.weights
                )));
                contrast.set(Some(default_contrast(network, &weights, backend)));
            }
            None => contrast.set(Some(default_contrast(network, &weights, backend))),
        }
    });

    let address = AddressBar::default();
    Effect::new(move |_| {
        let Some(current) = contrast.get() else {
            return;
        };
        address.write(current.fragment());
        revealed.set(false);
        done.set(false);
        meters.set((None, None));
        let (hidden, output) = (current.hidden().clone(), current.output());
        let recipes = |sheet: &Sheet| -> Vec<Recipe> {
            sheet.tiles().into_iter().map(|t| t.recipe).collect()
        };
        let engines = batch::expected_engines(view.status.with_untracked(EngineStatus::backend));
        let mut jobs = Vec::new();
        let mut places = Vec::new();
        for (is_hidden, sheet) in [(true, &hidden), (false, &output)] {
            let mut first = 0;
            for job in batch::jobs(&recipes(sheet), sheet.base.seed, engines) {
                places.push((is_hidden, first));
                first += job.images();
                jobs.push(job);
            }
        }
        offsets.set_value(places);
        let (hidden_layer, output_layer) = (hidden.base.layer.clone(), output.base.layer.clone());
        engine.with_value(|e| {
            e.run(jobs);
            let hidden_layer2 = hidden_layer.clone();
            e.ask_meters(vec![hidden_layer, output_layer], move |layer, meter| {
                meters.update(|(h, o)| {
                    if layer == hidden_layer2 {
                        *h = Some(meter)
                    } else {
                        *o = Some(meter)
                    }
                })
            });
        });
    });
    engine.with_value(|e| e.start());

    let choose = move |layer: String| {
        let Some(current) = contrast.get_untracked() else {
            return;
        };
        let mut sheet = current.hidden().clone();
        sheet.base.layer = layer;
        sheet.neurons = basis_recipe::Neurons::Seeded(sheet.channels().len());
        match Contrast::new(sheet) {
            Ok(next) => {
                message.set(None);
                contrast.set(Some(next));
            }
            Err(error) => message.set(Some(format!("That setting is not possible: {error}."))),
        }
    };
    let blind = move || contrast.with(|c| c.as_ref().is_some_and(|c| c.hidden().blind));
    let labelled = Signal::derive(move || !blind() || revealed.get());
    let hidden_sheet =
        Signal::derive(move || contrast.with(|c| c.as_ref().map(|c| c.hidden().clone())));
    let output_sheet = Signal::derive(move || contrast.with(|c| c.as_ref().map(Contrast::output)));
    let range = Signal::derive(move || {
        meters.with(|(h, o)| {
            let shown: Vec<&Meter> = h.iter().chain(o.iter()).collect();
            (!shown.is_empty()).then(|| log_range(shown))
        })
    });
    let selected = move || {
        contrast.with(|c| {
            c.as_ref()
                .map(|c| c.hidden().base.layer.clone())
                .unwrap_or_default()
        })
    };

    view! {
        <main class="contrast-page">
            <PageHeader
                title="Basis: inside a block and at its output"
                tagline="Left, a layer right after a ReLU6 inside an MBConv block; right, the same block's output, a linear projection with nothing after it. Each side shows neurons and random directions of its layer, drawn alike, and how much more heavy-tailed the neurons' responses to real photos are than the random directions'."
            />
            <PageMessage message=message />
            <BatchStatus engine=engine />
            <fieldset class="controls" prop:disabled=move || contrast.with(Option::is_none)>
                <legend>"Contrast"</legend>
                <label>
                    "Hidden layer "
                    <select id="contrast-layer" on:change=move |ev| choose(event_target_value(&ev))>
                        {hidden_taps(network)
                            .map(|layer| {
                                let name = layer.name.as_str();
                                view! {
                                    <option value=name selected=move || selected() == name>
                                        {layer.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
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
            <p id="contrast-progress" class="hint" role="status">
                {move || if done.get() { "Done." } else { "Drawing…" }}
            </p>
            <div class="contrast">
                <Side
                    side="hidden"
                    sheet=hidden_sheet
                    meter=Signal::derive(move || meters.with(|m| m.0.clone()))
                    range=range
                    labelled=labelled
                    canvases=hidden_canvases
                />
                <Side
                    side="output"
                    sheet=output_sheet
                    meter=Signal::derive(move || meters.with(|m| m.1.clone()))
                    range=range
                    labelled=labelled
                    canvases=output_canvases
                />
            </div>
        </main>
    }
}
