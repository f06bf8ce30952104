//! What the slider turns the neuron toward: the "Turn toward" control, and the target vector the
//! stage, the meter and the dataset examples read — computed here for a random direction, as the
//! engine read it from the weights for one of the network's own.

use std::collections::HashMap;

use basis_featvis::direction;
use basis_models::TapId;
use basis_recipe::{LEARNED_DIRECTIONS, Recipe, Toward};
use leptos::prelude::*;

use super::explain::{self, Explain};
use super::state::State;
use super::{ControllerRef, hidden};

/// The network's own directions the engine has read back, by network, layer and kind.
pub type Targets = HashMap<(String, String, Toward), Vec<f64>>;

/// The key a recipe's target is kept under.
pub fn key(recipe: &Recipe) -> (String, String, Toward) {
    (recipe.model.clone(), recipe.layer.clone(), recipe.toward)
}

/// Keeps what an engine's `Event::Target` says a direction is (a name it cannot parse is a newer
/// engine's, and is dropped).
pub fn remember(
    targets: &mut Targets,
    model: String,
    layer: String,
    toward: &str,
    values: Vec<f64>,
) {
    if let Ok(toward) = toward.parse() {
        targets.insert((model, layer, toward), values);
    }
}

/// The unit vector the recipe's slider turns toward, once known.
pub fn target(recipe: &Recipe, targets: &Targets) -> Option<Vec<f64>> {
    direction::random_target(recipe).or_else(|| targets.get(&key(recipe)).cloned())
}

/// What the recipe turns toward, in words: "random direction 3", "what unit 5 of block9.expand
/// reads", "where unit 7 of block8.dw writes", "learned direction 2 (ICA on the shipped photos)".
pub fn describe(recipe: &Recipe) -> String {
    let owner = || {
        recipe
            .tap()
            .ok()
            .and_then(|tap| recipe.toward.owner(tap))
            .map_or("the next layer", TapId::name)
    };
    match recipe.toward {
        Toward::Random => format!("random direction {}", recipe.seed),
        Toward::Read(unit) => format!("what unit {unit} of {} reads", owner()),
        Toward::Write(unit) => format!("where unit {unit} of {} writes", owner()),
        Toward::Learned(k) => format!("learned direction {k} (ICA on the shipped photos)"),
        Toward::LearnedHalf(k) => {
            format!("learned direction {k} (ICA on half of the shipped photos)")
        }
    }
}

/// The kind a select shows: "random", "read", "write", "learned" or "learned-half".
fn kind(toward: Toward) -> &'static str {
    match toward {
        Toward::Random => "random",
        Toward::Read(_) => "read",
        Toward::Write(_) => "write",
        Toward::Learned(_) => "learned",
        Toward::LearnedHalf(_) => "learned-half",
    }
}

fn unit(toward: Toward) -> u32 {
    match toward {
        Toward::Random => 0,
        Toward::Read(unit)
        | Toward::Write(unit)
        | Toward::Learned(unit)
        | Toward::LearnedHalf(unit) => unit,
    }
}

/// How many units the recipe's kind offers at its layer, and where they live ("of block9.expand",
/// "learned at block8"); `None` for a random direction.
fn units(recipe: &Recipe) -> Option<(u32, String)> {
    let tap = recipe.tap().ok()?;
    match recipe.toward {
        Toward::Random => None,
        Toward::Learned(_) | Toward::LearnedHalf(_) => {
            Some((LEARNED_DIRECTIONS, format!("learned at {}", tap.name())))
        }
        own => own
            .owner(tap)
            .map(|o| (o.channels() as u32, format!("of {}", o.name()))),
    }
}

/// `kind` with `unit`, clamped to the units the recipe's layer has for it.
fn with_kind(recipe: &Recipe, kind: &str, unit: u32) -> Toward {
    let Ok(tap) = recipe.tap() else {
        return Toward::Random;
    };
    let (toward, owner) = match kind {
        "read" => (Toward::Read as fn(u32) -> Toward, tap.reader()),
        "write" => (Toward::Write as fn(u32) -> Toward, tap.writer()),
        "learned" => return Toward::Learned(unit.min(LEARNED_DIRECTIONS - 1)),
        "learned-half" => return Toward::LearnedHalf(unit.min(LEARNED_DIRECTIONS - 1)),
        _ => return Toward::Random,
    };
    owner.map_or(Toward::Random, |owner| {
        toward(unit.min(owner.channels() as u32 - 1))
    })
}

