//! Permalink strings: round trips, and a clear typed error for each kind of bad input.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use basis_recipe::wire::v1;
use basis_recipe::{MAX_ENCODED_LENGTH, MAX_NETWORK_INPUT, Parametrization, Recipe, RecipeError};

/// A malformed input and a check that its error is the expected one.
type Case = (String, fn(&RecipeError) -> bool);

const WEIGHTS: &str = "0123456789abcdef";

fn recipe() -> Recipe {
    Recipe::new(WEIGHTS)
}

fn with(change: impl FnOnce(&mut Recipe)) -> String {
    let mut recipe = recipe();
    change(&mut recipe);
    recipe.encode()
}

/// A recipe's bytes with the version byte replaced, as a newer or older build might write.
fn with_version(version: u8) -> String {
    let mut wire = v1::Recipe::from(&recipe());
    wire.version = version;
    URL_SAFE_NO_PAD.encode(postcard::to_allocvec(&wire).unwrap())
}

fn bytes_of(recipe: &Recipe) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(recipe.encode()).unwrap()
}

#[test]
fn recipes_round_trip_through_short_url_safe_strings() {
    let mut custom = recipe();
    custom.layer = "head".into();
    custom.channel = 1279;
    custom.seed = u64::MAX;
    custom.mix = 0.37;
    custom.cos_power = 2.5;
    custom.negative = true;
    custom.centre = true;
    custom.steps = 4096;
    custom.image.size = 224;
    custom.image.parametrization = Parametrization::Pixel;
    custom.transforms.rotate_max_degrees = 0;
    for original in [recipe(), custom] {
        let text = original.encode();
        assert!(text.len() < 120, "{} characters: {text}", text.len());
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Recipe::decode(&text), Ok(original));
    }
}

