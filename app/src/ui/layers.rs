//! The layer picker's options, grouped by block: the stem, then for each block its expansion,
//! depthwise and output taps (e.g. "block8 · depthwise 480 · ReLU6"), then the head.

use basis_models::{Layer, Network};
use leptos::prelude::*;

/// The network's taps in forward order, cut where the block changes: the stem and the head
/// stand alone.
pub fn groups(network: Network) -> Vec<(String, Vec<&'static Layer>)> {
    let mut groups: Vec<(String, Vec<&'static Layer>)> = Vec::new();
    for layer in network.layers() {
        let name = layer
            .block()
            .map_or_else(|| layer.name.to_owned(), |b| format!("block{b}"));
        match groups.last_mut() {
            Some((last, members)) if *last == name => members.push(layer),
            _ => groups.push((name, vec![layer])),
        }
    }
    groups
}

/// `<optgroup>`s of `<option>`s of the network's taps, the one named by `selected` selected.
#[component]
pub fn LayerOptions(network: Network, #[prop(into)] selected: Signal<String>) -> impl IntoView {
    groups(network)
        .into_iter()
        .map(|(group, layers)| {
            view! {
                <optgroup label=group>
                    {layers
                        .into_iter()
                        .map(|layer| {
                            let name = layer.name.as_str();
                            view! {
                                <option value=name selected=move || selected.with(|s| s == name)>
                                    {layer.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </optgroup>
            }
        })
        .collect_view()
}