#[component]
pub fn TowardControl() -> impl IntoView {
    let state = expect_context::<State>();
    let ctl = expect_context::<ControllerRef>();
    let recipe = state.recipe;
    let tap = move || recipe.with(|r| r.tap().ok());
    let linear = move || tap().is_some_and(|t| t.reader().is_some());
    let units = move || recipe.with(units);
    let set = move |kind: String, unit: u32| {
        ctl.with_value(|c| c.change(|r| r.toward = with_kind(r, &kind, unit)))
    };
    view! {
        <div class="control" data-control="toward" hidden=hidden("toward")>
            <label for="toward-kind">"Turn toward"</label>
            <select
                id="toward-kind"
                prop:value=move || recipe.with(|r| kind(r.toward))
                on:change=move |ev| set(
                    event_target_value(&ev),
                    recipe.with_untracked(|r| unit(r.toward)),
                )
            >
                <option value="random">"a random direction (seed)"</option>
                <option value="read" disabled=move || !linear()>
                    {move || {
                        let reader = tap().and_then(TapId::reader);
                        reader
                            .map_or(
                                "what the next layer reads (block outputs only)".to_owned(),
                                |t| format!("what a unit of {} reads", t.name()),
                            )
                    }}
                </option>
                <option value="write" disabled=move || !linear()>
                    {move || {
                        let writer = tap().and_then(TapId::writer);
                        writer
                            .map_or(
                                "where a unit writes (block outputs only)".to_owned(),
                                |t| format!("where a unit of {} writes", t.name()),
                            )
                    }}
                </option>
                <option value="learned">"a direction learned from the photos (ICA)"</option>
                <option value="learned-half">
                    "a direction learned from half of the photos (ICA, as predict tests ask)"
                </option>
            </select>
            <label for="toward-unit" hidden=move || units().is_none()>
                "Unit"
            </label>
            <input
                id="toward-unit"
                type="number"
                min="0"
                hidden=move || units().is_none()
                max=move || units().map_or(0, |(n, _)| n - 1)
                prop:value=move || recipe.with(|r| unit(r.toward))
                on:change=move |ev| {
                    if let Ok(unit) = event_target_value(&ev).parse() {
                        set(recipe.with_untracked(|r| kind(r.toward).to_owned()), unit)
                    }
                }
            />
            <span class="hint" hidden=move || units().is_none()>
                {move || units().map(|(n, place)| format!("{place}, of {n}"))}
            </span>
            <Explain explanation=explain::TOWARD />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(layer: &str) -> Recipe {
        Recipe {
            layer: layer.to_owned(),
            ..Recipe::new("b780d15fe1a8e134")
        }
    }

    #[test]
    fn kinds_clamp_to_the_units_the_layer_has() {
        assert_eq!(with_kind(&at("block8"), "read", 9999), Toward::Read(671));
        assert_eq!(with_kind(&at("block8"), "write", 9999), Toward::Write(479));
        assert_eq!(with_kind(&at("block8"), "random", 5), Toward::Random);
        assert_eq!(with_kind(&at("block8.dw"), "read", 5), Toward::Random);
        assert_eq!(
            with_kind(&at("block8.dw"), "learned", 99),
            Toward::Learned(31)
        );
        assert_eq!(
            with_kind(&at("block8.dw"), "learned-half", 3),
            Toward::LearnedHalf(3)
        );
        assert_eq!(units(&at("block8")), None);
    }

    #[test]
    fn words_name_the_unit_and_its_layer() {
        let mut recipe = at("block8");
        recipe.seed = 3;
        assert_eq!(describe(&recipe), "random direction 3");
        recipe.toward = Toward::Read(5);
        assert_eq!(describe(&recipe), "what unit 5 of block9.expand reads");
        recipe.toward = Toward::Write(7);
        assert_eq!(describe(&recipe), "where unit 7 of block8.dw writes");
        recipe.toward = Toward::Learned(2);
        assert_eq!(
            describe(&recipe),
            "learned direction 2 (ICA on the shipped photos)"
        );
    }

    #[test]
    fn a_random_target_needs_no_engine_and_an_own_one_waits_for_it() {
        let mut recipe = at("block8");
        assert_eq!(target(&recipe, &Targets::new()).map(|t| t.len()), Some(112));
        recipe.toward = Toward::Read(5);
        assert_eq!(target(&recipe, &Targets::new()), None);
        let known: Targets = [(key(&recipe), vec![1.0; 112])].into();
        assert_eq!(target(&recipe, &known), Some(vec![1.0; 112]));
    }
}