#[test]
fn each_malformed_string_gets_the_right_typed_error() {
    use RecipeError::*;
    let valid = recipe().encode();
    let mut trailing = bytes_of(&recipe());
    trailing.extend([0, 0, 0]);
    let raw = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let mut bad_bool = bytes_of(&recipe());
    // The `negative` flag's byte (a valid 0) becomes an invalid 2; postcard writes fields in
    // order, so it sits just before the encoding of the fields that follow it.
    let r = v1::Recipe::from(&recipe());
    let negative_at =
        bad_bool.len() - postcard_size(&(r.centre, r.steps, r.image, r.transforms)) - 1;
    bad_bool[negative_at] = 2;

    let cases: Vec<Case> = vec![
        ("".into(), |e| *e == Empty),
        ("   ".into(), |e| *e == Empty),
        ("A".repeat(MAX_ENCODED_LENGTH + 1), |e| {
            matches!(e, TooLong { .. })
        }),
        ("abc$def".into(), |e| *e == NotBase64),
        ("<script>alert(1)</script>".into(), |e| *e == NotBase64),
        ("AQ Fl".into(), |e| *e == NotBase64),
        ("%41%42%43".into(), |e| *e == NotBase64),
        ("AQ==".into(), |e| *e == NotBase64),
        ("A".into(), |e| *e == Truncated),
        (valid[..valid.len() / 2].to_string(), |e| *e == Truncated),
        (valid[..valid.len() - 4].to_string(), |e| *e == Truncated),
        ("AQ".into(), |e| *e == Truncated),
        (raw(&trailing), |e| *e == TrailingBytes(3)),
        ("AB".into(), |e| *e == Truncated),
        (raw(&[1, 3, 0xff, 0xfe, 0xfd]), |e| matches!(e, Garbage(_))),
        (
            raw(&[
                1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            ]),
            |e| matches!(e, Garbage(_) | Truncated),
        ),
        (raw(&bad_bool), |e| matches!(e, Garbage(_))),
        (with_version(2), |e| *e == UnknownVersion(2)),
        (with_version(0), |e| *e == UnknownVersion(0)),
        (raw(&[255]), |e| *e == UnknownVersion(255)),
        (with(|r| r.model = "resnet50".into()), |e| {
            *e == UnknownModel("resnet50".into())
        }),
        (with(|r| r.weights = "xyz".into()), |e| {
            e.field() == Some("weights")
        }),
        (with(|r| r.weights = "0123456789ABCDEF".into()), |e| {
            e.field() == Some("weights")
        }),
        (with(|r| r.layer = "block16".into()), |e| {
            e.to_string()
                == "layer: unknown layer `block16` in efficientnet-lite0 (known: stem, block0..block15, \
                    block0.dw..block15.dw, block1.expand..block15.expand, head)"
        }),
        (with(|r| r.layer = "<b>stem</b>".into()), |e| {
            e.field() == Some("layer")
        }),
        (with(|r| r.layer = String::new()), |e| {
            e.field() == Some("layer")
        }),
        (with(|r| r.channel = 112), |e| {
            matches!(
                e,
                ChannelOutOfRange {
                    channel: 112,
                    channels: 112,
                    ..
                }
            )
        }),
        (with(|r| r.channel = u32::MAX), |e| {
            e.field() == Some("channel")
        }),
        (with(|r| r.mix = 1.5), |e| {
            matches!(e, OutOfRange { field: "mix", .. })
        }),
        (with(|r| r.mix = -0.1), |e| {
            matches!(e, OutOfRange { field: "mix", .. })
        }),
        (with(|r| r.mix = f32::NAN), |e| {
            *e == NonFinite { field: "mix" }
        }),
        (with(|r| r.mix = f32::INFINITY), |e| {
            *e == NonFinite { field: "mix" }
        }),
        (with(|r| r.cos_power = -1.0), |e| {
            matches!(
                e,
                OutOfRange {
                    field: "cos_power",
                    ..
                }
            )
        }),
        (with(|r| r.cos_power = f32::NAN), |e| {
            *e == NonFinite { field: "cos_power" }
        }),
        (with(|r| r.cos_power = 1e9), |e| {
            matches!(
                e,
                OutOfRange {
                    field: "cos_power",
                    ..
                }
            )
        }),
        (with(|r| r.image.size = 4096), |e| {
            matches!(e, OutOfRange { field: "size", .. })
        }),
        (with(|r| r.image.size = 8), |e| {
            matches!(e, OutOfRange { field: "size", .. })
        }),
        (with(|r| r.steps = 0), |e| {
            matches!(e, OutOfRange { field: "steps", .. })
        }),
        (with(|r| r.steps = 1_000_000), |e| {
            matches!(e, OutOfRange { field: "steps", .. })
        }),
        (with(|r| r.image.init_sd = f32::NAN), |e| {
            *e == NonFinite { field: "init_sd" }
        }),
        (
            with(|r| r.image.parametrization = Parametrization::Fft { decay_power: 10.0 }),
            |e| e.field() == Some("decay_power"),
        ),
        (with(|r| r.transforms.pad = 1000), |e| {
            e.field() == Some("pad")
        }),
        (with(|r| r.transforms.jitter = 100), |e| {
            e.field() == Some("jitter")
        }),
        (with(|r| r.transforms.scale_min = 0.1), |e| {
            e.field() == Some("scale_min")
        }),
        (with(|r| r.transforms.scale_max = 0.85), |e| {
            e.field() == Some("scale_max")
        }),
        (with(|r| r.transforms.rotate_max_degrees = 90), |e| {
            e.field() == Some("rotate")
        }),
        (
            with(|r| {
                r.image.size = 32;
                r.transforms.pad = 0;
                r.transforms.scale_min = 0.5
            }),
            |e| e.field() == Some("size"),
        ),
        // A network input far beyond what a browser's GPU can hold, though each field is in range.
        (
            with(|r| {
                r.image.size = 512;
                r.transforms.pad = 64;
                r.transforms.jitter = 0;
                r.transforms.scale_max = 2.0
            }),
            |e| {
                matches!(
                    e,
                    TooCostly {
                        input: 1280,
                        max: MAX_NETWORK_INPUT,
                        ..
                    }
                ) && e.field() == Some("size")
            },
        ),
        (
            with(|r| {
                r.image.size = 512;
                r.transforms.scale_max = 1.2
            }),
            |e| e.field() == Some("size"),
        ),
    ];
    assert!(cases.len() >= 30);
    for (text, expected) in &cases {
        let error = Recipe::decode(text).expect_err(text);
        assert!(expected(&error), "{text:?} gave {error:?}");
        assert!(!error.to_string().is_empty());
    }
}

fn postcard_size<T: serde::Serialize>(value: &T) -> usize {
    postcard::to_allocvec(value).unwrap().len()
}

