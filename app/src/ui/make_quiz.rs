//! "Make a quiz": the kind of test ("spot the neuron" or "predict the response"), layers, rounds,
//! size and steps become a link, shown as text and as a QR code drawn here (the `qrcode` crate)
//! for a projector, with the teacher's tally link.

use basis_models::Network;
use basis_recipe::{
    Arms, CONTROL_ROUNDS, ClassTest, ControlRounds, DEFAULT_ROUNDS, Design, Items, Predict, Quiz,
    Recipe,
};
use leptos::html::{Button, Dialog};
use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode, Version};

use super::address::link_to;
use super::class_test::items_note;
use super::layers::groups;
use super::page_header::PageHeader;
use super::tiles::{NumberSelect, TILE_SIZES, TILE_STEPS};
use super::weights_id::weights_of;

const DEFAULT_LAYERS: [&str; 3] = ["block3", "block8", "block14"];

/// A link as a QR code for a projector. Error correction L (7%): a projected code is clean, and
/// the lowest level gives the lowest version, whose larger modules read from the back of a room.
#[derive(Debug, Clone, PartialEq)]
struct Qr {
    svg: String,
    /// 1–40; each version adds 4 modules a side.
    version: i16,
    /// Modules a side.
    width: usize,
}

fn qr(text: &str) -> Result<Qr, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L)
        .map_err(|error| format!("The QR code could not be made: {error}"))?;
    let version = match code.version() {
        Version::Normal(n) | Version::Micro(n) => n,
    };
    Ok(Qr {
        svg: code
            .render::<svg::Color>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
        version,
        width: code.width(),
    })
}

/// The QR code, what it is, and a button that shows it filling the screen for a projector: a
/// modal `<dialog>`, so the page under it is inert, Esc closes it and focus returns to the button.
#[component]
fn QuizQr(#[prop(into)] link: Signal<Result<String, String>>) -> impl IntoView {
    let code = Memo::new(move |_| link.get().and_then(|l| qr(&l)));
    let svg = move || match code.get() {
        Ok(code) => code.svg,
        Err(error) => format!("<p>{error}</p>"),
    };
    let dialog = NodeRef::<Dialog>::new();
    let opener = NodeRef::<Button>::new();
    view! {
        <div
            id="quiz-qr"
            class="qr"
            role="img"
            aria-label="QR code of the quiz link"
            inner_html=svg
        ></div>
        <p id="qr-version" class="hint">
            {move || {
                code.get()
                    .map(|c| {
                        format!(
                            "QR version {} ({} × {} modules, error correction L).",
                            c.version,
                            c.width,
                            c.width,
                        )
                    })
                    .unwrap_or_default()
            }}
        </p>
        <button
            id="qr-full"
            node_ref=opener
            on:click=move |_| {
                if let Some(dialog) = dialog.get() {
                    let _ = dialog.show_modal();
                }
            }
        >
            "Show the QR code full screen"
        </button>
        <dialog
            id="qr-overlay"
            class="qr-overlay"
            aria-label="The quiz link's QR code, full screen"
            node_ref=dialog
            on:close=move |_| {
                if let Some(opener) = opener.get() {
                    let _ = opener.focus();
                }
            }
        >
            <div
                class="qr-big"
                role="img"
                aria-label="QR code of the quiz link"
                inner_html=svg
            ></div>
            <button
                id="qr-close"
                autofocus
                on:click=move |_| {
                    if let Some(dialog) = dialog.get() {
                        dialog.close();
                    }
                }
            >
                "Close (Esc)"
            </button>
        </dialog>
    }
}

