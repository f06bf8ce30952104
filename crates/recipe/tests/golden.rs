//! Permalinks are a promise: links shared with earlier builds must decode to exactly the recipes
//! they meant. `golden-links.json` holds links printed by `basis link` at the release that first
//! wrote their version, with every field as read by an independent decoder of the bytes. Never
//! edit it; add to it.

use basis_recipe::{ImageSettings, Parametrization, Recipe, Start, Toward, TransformSettings};
use serde_json::Value;

/// Floats are stored as their shortest decimal text, which parses back to the same f32 exactly.
fn float(value: &Value) -> f32 {
    value.as_str().expect("floats are strings").parse().unwrap()
}

fn int(value: &Value) -> u64 {
    value.as_u64().unwrap()
}

fn expected(fields: &Value) -> Recipe {
    let image = &fields["image"];
    let parametrization = match &image["parametrization"] {
        Value::String(kind) if kind == "pixel" => Parametrization::Pixel,
        other => Parametrization::Fft {
            decay_power: float(&other["fft"]["decay_power"]),
        },
    };
    let t = &fields["transforms"];
    // Version 4 names one of the network's own directions, as {"read": U} or {"write": U}.
    let toward = match &fields["toward"] {
        Value::Null => Toward::Random,
        own if own.get("read").is_some() => Toward::Read(int(&own["read"]) as u32),
        own => Toward::Write(int(&own["write"]) as u32),
    };
    // Version 5 starts from a photo, as {"pool": {"photo": NAME, "penalty": P}} or {"own": …}.
    let start = match &fields["start"] {
        Value::Null => Start::Noise,
        photo if photo.get("pool").is_some() => Start::Pool {
            photo: photo["pool"]["photo"].as_str().unwrap().to_owned(),
            penalty: float(&photo["pool"]["penalty"]),
        },
        own => Start::Own {
            penalty: float(&own["own"]["penalty"]),
        },
    };
    Recipe {
        model: fields["model"].as_str().unwrap().to_owned(),
        weights: fields["weights"].as_str().unwrap().to_owned(),
        layer: fields["layer"].as_str().unwrap().to_owned(),
        channel: int(&fields["channel"]) as u32,
        seed: int(&fields["seed"]),
        mix: float(&fields["mix"]),
        toward,
        start,
        cos_power: float(&fields["cos_power"]),
        negative: fields["negative"].as_bool().unwrap(),
        centre: fields["centre"].as_bool().unwrap(),
        steps: int(&fields["steps"]) as u32,
        image: ImageSettings {
            size: int(&image["size"]) as usize,
            parametrization,
            init_sd: float(&image["init_sd"]),
        },
        transforms: TransformSettings {
            pad: int(&t["pad"]) as usize,
            jitter: int(&t["jitter"]) as usize,
            scale_min: float(&t["scale_min"]),
            scale_max: float(&t["scale_max"]),
            rotate_max_degrees: int(&t["rotate_max_degrees"]) as u32,
            final_jitter: int(&t["final_jitter"]) as usize,
        },
    }
}

fn golden() -> Vec<Value> {
    let text = include_str!("golden-links.json");
    serde_json::from_str::<Value>(text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_released_link_decodes_to_exactly_its_recipe() {
    let links = golden();
    assert!(links.len() >= 8);
    for entry in links {
        let name = entry["name"].as_str().unwrap();
        let link = entry["link"].as_str().unwrap();
        let recipe = Recipe::decode(link).unwrap_or_else(|e| panic!("{name}: {e}"));
        let fields = &entry["recipe"];
        assert_eq!(recipe, expected(fields), "{name}");
        // Bit for bit, not only ==: a float that compares equal must also be the same float.
        assert_eq!(
            recipe.mix.to_bits(),
            float(&fields["mix"]).to_bits(),
            "{name}"
        );
        let written = [
            basis_recipe::FORMAT_VERSION,
            basis_recipe::wire::v4::VERSION,
            basis_recipe::wire::v5::VERSION,
        ];
        if written.contains(&(int(&fields["version"]) as u8)) {
            assert_eq!(
                recipe.encode(),
                link,
                "{name}: the current version writes the same bytes"
            );
        }
    }
}