#[test]
fn the_largest_sizes_the_tools_offer_stay_within_the_cost_budget() {
    for size in [64, 128, 224, 512] {
        let mut r = recipe();
        r.image.size = size;
        assert_eq!(r.validate(), Ok(()), "{size} px");
    }
}

/// xorshift64*: enough randomness for fuzzing, with no dependency.
struct Fuzz(u64);

impl Fuzz {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

#[test]
fn random_strings_never_panic() {
    let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        .chars()
        .collect();
    let mut rng = Fuzz(11);
    let valid = recipe().encode();
    for _ in 0..3000 {
        let length = rng.below(160);
        let text: String = (0..length)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let _ = Recipe::decode(&text);
        // Flip one character of a valid string: an error or a valid recipe, never a panic.
        let mut mutated: Vec<char> = valid.chars().collect();
        let at = rng.below(mutated.len());
        mutated[at] = alphabet[rng.below(alphabet.len())];
        if let Ok(recipe) = Recipe::decode(&mutated.into_iter().collect::<String>()) {
            assert!(recipe.validate().is_ok());
        }
    }
}

/// A recipe names its network; each network's own layers and widths are checked against it.
#[test]
fn a_recipe_names_its_network_and_is_checked_against_it() {
    use basis_models::Network;
    let mut lite2 = Recipe::for_network(Network::Lite2, WEIGHTS);
    lite2.layer = "block20.dw".into();
    lite2.channel = 208 * 6 - 1;
    let decoded = Recipe::decode(&lite2.encode()).unwrap();
    assert_eq!(decoded, lite2);
    assert_eq!(decoded.network(), Ok(Network::Lite2));
    assert_eq!(decoded.tap().unwrap().channels(), 1248);

    let mut on_lite0 = lite2.clone();
    on_lite0.model = Network::Lite0.id().into();
    assert!(matches!(
        Recipe::decode(&on_lite0.encode()),
        Err(RecipeError::UnknownLayer(_))
    ));
    // The deeper networks' stages are longer: block8 is 112 wide in Lite0, 80 in Lite1 (the
    // fourth stage's second block), 88 in Lite2.
    let mut wide = Recipe::for_network(Network::Lite0, WEIGHTS);
    wide.channel = 100;
    assert!(Recipe::decode(&wide.encode()).is_ok());
    wide.model = Network::Lite2.id().into();
    assert!(matches!(
        Recipe::decode(&wide.encode()),
        Err(RecipeError::ChannelOutOfRange { channels: 88, .. })
    ));
}

/// Moving a recipe to another network keeps its settings, its layer where the network has it
/// and its channel where the layer is that wide.
#[test]
fn a_recipe_moves_to_another_network() {
    use basis_models::Network;
    let mut lite1 = Recipe::for_network(Network::Lite1, WEIGHTS);
    (lite1.layer, lite1.channel, lite1.seed, lite1.mix) = ("block8.dw".into(), 479, 9, 0.25);
    let on_lite2 = lite1.on_network(Network::Lite2, "fedcba9876543210");
    assert_eq!(on_lite2.model, "efficientnet-lite2");
    assert_eq!(on_lite2.weights, "fedcba9876543210");
    // Lite2's block8.dw is 528 wide: the channel stays.
    assert_eq!(
        (on_lite2.layer.as_str(), on_lite2.channel),
        ("block8.dw", 479)
    );
    assert_eq!((on_lite2.seed, on_lite2.mix), (9, 0.25));
    assert!(on_lite2.validate().is_ok());

    lite1.layer = "block20".into();
    lite1.channel = 300;
    let on_lite0 = lite1.on_network(Network::Lite0, WEIGHTS);
    assert_eq!((on_lite0.layer.as_str(), on_lite0.channel), ("block8", 111));
    assert!(on_lite0.validate().is_ok());
}

/// A recipe that turns toward one of the network's own directions is written as version 4; one
/// that turns toward a random direction keeps version 1's bytes, so every earlier link stays as it
/// was. A bad `toward` is refused with its field named.
#[test]
fn the_networks_own_directions_are_version_4_and_random_ones_stay_version_1() {
    use basis_recipe::Toward;
    assert_eq!(bytes_of(&recipe())[0], 1);
    for toward in [Toward::Read(671), Toward::Write(0)] {
        let own = Recipe {
            toward,
            mix: 0.5,
            ..recipe()
        };
        let bytes = bytes_of(&own);
        assert_eq!(bytes[0], 4);
        assert_eq!(Recipe::decode(&own.encode()), Ok(own.clone()));
        // Version 1's bytes after the version byte, then the direction: one enum tag, one varint.
        let v1 = bytes_of(&recipe_with_mix(0.5));
        assert_eq!(&bytes[1..v1.len()], &v1[1..]);
    }
    let at = |layer: &str, toward| Recipe {
        layer: layer.into(),
        toward,
        ..recipe()
    };
    for (bad, field) in [
        (at("block8.dw", Toward::Read(0)), "toward"),
        (at("block8", Toward::Read(672)), "toward"),
        (at("block15", Toward::Write(1152)), "toward"),
    ] {
        assert_eq!(bad.validate().unwrap_err().field(), Some(field), "{bad:?}");
    }
    assert!(at("block15", Toward::Read(1279)).validate().is_ok());
    // A version 4 link whose direction does not fit its layer is refused on decoding too: unit
    // 300 is read by block9.expand (672 units) but not by block4.expand (240).
    let moved = Recipe {
        layer: "block8".into(),
        toward: Toward::Read(300),
        ..recipe()
    };
    let mut wire = URL_SAFE_NO_PAD.decode(moved.encode()).unwrap();
    let layer_at = wire.windows(6).position(|w| w == b"block8").unwrap();
    wire.splice(layer_at..layer_at + 6, *b"block3");
    assert_eq!(
        Recipe::decode(&URL_SAFE_NO_PAD.encode(&wire))
            .unwrap_err()
            .to_string(),
        "toward: read:300 is out of range; block4.expand has units 0..240"
    );
}

fn recipe_with_mix(mix: f32) -> Recipe {
    Recipe { mix, ..recipe() }
}

/// A recipe that starts from a photo is written as version 5: version 1's bytes after the
/// version byte, then what the slider turns toward and the start. Noise keeps version 1 or 4. The
/// user's own photo is only a mark: neither its pixels nor its name are in the link.
#[test]
fn a_start_from_a_photo_is_version_5_and_names_only_a_pool_photo() {
    use basis_recipe::{Start, Toward};
    for toward in [Toward::Random, Toward::Read(3)] {
        for start in [Start::pool("chelsea.png"), Start::Own { penalty: 4.0 }] {
            let from_photo = Recipe {
                toward,
                start: start.clone(),
                mix: 0.5,
                ..recipe()
            };
            let bytes = bytes_of(&from_photo);
            assert_eq!(bytes[0], 5);
            let v1 = bytes_of(&recipe_with_mix(0.5));
            assert_eq!(&bytes[1..v1.len()], &v1[1..]);
            assert_eq!(Recipe::decode(&from_photo.encode()), Ok(from_photo.clone()));
        }
    }
    let own = Recipe {
        start: Start::Own { penalty: 1.0 },
        ..recipe()
    };
    // One tag and a float after version 1's fields and the direction's tag.
    assert_eq!(bytes_of(&own).len(), bytes_of(&recipe()).len() + 1 + 1 + 4);
    // A pool photo's name is checked on decoding too.
    let pool = Recipe {
        start: Start::pool("chelsea.png"),
        ..recipe()
    };
    let mut wire = URL_SAFE_NO_PAD.decode(pool.encode()).unwrap();
    let at = wire.windows(3).position(|w| w == b"che").unwrap();
    wire.splice(at..at + 3, *b"../");
    assert_eq!(
        Recipe::decode(&URL_SAFE_NO_PAD.encode(&wire))
            .unwrap_err()
            .field(),
        Some("start")
    );
}

/// A direction learned from the shipped photos is named by its rank, at any tap, in a version 5
/// link (with or without a photo to start from); past the 32 Basis learns it is refused.
#[test]
fn a_learned_direction_is_version_5_at_any_tap() {
    use basis_recipe::{Start, Toward};
    for start in [Start::Noise, Start::pool("rocket.jpg")] {
        let learned = Recipe {
            layer: "block8.dw".into(),
            toward: Toward::Learned(7),
            mix: 1.0,
            start,
            ..recipe()
        };
        assert_eq!(bytes_of(&learned)[0], 5);
        assert_eq!(Recipe::decode(&learned.encode()), Ok(learned.clone()));
    }
    let past = Recipe {
        toward: Toward::Learned(32),
        ..recipe()
    };
    assert_eq!(past.validate().unwrap_err().field(), Some("toward"));
}
