//! The `basis` binary end to end, on the real weights and photos that `basis setup-weights` made.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The checkout's data folder, which `basis setup-weights` filled.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public")
}

/// `basis`, told where its data is as an installed copy would be.
fn basis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_basis"))
        .args(args)
        .env("BASIS_DATA", data_dir())
        .output()
        .expect("basis runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn photo(name: &str) -> String {
    data_dir().join("photos").join(name).display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A clean failure: non-zero exit, one line on stderr mentioning `needle`, no panic.
fn assert_clean_error(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "should fail: {stderr}");
    assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
}

/// Top-3 labels per image, in order.
fn top3(output: &str) -> Vec<Vec<String>> {
    output
        .split('\n')
        .collect::<Vec<_>>()
        .chunks(6)
        .filter(|chunk| chunk.len() == 6)
        .map(|chunk| {
            chunk[1..4]
                .iter()
                .map(|line| line.split('\t').next().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn layers_lists_every_tap() {
    let out = stdout(&basis(&["layers"]));
    let lines: Vec<&str> = out.lines().collect();
    // The stem, 16 blocks' depthwise and output taps, 15 expansions (block 0 has none), the head.
    assert_eq!(lines.len(), 1 + 16 * 2 + 15 + 1);
    assert_eq!(lines[0], "stem 32 2 3 ReLU6");
    let block8: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("block8"))
        .collect();
    assert_eq!(
        block8,
        [
            "block8.expand 480 16 147 ReLU6",
            "block8.dw 480 16 211 ReLU6",
            "block8 112 16 211 linear"
        ]
    );
    assert_eq!(lines[48], "head 1280 32 851 ReLU6");

    // Lite2: 21 blocks, wider from the third stage on, the same strides.
    let out = stdout(&basis(&["layers", "--model", "lite2"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + 21 * 2 + 20 + 1);
    assert!(lines.contains(&"block8.dw 528 16 155 ReLU6"), "{out}");
    assert_eq!(lines.last(), Some(&"head 1280 32 1115 ReLU6"));
}

#[test]
fn real_photos_are_classified_correctly() {
    let out = stdout(&basis(&[
        "classify",
        &photo("chelsea.png"),
        &photo("coffee.png"),
    ]));
    let tops = top3(&out);
    assert_eq!(tops.len(), 2, "{out}");
    let cats = [
        "tabby, tabby cat",
        "tiger cat",
        "Persian cat",
        "Siamese cat, Siamese",
        "Egyptian cat",
    ];
    assert!(
        tops[0].iter().any(|label| cats.contains(&label.as_str())),
        "chelsea: {out}"
    );
    assert!(
        tops[1]
            .iter()
            .any(|label| label == "espresso" || label == "cup"),
        "coffee: {out}"
    );
    for line in out.lines().filter(|line| line.contains('\t')) {
        let probability: f32 = line.split('\t').nth(1).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&probability));
    }
}

/// The larger networks agree with PyTorch: a synthetic image at each network's evaluation size
/// (the short side at size / 0.875, so only the centre crop is cut) gives the top classes and
/// probabilities of a float64 PyTorch forward pass of the same checkpoints (lukemelas naming,
/// SAME padding, BN eps 1e-3), to the 4 decimals printed; and each classifies the photos.
#[test]
fn lite1_and_lite2_match_pytorch_and_classify_the_photos() {
    let synthetic = |side: u32| {
        let path = scratch(&format!("synthetic-{side}.png"));
        image::RgbImage::from_fn(side, side, |x, y| {
            image::Rgb([
                ((x * 7 + y * 3) % 256) as u8,
                ((x * x + y) % 256) as u8,
                ((x ^ y) % 256) as u8,
            ])
        })
        .save(&path)
        .unwrap();
        path.display().to_string()
    };
    let cases = [
        (
            "lite1",
            synthetic(274),
            [
                ("theater curtain", 0.8271),
                ("Windsor tie", 0.0156),
                ("velvet", 0.0144),
            ],
        ),
        (
            "lite2",
            synthetic(297),
            [
                ("theater curtain", 0.1235),
                ("matchstick", 0.0627),
                ("candle", 0.0308),
            ],
        ),
    ];
    for (model, image, reference) in cases {
        let out = stdout(&basis(&[
            "classify", "--model", model, "--top", "3", &image,
        ]));
        let top: Vec<(String, f32)> = out
            .lines()
            .skip(1)
            .map(|line| {
                let (label, probability) = line.split_once('\t').unwrap();
                (label.to_owned(), probability.parse().unwrap())
            })
            .collect();
        assert_eq!(top.len(), 3, "{model}: {out}");
        for ((label, probability), (expected, p)) in top.iter().zip(reference) {
            assert!(
                label.starts_with(expected),
                "{model}: {label} vs {expected}"
            );
            assert!(
                (probability - p).abs() <= 1e-4,
                "{model} {label}: {probability} vs {p}"
            );
        }

        let out = stdout(&basis(&[
            "classify",
            "--model",
            model,
            &photo("chelsea.png"),
            &photo("coffee.png"),
        ]));
        let tops = top3(&out);
        assert_eq!(tops[0][0], "Egyptian cat", "{model}: {out}");
        assert_eq!(tops[1][0], "espresso", "{model}: {out}");
    }
    // clap's own usage error: the message, then a hint line.
    let unknown = basis(&["classify", "--model", "b0", &photo("coffee.png")]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(!unknown.status.success());
    assert!(
        stderr.contains("unknown network `b0` (known: efficientnet-lite0"),
        "{stderr}"
    );
}

/// The JSON line of a command that writes a PNG to `output`.
fn written(command: &str, extra: &[&str], output: &Path) -> serde_json::Value {
    let mut args = vec![command, "-o", output.to_str().unwrap()];
    args.extend_from_slice(extra);
    serde_json::from_str(stdout(&basis(&args)).trim()).unwrap()
}

fn render(extra: &[&str], output: &Path) -> serde_json::Value {
    written("render", extra, output)
}

/// A small, quick render of a mixed direction.
fn flags(seed: &str) -> Vec<&str> {
    let mut flags = vec![
        "--size",
        "64",
        "--steps",
        "6",
        "--layer",
        "block4",
        "--channel",
        "3",
        "--mix",
        "0.4",
    ];
    flags.extend(["--seed", seed]);
    flags
}

#[test]
fn the_same_recipe_renders_identical_png_bytes() {
    let (a, b, c, d) = (
        scratch("a.png"),
        scratch("b.png"),
        scratch("c.png"),
        scratch("d.png"),
    );
    let first = render(&flags("9"), &a);
    render(&flags("9"), &b);
    let recipe = first["recipe"].as_str().unwrap().to_owned();
    render(&["--recipe", &recipe], &c);
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "same flags, same bytes");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 64));
    assert_eq!(
        bytes,
        std::fs::read(&c).unwrap(),
        "the printed recipe reproduces the image"
    );

    render(&flags("10"), &d);
    assert_ne!(
        bytes,
        std::fs::read(&d).unwrap(),
        "another seed, another image"
    );
    assert!(first["objective_last"].as_f64().unwrap() > first["objective_first"].as_f64().unwrap());
    assert!(first["ms_per_step"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_reports_percentiles() {
    let out = stdout(&basis(&[
        "bench", "--size", "64", "--steps", "3", "--warmup", "1", "--layer", "block2",
    ]));
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let (p10, median, p90) = (
        line["p10_ms"].as_f64().unwrap(),
        line["median_ms"].as_f64().unwrap(),
        line["p90_ms"].as_f64().unwrap(),
    );
    assert!(0.0 < p10 && p10 <= median && median <= p90, "{line}");
    assert_eq!(line["steps"], 3);
}

#[test]
fn bad_input_gets_a_one_line_error() {
    let png = scratch("never.png");
    let out = png.to_str().unwrap();
    assert_clean_error(
        &basis(&["render", "--channel", "999", "-o", out]),
        "channel",
    );
    assert_clean_error(
        &basis(&["render", "--layer", "block99", "-o", out]),
        "block99",
    );
    assert_clean_error(&basis(&["render", "--mix", "1.5", "-o", out]), "mix");
    assert_clean_error(&basis(&["render", "--size", "100000", "-o", out]), "size");
    assert_clean_error(
        &basis(&["render", "--recipe", "not a recipe", "-o", out]),
        "recipe",
    );
    assert_clean_error(
        &basis(&["render", "--recipe", "AQ", "-o", out]),
        "cut short",
    );
    assert_clean_error(
        &basis(&["render", "--weights", "/nonexistent.bpk", "-o", out]),
        "setup-weights",
    );
    assert_clean_error(
        &basis(&["classify", "/nonexistent.jpg"]),
        "/nonexistent.jpg",
    );
    assert_clean_error(
        &basis(&[
            "render",
            "--steps",
            "2",
            "--size",
            "64",
            "-o",
            "/nonexistent/dir/x.png",
        ]),
        "/nonexistent/dir/x.png",
    );
    assert!(!png.exists());
    // clap's own usage errors are multi-line but must still fail cleanly.
    let output = basis(&["render", "--mix", "abc", "-o", out]);
    assert!(
        !output.status.success() && !String::from_utf8_lossy(&output.stderr).contains("panicked")
    );
}

#[test]
fn wgpu_without_an_adapter_says_so() {
    // No Vulkan driver and no EGL vendor library: wgpu finds no adapter on any machine.
    let hidden = "/nonexistent/basis-test.json";
    let output = Command::new(env!("CARGO_BIN_EXE_basis"))
        .args([
            "bench",
            "--backend",
            "wgpu",
            "--size",
            "64",
            "--steps",
            "1",
            "--warmup",
            "0",
        ])
        .env("BASIS_DATA", data_dir())
        .env("VK_ICD_FILENAMES", hidden)
        .env("VK_DRIVER_FILES", hidden)
        .env("__EGL_VENDOR_LIBRARY_FILENAMES", hidden)
        .output()
        .expect("basis runs");
    assert_clean_error(&output, "no usable wgpu adapter");
}

#[test]
fn link_prints_a_page_fragment_with_presentation_flags() {
    let out = stdout(&basis(&[
        "link",
        "--layer",
        "block3",
        "--channel",
        "5",
        "--hide",
        "seed,layer",
        "--present",
    ]));
    let link = basis_recipe::Link::parse(out.trim());
    let recipe = link.recipe.expect("a recipe").expect("a valid recipe");
    assert_eq!((recipe.layer.as_str(), recipe.channel), ("block3", 5));
    assert_eq!(link.hide, vec!["layer", "seed"]);
    assert!(link.present && link.ignored.is_empty());
    assert_clean_error(&basis(&["link", "--hide", "everything"]), "everything");
}

#[test]
fn a_recipe_made_with_other_weights_is_refused() {
    let out = stdout(&basis(&["link", "--size", "64", "--steps", "2"]));
    let mut recipe = basis_recipe::Link::parse(out.trim())
        .recipe
        .unwrap()
        .unwrap();
    recipe.weights = "ffffffffffffffff".into();
    let png = scratch("other-weights.png");
    let output = basis(&[
        "render",
        "--recipe",
        &recipe.encode(),
        "-o",
        png.to_str().unwrap(),
    ]);
    assert_clean_error(&output, "made with weights ffffffffffffffff");
    assert!(!png.exists());
}

#[test]
fn jpeg_and_webp_photos_are_read_like_png() {
    let out = stdout(&basis(&["classify", &photo("grace_hopper.jpg")]));
    assert!(
        top3(&out)[0]
            .iter()
            .any(|label| label == "military uniform"),
        "Grace Hopper, a real JPEG from matplotlib's wheel: {out}"
    );
    // WebP: the cat photo re-encoded (losslessly) by the `image` crate.
    let cat = image::open(photo("chelsea.png")).unwrap();
    let webp = scratch("chelsea.webp");
    cat.save_with_format(&webp, image::ImageFormat::WebP)
        .unwrap();
    let png_top = top3(&stdout(&basis(&["classify", &photo("chelsea.png")])));
    let webp_top = top3(&stdout(&basis(&["classify", webp.to_str().unwrap()])));
    assert_eq!(webp_top, png_top, "the same pixels, the same classes");
}

#[test]
fn bad_photo_files_get_a_message_naming_the_file_and_the_problem() {
    let write = |name: &str, bytes: &[u8]| {
        let path = scratch(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let png = std::fs::read(photo("coffee.png")).unwrap();
    let cases = [
        (write("empty.jpg", b""), "is empty (0 bytes)"),
        (
            write("notes.jpg", b"these are my notes, not a photo"),
            "is not an image",
        ),
        (
            write("cut.png", &png[..png.len() / 3]),
            "damaged or not a complete image",
        ),
        (
            write("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
            "reads JPEG, PNG and WebP",
        ),
    ];
    for (path, problem) in &cases {
        let output = basis(&["classify", path]);
        assert_clean_error(&output, problem);
        assert_clean_error(&output, path);
    }
}

#[test]
fn an_installed_basis_finds_its_data_through_a_flag_or_the_environment() {
    let elsewhere = std::env::temp_dir();
    let run = |args: &[&str], data: Option<&Path>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_basis"));
        command
            .args(args)
            .current_dir(&elsewhere)
            .env_remove("BASIS_DATA");
        if let Some(dir) = data {
            command.env("BASIS_DATA", dir);
        }
        command.output().unwrap()
    };
    let link = ["link", "--size", "64"];
    let lost = run(&link, None);
    assert_clean_error(&lost, "--data");
    assert_clean_error(&lost, "BASIS_DATA");
    let data = data_dir();
    let by_flag = run(
        &["--data", data.to_str().unwrap(), "link", "--size", "64"],
        None,
    );
    assert!(
        by_flag.status.success(),
        "{}",
        String::from_utf8_lossy(&by_flag.stderr)
    );
    let by_variable = run(&link, Some(&data));
    assert_eq!(by_variable.stdout, by_flag.stdout);
    assert_clean_error(
        &run(&link, Some(Path::new("/nonexistent/basis"))),
        "BASIS_DATA names /nonexistent/basis",
    );
}

/// Pictures that `basis render` made for golden links at the first release must still come out
/// the same: per channel a mean |Δ| of at most 2/255 and no pixel off by more than 16/255
/// (bit-identical is not promised across builds). A golden marked `changed` is a picture a
/// release changed on purpose, for the reason given: it must still differ, as it says.
#[test]
fn golden_links_still_render_their_pictures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let golden: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("crates/recipe/tests/golden-links.json")).unwrap(),
    )
    .unwrap();
    let (mut kept, mut changed) = (0, 0);
    for entry in golden.as_array().unwrap() {
        let Some(png) = entry["png"].as_str() else {
            continue;
        };
        let out = scratch(png);
        let line = render(&["--recipe", entry["link"].as_str().unwrap()], &out);
        let now = image::open(&out).unwrap().to_rgb8();
        let then = image::open(root.join("tests/golden").join(png))
            .unwrap()
            .to_rgb8();
        assert_eq!(now.dimensions(), then.dimensions(), "{png}");
        let differences = (0..3).map(|channel| {
            let deltas = now
                .pixels()
                .zip(then.pixels())
                .map(move |(a, b)| a[channel].abs_diff(b[channel]) as u64);
            let mean = deltas.clone().sum::<u64>() as f64 / now.pixels().len() as f64;
            (channel, mean, deltas.max().unwrap())
        });
        if entry["changed"].is_string() {
            let objective = line["objective_last"].as_f64().unwrap();
            assert!(objective > 0.0, "{png}: the neuron rises now ({objective})");
            assert!(
                differences.clone().all(|(_, mean, _)| mean > 2.0),
                "{png} is marked changed but draws what the first release drew"
            );
            changed += 1;
            continue;
        }
        for (channel, mean, max) in differences {
            assert!(
                mean <= 2.0 && max <= 16,
                "{png}, channel {channel}: mean |Δ| {mean:.3} / 255, max {max} / 255"
            );
        }
        kept += 1;
    }
    assert_eq!((kept, changed), (6, 1));
}

/// At a linear block output the slider can turn a neuron toward one of the network's own
/// directions: the link is version 4, the picture raises that direction, and the dataset examples
/// rank the pool along it. Anywhere else, or past the units there are, the flag is refused.
#[test]
fn the_slider_turns_toward_what_the_network_reads_and_writes() {
    let out = scratch("toward-read.png");
    let small = [
        "--layer", "block8", "--size", "64", "--steps", "24", "--mix", "1",
    ];
    let read = render(&[&small[..], &["--toward", "read:5"]].concat(), &out);
    assert!(read["recipe"].as_str().unwrap().starts_with("BB"), "{read}");
    let (first, last) = (
        read["objective_first"].as_f64().unwrap(),
        read["objective_last"].as_f64().unwrap(),
    );
    assert!(
        last > first + 1.0,
        "the read direction rises: {first} → {last}"
    );
    assert_eq!(read["toward"], "read:5");
    let angle = read["angle_to_neuron"].as_f64().unwrap();
    assert!(angle > 0.0 && angle < 180.0, "{angle}");
    // The same link renders the same picture again.
    let again = render(
        &["--recipe", read["recipe"].as_str().unwrap()],
        &scratch("toward-again.png"),
    );
    assert_eq!(again["objective_last"], read["objective_last"]);
    let random = render(&small, &scratch("toward-random.png"));
    assert!(
        random["recipe"].as_str().unwrap().starts_with("AR"),
        "{random}"
    );
    assert_ne!(random["objective_last"], read["objective_last"]);

    let examples = written(
        "examples",
        &[
            "--layer", "block8", "--mix", "1", "--toward", "write:7", "--count", "3",
        ],
        &scratch("toward-examples.png"),
    );
    assert_eq!(examples["toward"], "write:7");
    let top = examples["top"].as_array().unwrap();
    let bottom = examples["bottom"].as_array().unwrap();
    assert!(top[0]["value"].as_f64() > bottom[0]["value"].as_f64());

    assert_clean_error(
        &basis(&[
            "render",
            "--layer",
            "block8.dw",
            "--toward",
            "read:1",
            "-o",
            "/tmp/x.png",
        ]),
        "toward: read:1 needs a linear block output",
    );
    assert_clean_error(
        &basis(&["link", "--layer", "block8", "--toward", "write:480"]),
        "toward: write:480 is out of range; block8.dw has units 0..480",
    );
    // clap's own usage error: the message, then a hint line.
    let unknown = basis(&["link", "--toward", "sideways"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(!unknown.status.success());
    assert!(
        stderr.contains(
            "toward: `sideways` is not random, read:UNIT, write:UNIT, learned:K or learned-half:K"
        ),
        "{stderr}"
    );
}

/// Whether the caption strip under tile `i` (of `columns`, `size` px) holds dark text pixels.
fn has_caption(image: &image::RgbImage, i: u32, columns: u32, size: u32) -> bool {
    let (x0, y0) = (
        4 + (i % columns) * (size + 4),
        14 + 4 + (i / columns) * (size + 18) + size,
    );
    (x0..x0 + size)
        .flat_map(|x| (y0..y0 + 14).map(move |y| (x, y)))
        .any(|(x, y)| image.get_pixel(x, y).0.iter().all(|&c| c < 64))
}

#[test]
fn sheet_renders_labelled_tiles_and_a_link_that_renders_them_again() {
    let flags = [
        "--layer",
        "block3",
        "--neurons",
        "2",
        "--random",
        "2",
        "--size",
        "64",
        "--steps",
        "4",
        "--seed",
        "3",
        "--blind",
    ];
    let first = written("sheet", &flags, &scratch("sheet-a.png"));
    let tiles = first["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), 4);
    let labels: Vec<&str> = tiles.iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels.iter().filter(|l| l.starts_with("neuron ")).count(),
        2,
        "{labels:?}"
    );
    assert_eq!(
        labels.iter().filter(|l| l.starts_with("random ")).count(),
        2,
        "{labels:?}"
    );
    // On the CPU each image runs on its own, the runs spread over the cores.
    assert_eq!(first["batches"], 4);
    // Each tile's link is a recipe the single-image commands accept.
    let tile_link = tiles[0]["link"].as_str().unwrap().trim_start_matches("#r=");
    stdout(&basis(&["link", "--recipe", tile_link]));

    let code = first["sheet"].as_str().unwrap();
    assert_eq!(first["link"].as_str().unwrap(), format!("#sheet={code}"));
    assert!(
        first["contrast"].is_null(),
        "block3 is a block output, not a hidden tap"
    );
    let again = written("sheet", &["--sheet", code], &scratch("sheet-b.png"));
    assert_eq!(again["tiles"], first["tiles"]);
    let (a, b) = (
        std::fs::read(scratch("sheet-a.png")).unwrap(),
        std::fs::read(scratch("sheet-b.png")).unwrap(),
    );
    assert_eq!(a, b, "the sheet's link renders the same PNG");

    let png = image::open(scratch("sheet-a.png")).unwrap().to_rgb8();
    // Two columns of two rows: 64 px tiles, 4 px gaps, a 14 px caption under each, a header.
    assert_eq!(png.dimensions(), (2 * 68 + 4, 14 + 2 * (64 + 18) + 4));
    assert!(
        (0..4).all(|i| has_caption(&png, i, 2, 64)),
        "every tile is captioned"
    );
    // The tiles are pictures, not blanks: each has some spread of colour.
    let tile = image::imageops::crop_imm(&png, 4, 18, 64, 64).to_image();
    let (min, max) = tile
        .pixels()
        .fold((255u8, 0u8), |(lo, hi), p| (lo.min(p[1]), hi.max(p[1])));
    assert!(max - min > 40, "{min}..{max}");
}

#[test]
fn a_sheet_at_a_hidden_tap_links_to_its_same_block_contrast() {
    let flags = [
        "--layer",
        "block3.dw",
        "--neurons",
        "1",
        "--random",
        "1",
        "--size",
        "64",
        "--steps",
        "2",
    ];
    let line = written("sheet", &flags, &scratch("sheet-dw.png"));
    let code = line["sheet"].as_str().unwrap();
    assert_eq!(
        line["contrast"].as_str().unwrap(),
        format!("#contrast={code}")
    );
    assert_eq!(line["tiles"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_sheet_input_gets_a_one_line_error() {
    let out = scratch("bad-sheet.png");
    let out = out.to_str().unwrap();
    assert_clean_error(
        &basis(&["sheet", "-o", out, "--neurons", "9"]),
        "neurons: 9 is out of range",
    );
    assert_clean_error(
        &basis(&["sheet", "-o", out, "--channels", "3,3"]),
        "neurons: channel 3 appears twice",
    );
    assert_clean_error(
        &basis(&["sheet", "-o", out, "--sheet", "not a sheet"]),
        "bad --sheet",
    );
    assert_clean_error(
        &basis(&["sheet", "-o", out, "--layer", "block99"]),
        "layer: unknown layer `block99` in efficientnet-lite0",
    );
    assert_clean_error(
        &basis(&["bench", "--batch", "17"]),
        "--batch: 17 is out of range",
    );
}

#[test]
fn bench_reports_time_per_image_for_a_batch() {
    let line: serde_json::Value = serde_json::from_str(
        stdout(&basis(&[
            "bench", "--size", "64", "--steps", "2", "--warmup", "1", "--batch", "3",
        ]))
        .trim(),
    )
    .unwrap();
    assert_eq!(line["batch"], 3);
    let (step, per_image) = (
        line["median_ms"].as_f64().unwrap(),
        line["median_ms_per_image"].as_f64().unwrap(),
    );
    assert!(
        (per_image * 3.0 - step).abs() < 1e-9 && step > 0.0,
        "{line}"
    );
    // Split over threads: the mean over the whole run.
    let line: serde_json::Value = serde_json::from_str(
        stdout(&basis(&[
            "bench",
            "--size",
            "64",
            "--steps",
            "2",
            "--warmup",
            "1",
            "--batch",
            "3",
            "--threads",
            "3",
        ]))
        .trim(),
    )
    .unwrap();
    assert_eq!((&line["batch"], &line["threads"]), (&3.into(), &3.into()));
    let (step, per_image) = (
        line["mean_ms"].as_f64().unwrap(),
        line["mean_ms_per_image"].as_f64().unwrap(),
    );
    assert!(
        (per_image * 3.0 - step).abs() < 1e-9 && step > 0.0,
        "{line}"
    );
    assert_clean_error(
        &basis(&["bench", "--batch", "2", "--threads", "3"]),
        "--threads: 3 is out of range (1 to the batch, 2)",
    );
}

#[test]
fn quiz_prints_a_link_a_tally_link_and_the_answer_key() {
    let out = stdout(&basis(&[
        "quiz",
        "--layers",
        "block3,block8",
        "--rounds",
        "4",
        "--size",
        "64",
        "--steps",
        "4",
        "--student",
        "ab12",
    ]));
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["student"], "AB12", "a nonce as typed, read as printed");
    let code = line["quiz"].as_str().unwrap();
    assert_eq!(line["link"].as_str().unwrap(), format!("#quiz={code}"));
    assert_eq!(line["tally"].as_str().unwrap(), format!("#tally={code}"));
    let key = line["key"].as_array().unwrap();
    assert_eq!(key.len(), 4);
    assert_eq!(key.iter().filter(|r| r["layer"] == "block3").count(), 2);
    for round in key {
        assert!(round["neuron"] == "left" || round["neuron"] == "right");
        let left = round["left"].as_str().unwrap().trim_start_matches("#r=");
        stdout(&basis(&["link", "--recipe", left]));
    }
    assert_eq!(
        stdout(&basis(&[
            "quiz",
            "--layers",
            "block3,block8",
            "--rounds",
            "4",
            "--size",
            "64",
            "--steps",
            "4",
            "--student",
            "AB12"
        ])),
        out,
        "same flags, same quiz"
    );
    assert_clean_error(
        &basis(&["quiz", "--rounds", "41"]),
        "rounds: 41 is out of range",
    );
    assert_clean_error(
        &basis(&["quiz", "--layers", "block8,block8"]),
        "layers: block8 appears twice",
    );
}

#[test]
fn stats_measures_how_privileged_a_layers_basis_is_on_real_photos() {
    let out = stdout(&basis(&[
        "stats",
        "--layer",
        "block3,block8.dw,block8,head",
        "--crops",
        "1",
        "--json",
    ]));
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let by_name = |name: &str| lines.iter().find(|l| l["layer"] == name).unwrap();
    let (block3, dw, block8, head) = (
        by_name("block3"),
        by_name("block8.dw"),
        by_name("block8"),
        by_name("head"),
    );
    assert_eq!(
        (
            block3["after"].as_str(),
            dw["after"].as_str(),
            head["after"].as_str()
        ),
        (Some("linear"), Some("ReLU6"), Some("ReLU6"))
    );
    assert_eq!(
        (dw["block"].as_u64(), head["block"].as_u64()),
        (Some(8), None)
    );
    // 8 photos, one crop each: 8 × 7 × 7 positions at the head, every one read.
    assert_eq!(head["photos"], 8);
    assert_eq!(head["positions"], 8 * 49);
    assert_eq!(head["read_positions"], 8 * 49);
    // Every channel is ranked or named as constant, never both.
    for line in &lines {
        let channels = line["channels"].as_u64().unwrap() as usize;
        let ranked = line["ranked_channels"].as_array().unwrap().len();
        let constant = line["constant_channels"].as_array().unwrap().len();
        assert_eq!(ranked + constant, channels, "{}", line["layer"]);
        assert_eq!(line["basis_kurtosis"].as_array().unwrap().len(), ranked);
        assert!(line["random_kurtosis"].as_array().unwrap().len() >= 1024);
        assert_eq!(line["at_zero"].as_array().unwrap().len(), channels);
        // A percentile interval of a resampling need not hold the point estimate: only its order
        // is certain.
        let a = &line["kurtosis_auc"];
        assert!(a["low"].as_f64() <= a["high"].as_f64(), "{a}");
        let verdict = line["verdict"].as_str().unwrap();
        let expected = if a["low"].as_f64().unwrap() > 0.5 {
            "heavier"
        } else if a["high"].as_f64().unwrap() < 0.5 {
            "lighter"
        } else {
            "cannot-tell"
        };
        assert_eq!(verdict, expected, "{}", line["layer"]);
    }
    // After a ReLU6 the neurons are sparse and heavy-tailed; random mixtures of them are not.
    let auc = |line: &serde_json::Value| line["kurtosis_auc"]["value"].as_f64().unwrap();
    assert!(auc(head) > 0.9, "head kurtosis AUC {}", auc(head));
    assert_eq!(head["verdict"], "heavier");
    // Inside block 8 the depthwise ReLU6 tap is far more privileged than the linear output.
    assert!(
        auc(dw) > auc(block8) + 0.15,
        "{} vs {}",
        auc(dw),
        auc(block8)
    );
    // A ReLU6 tap's channels sit at 0 much of the time; a linear tap's almost never.
    let zeros = |line: &serde_json::Value| {
        let z = line["at_zero"].as_array().unwrap();
        z.iter().map(|v| v.as_f64().unwrap()).sum::<f64>() / z.len() as f64
    };
    assert!(
        zeros(dw) > 0.2 && zeros(block8) < 0.01,
        "{} {}",
        zeros(dw),
        zeros(block8)
    );
    let rotated = head["vector_kurtosis"]["rotated"].as_f64().unwrap();
    assert!(
        (rotated - 3.0).abs() < 0.5 && head["vector_kurtosis"]["basis"].as_f64().unwrap() > 10.0,
        "{head}"
    );
    let slider = head["slider_kurtosis_auc"].as_array().unwrap();
    assert_eq!(slider.len(), 11);
    assert!(
        (slider[10].as_f64().unwrap() - 0.5).abs() < 0.1,
        "at t = 1 the directions are random ones: {slider:?}"
    );

    let folder = scratch("stats-photos");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), "not a photo").unwrap();
    assert_clean_error(
        &basis(&["stats", "--photos", folder.to_str().unwrap()]),
        "notes.txt",
    );
    assert_clean_error(&basis(&["stats", "--layer", "block99"]), "block99");
    assert_clean_error(
        &basis(&["stats", "--layer", "block0.expand"]),
        "block0.expand",
    );
    assert_clean_error(
        &basis(&["stats", "--crops", "0"]),
        "--crops: 0 is out of range",
    );
}

#[test]
fn stats_ica_adds_a_learned_arm_that_is_the_same_on_every_run() {
    let run = || {
        let out = stdout(&basis(&[
            "stats", "--layer", "block8", "--crops", "2", "--ica", "16", "--json",
        ]));
        serde_json::from_str::<serde_json::Value>(out.trim()).unwrap()
    };
    let (first, second) = (run(), run());
    let learned = &first["learned"];
    assert_eq!(learned["method"], "fastica-logcosh");
    // The directions each fold kept (settled, clearly heavy-tailed), scored on the other fold.
    let kept = learned["directions"].as_u64().unwrap();
    assert!((2..=32).contains(&kept), "{learned}");
    assert_eq!(learned["kurtosis"].as_array().unwrap().len() as u64, kept);
    assert_eq!(
        learned, &second["learned"],
        "seeded, so the same on every run"
    );
    // At a linear output the neurons are no more heavy-tailed than random directions, but the
    // positions themselves are not Gaussian: ICA finds directions that are.
    let auc = |arm: &serde_json::Value| arm["kurtosis_auc"]["value"].as_f64().unwrap();
    assert!(
        auc(learned) > auc(&first) + 0.2,
        "ICA {} vs neurons {}",
        auc(learned),
        auc(&first)
    );
    assert_eq!(learned["verdict"], "heavier");
    // Without --ica there is no learned arm.
    let plain = stdout(&basis(&[
        "stats", "--layer", "block8", "--crops", "1", "--json",
    ]));
    assert!(serde_json::from_str::<serde_json::Value>(plain.trim()).unwrap()["learned"].is_null());
    assert_clean_error(
        &basis(&["stats", "--layer", "block8", "--ica", "0"]),
        "--ica: 0 components",
    );
}

#[test]
fn examples_rank_the_pool_and_a_users_photo_of_the_top_crop_comes_first() {
    let line = written(
        "examples",
        &["--layer", "block8", "--channel", "10", "--count", "8"],
        &scratch("examples.png"),
    );
    let values = |key: &str| -> Vec<f64> {
        line[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["value"].as_f64().unwrap())
            .collect()
    };
    let (top, bottom) = (values("top"), values("bottom"));
    assert_eq!((top.len(), bottom.len()), (8, 8));
    assert!(top.windows(2).all(|w| w[0] >= w[1]) && bottom.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        top[7] > bottom[7],
        "the strongest respond more than the weakest"
    );
    assert_eq!(line["receptive_field"], 211);
    let png = image::open(scratch("examples.png")).unwrap();
    assert_eq!(png.width(), 8 * 100 + 4);

    // The user's own photo: the top crop exactly, framed so the pool's centre crop is that crop
    // again (short side 256 px, 16 px of grey around it), in a folder without its source photo.
    let best = &line["top"][0];
    let source = best["photo"].as_str().unwrap();
    let photo = image::open(data_dir().join("photos").join(source))
        .unwrap()
        .to_rgb8();
    let (w, h) = photo.dimensions();
    let scale = 256.0 / w.min(h) as f64;
    let (sw, sh) = (
        ((w as f64 * scale).round() as u32).max(224),
        ((h as f64 * scale).round() as u32).max(224),
    );
    let scaled = image::imageops::resize(&photo, sw, sh, image::imageops::FilterType::Triangle);
    let (x, y) = (
        best["crop"]["x"].as_u64().unwrap() as u32,
        best["crop"]["y"].as_u64().unwrap() as u32,
    );
    let crop = image::imageops::crop_imm(&scaled, x, y, 224, 224).to_image();
    let mut framed = image::RgbImage::from_pixel(256, 256, image::Rgb([128, 128, 128]));
    image::imageops::replace(&mut framed, &crop, 16, 16);
    let folder = scratch("user-pool");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    framed.save(folder.join("mine.png")).unwrap();
    for entry in std::fs::read_dir(data_dir().join("photos")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != source {
            std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
        }
    }
    let mine = written(
        "examples",
        &[
            "--layer",
            "block8",
            "--channel",
            "10",
            "--count",
            "3",
            "--photos",
            folder.to_str().unwrap(),
        ],
        &scratch("examples-mine.png"),
    );
    assert_eq!(mine["top"][0]["photo"], "mine.png", "{mine}");
    // Its centre crop is the pool's top crop, pixel for pixel: the same response (its other,
    // grey-bordered crops may respond even more).
    let centre = mine["top"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["photo"] == "mine.png" && e["crop"]["x"] == 16 && e["crop"]["y"] == 16);
    let value = centre.expect("the centre crop is among the strongest")["value"]
        .as_f64()
        .unwrap();
    assert!(
        (value - top[0]).abs() < 1e-3 * top[0].abs(),
        "the same crop, the same response: {value} vs {}",
        top[0]
    );

    assert_clean_error(
        &basis(&["examples", "-o", "/tmp/x.png", "--channel", "112"]),
        "channel: 112 is out of range; layer block8 has channels 0..112",
    );
    assert_clean_error(
        &basis(&["examples", "-o", "/tmp/x.png", "--mix", "2"]),
        "mix: 2 is out of range",
    );
}

#[test]
fn predict_prints_the_test_and_a_key_whose_strong_photo_responds_more() {
    let dir = scratch("predict-rounds");
    let _ = std::fs::remove_dir_all(&dir);
    let flags = [
        "predict",
        "--layers",
        "block3,block8",
        "--rounds",
        "4",
        "--size",
        "64",
        "--steps",
        "4",
    ];
    assert_clean_error(
        &basis(&[&flags[..], &["--render", dir.to_str().unwrap()]].concat()),
        "name one with --student",
    );
    let flags = [&flags[..], &["--student", "AB12"]].concat();
    let out = stdout(&basis(
        &[&flags[..], &["--render", dir.to_str().unwrap()]].concat(),
    ));
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let code = line["test"].as_str().unwrap();
    assert_eq!(line["link"].as_str().unwrap(), format!("#predict={code}"));
    assert_eq!(
        line["tally"].as_str().unwrap(),
        format!("#predict-tally={code}")
    );
    let key = line["key"].as_array().unwrap();
    assert_eq!(key.len(), 4);
    for arm in ["neuron", "random"] {
        assert_eq!(key.iter().filter(|r| r["arm"] == arm).count(), 2, "{arm}");
    }
    for round in key {
        let response = |which: &str| round[which]["response"].as_f64().unwrap();
        assert!(
            response("strong_crop") > response("weak_crop"),
            "round {}: {round}",
            round["round"]
        );
        assert!(round["strong"] == "left" || round["strong"] == "right");
        let direction = round["direction"]
            .as_str()
            .unwrap()
            .trim_start_matches("#r=");
        stdout(&basis(&["link", "--recipe", direction]));
        let number = round["round"].as_u64().unwrap();
        let png = image::open(dir.join(format!("round-{number:02}.png"))).unwrap();
        // Four 64 px references over two 128 px photos, with captions.
        assert!(
            png.width() >= 4 * 64 && png.height() >= 64 + 128,
            "{} × {}",
            png.width(),
            png.height()
        );
    }
    // Same flags, same test: no --render, and the key does not depend on it.
    assert_eq!(stdout(&basis(&flags)), out);
    assert_clean_error(
        &basis(&["predict", "--rounds", "5"]),
        "rounds: 5 is out of range (an even number",
    );
    assert_clean_error(
        &basis(&["predict", "--size", "512"]),
        "size: 512 is out of range (small enough for a round's 4 references",
    );
}

/// `--controls`: the key names each round's kind; photo references come from the other half of
/// the photos than the queries (a crop's photo is its index / 4; halves by its parity), and a
/// catch round's right photo is among its references.
#[test]
fn predict_with_controls_keys_each_round_s_kind_and_photo_references() {
    let dir = scratch("predict-controls");
    let _ = std::fs::remove_dir_all(&dir);
    let flags = [
        "predict",
        "--controls",
        "--layers",
        "block8.dw",
        "--rounds",
        "4",
        "--size",
        "64",
        "--steps",
        "2",
        "--student",
        "CD34",
        "--render",
        dir.to_str().unwrap(),
    ];
    let line: serde_json::Value = serde_json::from_str(stdout(&basis(&flags)).trim()).unwrap();
    let key = line["key"].as_array().unwrap();
    let kinds: Vec<&str> = key
        .iter()
        .map(|r| r["condition"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 10, "{kinds:?}");
    assert_eq!(
        (kinds[0], kinds[1], kinds[8], kinds[9]),
        ("none", "none", "none", "none")
    );
    for (kind, count) in [("catch", 2), ("visualizations", 2), ("photos", 2)] {
        assert_eq!(
            kinds.iter().filter(|k| **k == kind).count(),
            count,
            "{kind}"
        );
    }
    let photo = |crop: &serde_json::Value| crop["index"].as_u64().unwrap() / 4;
    for round in key {
        let strong = &round["strong_crop"];
        // The even photos, unless the direction is silent on all of them.
        let half = photo(strong) % 2;
        assert_eq!(photo(&round["weak_crop"]) % 2, half, "{round}");
        let references = &round["photo_references"];
        let kind = round["condition"].as_str().unwrap();
        assert_eq!(
            references.is_null(),
            kind == "none" || kind == "visualizations"
        );
        if references.is_null() {
            continue;
        }
        let all: Vec<&serde_json::Value> = ["strongest", "weakest"]
            .iter()
            .flat_map(|row| references[row].as_array().unwrap())
            .collect();
        assert_eq!(all.len(), 8);
        let own = all.iter().filter(|c| c["index"] == strong["index"]).count();
        assert_eq!(own, (kind == "catch") as usize, "{round}");
        assert!(
            all.iter()
                .filter(|c| c["index"] != strong["index"])
                .all(|c| photo(c) % 2 != half),
            "{round}"
        );
        let number = round["round"].as_u64().unwrap();
        let png = image::open(dir.join(format!("round-{number:02}.png"))).unwrap();
        assert!(png.height() >= 2 * 64 + 128, "two rows of photo references");
    }
    assert_clean_error(
        &basis(&["predict", "--controls", "--rounds", "6"]),
        "rounds: 6 is out of range (a multiple of 4",
    );
}

#[test]
fn stats_all_profiles_every_tap_block_by_block() {
    let chart = scratch("profile.svg");
    let out = stdout(&basis(&[
        "stats",
        "--all",
        "--crops",
        "1",
        "--json",
        "--chart",
        chart.to_str().unwrap(),
    ]));
    let layers: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["layer"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let catalog: Vec<String> = stdout(&basis(&["layers"]))
        .lines()
        .map(|l| l.split(' ').next().unwrap().to_owned())
        .collect();
    assert_eq!(layers, catalog);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(
        svg.contains("8d") && svg.contains("8e") && svg.contains("head"),
        "the chart labels every tap"
    );
}

/// `basis tally` grades each code against its own student's rounds, as `Tally` does (the tally
/// page's numbers), and names each refused code's problem; `basis quiz --student` gives the key
/// a student's page shows.
#[test]
fn tally_grades_each_student_s_own_rounds_with_the_tally_s_numbers() {
    use basis_recipe::{Answer, ClassTest, Counted, Quiz, ResultCode, Tally};
    let flags = [
        "quiz",
        "--layers",
        "block3,block8",
        "--rounds",
        "4",
        "--size",
        "64",
    ];
    let made: serde_json::Value = serde_json::from_str(stdout(&basis(&flags)).trim()).unwrap();
    assert_eq!(made["items"], "own");
    assert!(made["key"].is_null(), "no key without a student");
    let quiz = Quiz::decode(made["quiz"].as_str().unwrap()).unwrap();
    let codes: Vec<String> = (1..=3u64)
        .map(|nonce| {
            let student = ResultCode::new(quiz.id(), Vec::new(), nonce).nonce;
            let mut with_student = flags.to_vec();
            with_student.extend(["--student", &student]);
            let key: serde_json::Value =
                serde_json::from_str(stdout(&basis(&with_student)).trim()).unwrap();
            // Right on the first `nonce` rounds of their own key.
            let answers = key["key"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, round)| Answer {
                    left: (round["neuron"] == "left") == (i < nonce as usize),
                    confidence: 2,
                })
                .collect();
            ResultCode::new(quiz.id(), answers, nonce).encode()
        })
        .collect();
    let file = scratch("codes.txt");
    std::fs::write(
        &file,
        format!("{}\nnot a code\n{}", codes.join("\n"), codes[0]),
    )
    .unwrap();
    let link = made["tally"].as_str().unwrap();
    let out: serde_json::Value = serde_json::from_str(
        stdout(&basis(&["tally", link, "--codes", file.to_str().unwrap()])).trim(),
    )
    .unwrap();
    let mut tally = Tally::new(ClassTest::Spot(quiz));
    for code in &codes {
        assert_eq!(tally.add(code), Ok(Counted::Graded));
    }
    let expected = tally.result().above_chance.by_student.unwrap();
    assert!(
        out["above_chance_by_item"].is_null(),
        "each student's own items are no unit"
    );
    assert_eq!(out["students"], 3);
    assert_eq!(out["pooled"]["correct"], 1 + 2 + 3);
    assert_eq!(out["above_chance"]["p_value"], expected.p_value);
    assert_eq!(
        out["above_chance"]["mean_difference"],
        expected.mean_difference
    );
    let refused: Vec<&str> = out["codes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["refused"].as_str())
        .collect();
    assert_eq!(refused.len(), 2, "{out}");
    assert!(
        refused[0].contains("does not look like a result code"),
        "{refused:?}"
    );
    assert!(refused[1].contains("already counted"), "{refused:?}");
    assert_clean_error(
        &basis(&["tally", "#quiz=zz", "--codes", file.to_str().unwrap()]),
        "could not be read",
    );
}

#[test]
fn probe_lists_a_photo_s_strongest_channels_overall_and_at_a_pixel() {
    let out: serde_json::Value = serde_json::from_str(&stdout(&basis(&[
        "probe",
        &photo("chelsea.png"),
        "--layer",
        "block3",
        "--at",
        "100,80",
        "--top",
        "5",
        "--json",
    ])))
    .unwrap();
    let grid = out["grid"].as_u64().unwrap() as usize;
    assert_eq!(grid, 28, "block3 has stride 8: 224 / 8");
    let values = |list: &serde_json::Value, key: &str| -> Vec<f64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e[key].as_f64().unwrap())
            .collect()
    };
    let overall = values(&out["overall"], "mean");
    assert_eq!(overall.len(), 5);
    assert!(overall.is_sorted_by(|a, b| a >= b), "{overall:?}");
    // The map is the strongest channel's; its mean is that channel's overall response.
    let map: Vec<f64> = out["map"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(map.len(), grid * grid);
    assert_eq!(out["map"]["channel"], out["overall"][0]["channel"]);
    let mean = map.iter().sum::<f64>() / map.len() as f64;
    assert!(
        (mean - overall[0]).abs() <= 1e-4 * overall[0].abs().max(1.0),
        "{mean} vs {}",
        overall[0]
    );
    // At pixel (100, 80): the cell centred nearest it, (12, 9); the map's value there is at most
    // the strongest there.
    assert_eq!(out["at"]["cell"], serde_json::json!([12, 9]));
    let at = values(&out["at"]["channels"], "value");
    assert!(at.is_sorted_by(|a, b| a >= b), "{at:?}");
    assert!(map[9 * grid + 12] <= at[0] + 1e-6);
    // Each channel opens the single view on it, with the default settings.
    let channel = out["overall"][0]["channel"].to_string();
    let link = stdout(&basis(&[
        "link",
        "--layer",
        "block3",
        "--channel",
        &channel,
    ]));
    assert_eq!(out["overall"][0]["link"].as_str().unwrap(), link.trim());
}

#[test]
fn probe_refuses_a_pixel_outside_the_crop_and_an_unknown_layer() {
    let chelsea = photo("chelsea.png");
    assert_clean_error(
        &basis(&["probe", &chelsea, "--at", "300,10"]),
        "--at 300,10 is outside the photo's 224 × 224 px centre crop",
    );
    assert_clean_error(
        &basis(&["probe", &chelsea, "--layer", "block99"]),
        "block99",
    );
    let output = basis(&["probe", &chelsea, "--at", "ten"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a pixel X,Y"));
    let output = basis(&["probe", &chelsea, "--top", "0"]);
    assert!(!output.status.success(), "--top 0 lists nothing: refused");
}

fn fidelity_of(picture: &Path, recipe: &[&str]) -> serde_json::Value {
    let line = stdout(&basis(
        &[&["fidelity", picture.to_str().unwrap()][..], recipe].concat(),
    ));
    serde_json::from_str::<serde_json::Value>(line.trim()).unwrap()["fidelity"].clone()
}

#[test]
fn a_pictures_fidelity_is_measured_from_its_pixels_against_the_pools_best_crop() {
    let out = scratch("fidelity-neuron.png");
    let small = ["--layer", "block8", "--size", "64", "--steps", "48"];
    let neuron = render(
        &[&small[..], &["--channel", "10", "--fidelity"]].concat(),
        &out,
    );
    let measured = &neuron["fidelity"];
    let number = |key: &str| measured[key].as_f64().unwrap();
    assert!(number("response") > 0.0, "{measured}");
    let specificity = number("specificity");
    assert!(specificity > 0.0 && specificity <= 1.0, "{measured}");
    // The ratio is the response over the best crop's value, and that crop is one of the pool's.
    let best = &measured["best_photo"];
    let ratio = number("ratio");
    assert!((ratio - number("response") / best["value"].as_f64().unwrap()).abs() < 1e-5 * ratio);
    assert!(std::path::Path::new(&photo(best["photo"].as_str().unwrap())).exists());
    assert_eq!(measured["crops"], 4 * measured["photos"].as_u64().unwrap());

    // `basis fidelity` reads the PNG and gets the numbers `render` had for the same pixels.
    let recipe = neuron["recipe"].as_str().unwrap();
    assert_eq!(&fidelity_of(&out, &["--recipe", recipe]), measured);
    // The picture is the channel's: the next channel's direction finds less of itself in it.
    let elsewhere = fidelity_of(&out, &[&small[..], &["--channel", "11"]].concat());
    assert!(
        elsewhere["response"].as_f64().unwrap() < number("response"),
        "{elsewhere} against {measured}"
    );

    let wide = scratch("fidelity-wide.png");
    image::RgbImage::new(64, 32).save(&wide).unwrap();
    assert_clean_error(
        &basis(&["fidelity", wide.to_str().unwrap(), "--recipe", recipe]),
        "is 64 × 32 px: a visualization is square",
    );
    assert_clean_error(
        &basis(&["fidelity", "/nonexistent/picture.png", "--recipe", recipe]),
        "/nonexistent/picture.png",
    );
}

#[test]
fn a_sheet_reports_each_tiles_fidelity_and_each_arms_medians() {
    let line = written(
        "sheet",
        &[
            "--layer",
            "block8.dw",
            "--neurons",
            "2",
            "--random",
            "3",
            "--size",
            "64",
            "--steps",
            "24",
            "--fidelity",
        ],
        &scratch("fidelity-sheet.png"),
    );
    let tiles = line["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), 5);
    for arm in ["neuron", "random"] {
        let of_arm: Vec<&serde_json::Value> = tiles
            .iter()
            .filter(|t| t["label"].as_str().unwrap().starts_with(arm))
            .map(|t| &t["fidelity"])
            .collect();
        let mut specificities: Vec<f64> = of_arm
            .iter()
            .map(|f| f["specificity"].as_f64().unwrap())
            .collect();
        assert!(specificities.iter().all(|s| (-1.0..=1.0).contains(s)));
        specificities.sort_by(f64::total_cmp);
        let summary = &line["fidelity_by_arm"][arm];
        assert_eq!(summary["pictures"], of_arm.len());
        let n = specificities.len();
        let median = if n % 2 == 1 {
            specificities[n / 2]
        } else {
            (specificities[n / 2 - 1] + specificities[n / 2]) / 2.0
        };
        // The page and the CLI take the median in f32; here it is f64.
        let shown = summary["median_specificity"].as_f64().unwrap();
        assert!((shown - median).abs() < 1e-6, "{shown} vs {median}");
    }
}

/// A direction learned from the shipped photos (ICA at the layer) is a version 5 link at any tap;
/// the picture raises it, the same link draws the same bytes, and past the directions the photos
/// gave the flag is refused with how many there are.
#[test]
fn the_slider_turns_toward_a_direction_learned_from_the_shipped_photos() {
    let (first, again) = (scratch("learned.png"), scratch("learned-again.png"));
    let flags = [
        "--layer",
        "block8.dw",
        "--size",
        "64",
        "--steps",
        "16",
        "--mix",
        "1",
        "--toward",
        "learned:0",
    ];
    let line = render(&flags, &first);
    assert!(line["recipe"].as_str().unwrap().starts_with("BR"), "{line}");
    assert_eq!(line["toward"], "learned:0");
    assert!(
        line["objective_last"].as_f64().unwrap() > line["objective_first"].as_f64().unwrap() + 1.0,
        "{line}"
    );
    render(&["--recipe", line["recipe"].as_str().unwrap()], &again);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let out = scratch("learned-bad.png");
    let out = out.to_str().unwrap();
    assert_clean_error(
        &basis(&[
            "render",
            "-o",
            out,
            "--layer",
            "block8",
            "--size",
            "64",
            "--steps",
            "2",
            "--toward",
            "learned:31",
        ]),
        "does not exist at block8: the photos gave",
    );
}

/// Feature accentuation: a picture that starts from a pool photo is a version 5 link that renders
/// the same picture again; the same photo given as one's own draws the same pixels while its link
/// names no photo; a start the CLI cannot honour is refused in one line that says why.
#[test]
fn a_picture_can_start_from_a_photo_named_in_its_link_or_kept_out_of_it() {
    let small = ["--layer", "block8", "--size", "64", "--steps", "8"];
    let (pool, again, own) = (
        scratch("start-pool.png"),
        scratch("start-again.png"),
        scratch("start-own.png"),
    );
    let line = render(
        &[&small[..], &["--start", "photo:coffee.png@200"]].concat(),
        &pool,
    );
    let code = line["recipe"].as_str().unwrap();
    assert!(code.starts_with("BR"), "version 5: {code}");
    assert!(
        line["objective_last"].as_f64().unwrap() > line["objective_first"].as_f64().unwrap(),
        "{line}"
    );
    render(&["--recipe", code], &again);
    assert_eq!(
        std::fs::read(&pool).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let coffee = photo("coffee.png");
    let own_line = render(
        &[&small[..], &["--start", "own@200", "--own-photo", &coffee]].concat(),
        &own,
    );
    assert_eq!(std::fs::read(&pool).unwrap(), std::fs::read(&own).unwrap());
    let own_code = own_line["recipe"].as_str().unwrap();
    // Only the mark and the penalty: an own start has nowhere to hold a name.
    assert_eq!(
        basis_recipe::Recipe::decode(own_code).unwrap().start,
        basis_recipe::Start::Own { penalty: 200.0 }
    );

    let out = scratch("start-bad.png");
    let out = out.to_str().unwrap();
    assert_clean_error(
        &basis(&["render", "-o", out, "--recipe", own_code]),
        "give yours with --own-photo FILE",
    );
    assert_clean_error(
        &basis(
            &[
                &["render", "-o", out],
                &small[..],
                &["--start", "photo:zebra.png"],
            ]
            .concat(),
        ),
        "zebra.png is not a photo of the pool",
    );
    let text = scratch("notes.txt");
    std::fs::write(&text, "not a photo").unwrap();
    assert_clean_error(
        &basis(
            &[
                &["render", "-o", out],
                &small[..],
                &["--start", "own", "--own-photo", text.to_str().unwrap()],
            ]
            .concat(),
        ),
        "notes.txt is not an image",
    );
    assert_clean_error(
        &basis(
            &[
                &["render", "-o", out],
                &small[..],
                &["--own-photo", &coffee],
            ]
            .concat(),
        ),
        "--own-photo is the photo of `--start own`",
    );
}

/// A sheet's third arm: directions learned from the shipped photos, in a version 5 sheet link
/// that draws the same tiles again, with the learned arm's fidelity beside the other two.
#[test]
fn a_sheet_can_show_directions_learned_from_the_photos() {
    let flags = [
        "--layer",
        "block8",
        "--neurons",
        "1",
        "--random",
        "1",
        "--learned",
        "2",
        "--size",
        "64",
        "--steps",
        "4",
        "--fidelity",
    ];
    let (a, b) = (
        scratch("sheet-learned-a.png"),
        scratch("sheet-learned-b.png"),
    );
    let first = written("sheet", &flags, &a);
    let labels: Vec<&str> = first["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels[2..], ["learned 1", "learned 2"], "{labels:?}");
    assert_eq!(first["fidelity_by_arm"]["learned"]["pictures"], 2);
    let code = first["sheet"].as_str().unwrap();
    assert!(code.starts_with('B'), "version 5: {code}");
    written("sheet", &["--sheet", code], &b);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// A three-arm predict test: the key's rounds are a third learned directions, each a link the
/// single view renders, with photo crops the pool can tell apart; the tally compares each pair of
/// arms with Holm's correction, as the recipe crate's tally does.
#[test]
fn predict_with_a_third_arm_keys_learned_rounds_and_tallies_each_pair() {
    use basis_recipe::{Answer, ClassTest, Predict, ResultCode, Tally};
    let flags = [
        "predict",
        "--learned",
        "--layers",
        "block3,block8",
        "--rounds",
        "6",
        "--size",
        "64",
        "--steps",
        "4",
        "--same-items",
    ];
    let made: serde_json::Value = serde_json::from_str(stdout(&basis(&flags)).trim()).unwrap();
    let arms: Vec<&str> = made["key"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["arm"].as_str().unwrap())
        .collect();
    for arm in ["neuron", "random", "learned"] {
        assert_eq!(arms.iter().filter(|a| **a == arm).count(), 2, "{arms:?}");
    }
    let learned = made["key"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["arm"] == "learned")
        .unwrap();
    assert!(
        learned["strong_crop"]["response"].as_f64() > learned["weak_crop"]["response"].as_f64()
    );
    let code = learned["direction"]
        .as_str()
        .unwrap()
        .trim_start_matches("#r=");
    stdout(&basis(&["link", "--recipe", code]));

    let test = Predict::decode(made["test"].as_str().unwrap()).unwrap();
    let keyed: Vec<bool> = made["key"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["strong"] == "left")
        .collect();
    let codes: Vec<String> = (1..=3u64)
        .map(|nonce| {
            // Right on neuron rounds, wrong on the others.
            let answers = keyed
                .iter()
                .zip(&arms)
                .map(|(strong_left, arm)| Answer {
                    left: *strong_left == (*arm == "neuron"),
                    confidence: 2,
                })
                .collect();
            ResultCode::new(test.id(), answers, nonce).encode()
        })
        .collect();
    let file = scratch("three-arm-codes.txt");
    std::fs::write(&file, codes.join("\n")).unwrap();
    let out: serde_json::Value = serde_json::from_str(
        stdout(&basis(&[
            "tally",
            made["tally"].as_str().unwrap(),
            "--codes",
            file.to_str().unwrap(),
        ]))
        .trim(),
    )
    .unwrap();
    let pairs = out["pairs"].as_array().unwrap();
    let names: Vec<String> = pairs
        .iter()
        .map(|p| format!("{}-{}", p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect();
    assert_eq!(names, ["neuron-random", "neuron-learned", "random-learned"]);
    let mut tally = Tally::new(ClassTest::Predict(test));
    for code in &codes {
        tally.add(code).unwrap();
    }
    let result = tally.result();
    for ((pair, holm), line) in result.pairs.iter().zip(result.pairs_holm()).zip(pairs) {
        let by_item = pair.by_item.as_ref().unwrap();
        assert_eq!(
            line["by_item"]["difference"].as_f64(),
            Some(by_item.difference)
        );
        assert_eq!(line["p_holm"].as_f64(), holm);
    }
    assert_eq!(pairs[1]["by_item"]["difference"].as_f64(), Some(1.0));
    // With --fidelity, every arm's references made again: 2 directions × 4 references each.
    let measured: serde_json::Value = serde_json::from_str(
        stdout(&basis(&[
            "tally",
            made["tally"].as_str().unwrap(),
            "--codes",
            file.to_str().unwrap(),
            "--fidelity",
        ]))
        .trim(),
    )
    .unwrap();
    for arm in ["neuron", "random", "learned"] {
        let of_arm = &measured["fidelity_by_arm"][arm];
        assert_eq!(of_arm["pictures"], 8, "{arm}: {of_arm}");
        assert!(of_arm["median_specificity"].as_f64().is_some(), "{of_arm}");
    }
}