#[component]
pub fn MakeQuizPage() -> impl IntoView {
    // A quiz pins its network's weights id, which the network's manifest states: making a link
    // needs no engine (and no download of the weights).
    let network = RwSignal::new(Network::Lite0);
    let weights = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| {
        let chosen = network.get();
        weights.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let id = weights_of(chosen).await;
            if network.get_untracked() == chosen {
                weights.set(Some(id));
            }
        });
    });

    let layers = RwSignal::new(DEFAULT_LAYERS.map(str::to_owned).to_vec());
    let rounds = RwSignal::new(DEFAULT_ROUNDS);
    let size = RwSignal::new(128u32);
    let steps = RwSignal::new(128u32);
    let seed = RwSignal::new((js_sys::Math::random() * 1e6) as u64);
    let predict = RwSignal::new(false);
    let same_items = RwSignal::new(false);
    let controls = RwSignal::new(false);
    let learned = RwSignal::new(false);

    let quiz = move || {
        let weights = match weights.get()? {
            Ok(weights) => weights,
            Err(why) => return Some(Err(why)),
        };
        let network = network.get();
        let mut base = Recipe::for_network(network, weights);
        base.image.size = size.get() as usize;
        base.steps = steps.get();
        base.seed = seed.get();
        let mut chosen = layers.get();
        chosen.retain(|l| network.tap(l).is_ok());
        chosen.sort_by_key(|l| network.layers().iter().position(|t| t.name == *l));
        let mut design = Design::new(base, chosen, rounds.get());
        if same_items.get() {
            design.items = Items::Shared;
        }
        let test = if predict.get() {
            if controls.get() {
                design.control_rounds = ControlRounds::Borowski;
            }
            if learned.get() {
                // Asked about the photos, learned directions are held out from them.
                design.arms = Arms::ThreeHeldOut;
            }
            let test = Predict::from(design);
            test.validate().map(|()| ClassTest::Predict(test))
        } else {
            if learned.get() {
                design.arms = Arms::Three;
            }
            let quiz = Quiz::from(design);
            quiz.validate().map(|()| ClassTest::Spot(quiz))
        };
        Some(test.map_err(|e| format!("That quiz is not possible: {e}.")))
    };
    let link = move || match quiz() {
        Some(Ok(test)) => Ok(link_to(&test.fragment())),
        Some(Err(error)) => Err(error),
        None => Err("Reading the network's weights id…".into()),
    };
    let tally = move || match quiz() {
        Some(Ok(test)) => link_to(&test.tally_fragment()),
        _ => String::new(),
    };
    let toggle = move |name: &'static str, on: bool| {
        layers.update(|l| {
            l.retain(|x| x != name);
            if on {
                l.push(name.to_owned());
            }
        })
    };
    view! {
        <main class="make-quiz-page">
            <PageHeader title="Make a quiz" quiz_maker=false />
            <fieldset class="controls">
                <legend>"Which quiz"</legend>
                <label>
                    <input
                        id="kind-spot"
                        type="radio"
                        name="kind"
                        prop:checked=move || !predict.get()
                        on:change=move |_| predict.set(false)
                    />
                    " Spot the neuron: which of two images excites a single neuron?"
                </label>
                <label>
                    <input
                        id="kind-predict"
                        type="radio"
                        name="kind"
                        prop:checked=move || predict.get()
                        on:change=move |_| predict.set(true)
                    />
                    " Predict the response: from a direction's images, which of two photos excites it more? Half neurons, half random directions, blind (an even number of rounds)."
                </label>
            </fieldset>
            <fieldset class="controls">
                <legend>"Layers"</legend>
                <label>
                    "Network "
                    <select
                        id="quiz-model"
                        on:change=move |ev| {
                            if let Ok(chosen) = Network::from_id(&event_target_value(&ev)) {
                                network.set(chosen);
                            }
                        }
                    >
                        {Network::ALL
                            .map(|n| {
                                view! {
                                    <option value=n.id() selected=move || network.get() == n>
                                        {n.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                {move || {
                    groups(network.get())
                        .into_iter()
                        .map(|(group, members)| {
                            view! {
                                <div class="layer-group">
                                    <span class="layer-group-name">{group}</span>
                                    {members
                                        .into_iter()
                                        .map(|layer| {
                                            let name = layer.name.as_str();
                                            view! {
                                                <label class="layer-choice" title=layer.label()>
                                                    <input
                                                        type="checkbox"
                                                        value=name
                                                        prop:checked=move || {
                                                            layers.with(|l| l.iter().any(|x| x == name))
                                                        }
                                                        on:change=move |ev| toggle(name, event_target_checked(&ev))
                                                    />
                                                    {format!(
                                                        " {} ({} · {})",
                                                        layer.part(),
                                                        layer.channels,
                                                        layer.activation(),
                                                    )}
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
            <fieldset class="controls quiz-form">
                <legend>"Rounds and images"</legend>
                <label>
                    "Rounds "
                    <input
                        id="quiz-rounds"
                        type="number"
                        min="2"
                        max="40"
                        prop:value=move || rounds.get().to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse() {
                                rounds.set(n)
                            }
                        }
                    />
                </label>
                <label>
                    <input
                        id="quiz-same-items"
                        type="checkbox"
                        prop:checked=move || same_items.get()
                        on:change=move |ev| same_items.set(event_target_checked(&ev))
                    />
                    " Same rounds for everyone (to go through them together on a projector; by default each student gets their own, so the class's results speak for the layers, not for a handful of pictures)"
                </label>
                <label hidden=move || !predict.get()>
                    <input
                        id="quiz-controls"
                        type="checkbox"
                        prop:checked=move || controls.get()
                        on:change=move |ev| controls.set(event_target_checked(&ev))
                    />
                    {format!(
                        " Control rounds (Borowski et al. 2021): {CONTROL_ROUNDS} more rounds — without references at the start and the end (the baseline), and catch rounds that set aside a student not reading the references — and half the rounds with photos as references (rounds: a multiple of 4)",
                    )}
                </label>
                <label>
                    <input
                        id="quiz-learned"
                        type="checkbox"
                        prop:checked=move || learned.get()
                        on:change=move |ev| learned.set(event_target_checked(&ev))
                    />
                    {move || {
                        if predict.get() {
                            " A third kind: directions learned from the photos (ICA), beside neurons and random directions; the tally compares each pair (rounds: a multiple of 3; not with control rounds)"
                        } else {
                            " A third kind: in half of the rounds the neuron is shown against a direction learned from the photos (ICA) instead of a random one; the tally tests each kind and compares them (rounds: an even number)"
                        }
                    }}
                </label>
                <NumberSelect
                    id="quiz-size"
                    label="Size"
                    options=&TILE_SIZES
                    unit=" px"
                    selected=size
                    pick=move |n| size.set(n)
                />
                <NumberSelect
                    id="quiz-steps"
                    label="Steps"
                    options=&TILE_STEPS
                    selected=steps
                    pick=move |n| steps.set(n)
                />
                <label>
                    "Seed "
                    <input
                        id="quiz-seed"
                        type="number"
                        min="0"
                        prop:value=move || seed.get().to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse() {
                                seed.set(n)
                            }
                        }
                    />
                </label>
                <button on:click=move |_| seed.update(|s| *s += 1)>"New rounds"</button>
            </fieldset>
            <p class="message" role="alert" id="make-quiz-error" hidden=move || link().is_ok()>
                {move || link().err().unwrap_or_default()}
            </p>
            <section class="quiz-link" hidden=move || link().is_err()>
                <h2>"The quiz link"</h2>
                <input
                    id="quiz-link"
                    type="text"
                    aria-label="The quiz link"
                    readonly
                    prop:value=move || link().unwrap_or_default()
                />
                <p>
                    <a
                        id="take-quiz"
                        href=move || {
                            link()
                                .ok()
                                .and_then(|l| l.split_once('#').map(|(_, f)| format!("#{f}")))
                                .unwrap_or_default()
                        }
                    >
                        "Take the quiz"
                    </a>
                </p>
                <QuizQr link=Signal::derive(link) />
                <h2>"Your tally page"</h2>
                <p>"Keep this link for yourself: paste the class's result codes there."</p>
                <input
                    id="tally-url"
                    type="text"
                    aria-label="Your tally page's link"
                    readonly
                    prop:value=tally
                />
                <p class="fairness">
                    {move || {
                        if predict.get() {
                            "Every round shows four images of one direction and two photo crops, one among the direction's 3 strongest responses in the shipped photos and one among its 3 weakest. Neuron and random-direction rounds are interleaved blind; the tally compares them."
                        } else {
                            "Both images of every round use the same objective, settings and number of steps; only the direction differs (a single neuron or a random direction)."
                        }
                    }} " "
                    {move || items_note(if same_items.get() { Items::Shared } else { Items::Own })}
                </p>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiz_link_is_a_low_version_qr_code() {
        // A default quiz link with a site's address is about 190 bytes: version 8 at level L.
        let code = qr(&"x".repeat(190)).unwrap();
        assert_eq!((code.version, code.width), (8, 49));
        assert!(code.svg.starts_with("<?xml"), "{}", &code.svg[..40]);
        let longer = qr(&"x".repeat(193)).unwrap();
        assert_eq!(longer.version, 9);
    }
}
