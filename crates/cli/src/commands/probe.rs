//! `basis probe`: from a photo to its neurons — the channels of a layer that respond most to the
//! photo's centre crop (224 px, as `classify` sees it), overall and at a pixel, the strongest
//! one's map, and each channel's link to the app's single view.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use basis_featvis::pool;
use basis_featvis::probe::{self, ChannelResponse};
use basis_recipe::{Link, Recipe};
use serde_json::{Value, json};

use crate::backend::Compute;
use crate::files::DataDir;
use crate::recipe_args::{Loaded, ModelArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A JPEG, PNG or WebP photo.
    pub photo: PathBuf,
    #[arg(long, default_value = "block8")]
    pub layer: String,
    /// A pixel of the photo's 224 px centre crop (not of the photo), as X,Y: the channels
    /// strongest in the cell centred nearest it too.
    #[arg(long, value_parser = parse_pixel)]
    pub at: Option<(u32, u32)>,
    /// How many channels to list.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    pub top: u16,
    /// One JSON line instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub compute: Compute,
}

fn parse_pixel(text: &str) -> Result<(u32, u32), String> {
    let parse = |part: &str| part.trim().parse::<u32>();
    match text.split_once(',') {
        Some((x, y)) => match (parse(x), parse(y)) {
            (Ok(x), Ok(y)) => Ok((x, y)),
            _ => Err(format!("`{text}` is not a pixel X,Y of whole numbers")),
        },
        None => Err(format!("`{text}` is not a pixel X,Y (e.g. 100,80)")),
    }
}

pub fn run(args: Args, data: Option<&Path>) -> Result<()> {
    let dir = DataDir::locate(data)?;
    let network = args.model.network;
    let loaded = Loaded::load(network, &dir.weights(network), args.compute.backend)?;
    let recipe = Recipe {
        layer: args.layer.clone(),
        ..Recipe::for_network(network, loaded.weights.clone())
    };
    let tap = recipe.tap().context("bad --layer")?;
    let crop = crate::photo::centre_crop(&crate::photo::open(&args.photo)?);
    let acts = pollster::block_on(pool::activations(
        &loaded.model,
        &loaded.device,
        &[crop],
        tap,
        |_| {},
    ))?;
    let cell = match args.at {
        Some((x, y)) => match probe::cell_at(x, y, pool::CROP, acts.grid) {
            Some(cell) => Some((x, y, cell)),
            None => bail!(
                "--at {x},{y} is outside the photo's {0} × {0} px centre crop",
                pool::CROP
            ),
        },
        None => None,
    };
    let top = usize::from(args.top);
    let link = |channel: usize| {
        let recipe = Recipe {
            channel: channel as u32,
            ..recipe.clone()
        };
        format!("#{}", Link::fragment(&recipe, &[], false))
    };
    let listed = |responses: Vec<ChannelResponse>, name: &str| -> Vec<Value> {
        responses
            .into_iter()
            .map(|r| json!({ "channel": r.channel, name: r.value, "link": link(r.channel) }))
            .collect()
    };
    let overall = probe::strongest_overall(&acts, top);
    let strongest = overall[0].channel;
    let at = cell.map(|(x, y, (column, row))| {
        json!({
            "x": x,
            "y": y,
            "cell": [column, row],
            "channels": listed(probe::strongest_at(&acts, column, row, top), "value"),
        })
    });
    let out = json!({
        "photo": args.photo.display().to_string(),
        "layer": args.layer,
        "crop": pool::CROP,
        "grid": acts.grid,
        "overall": listed(overall, "mean"),
        "at": at,
        "map": { "channel": strongest, "values": probe::channel_map(&acts, strongest) },
    });
    if args.json {
        println!("{out}");
    } else {
        print_text(&out);
    }
    Ok(())
}

fn print_text(out: &Value) {
    let text = |key: &str| out[key].as_str().unwrap_or_default().to_owned();
    println!(
        "{} at {} ({} × {} positions)",
        text("photo"),
        text("layer"),
        out["grid"],
        out["grid"]
    );
    let rows = |title: String, list: &Value, key: &str| {
        println!("{title}");
        for entry in list.as_array().into_iter().flatten() {
            println!(
                "  channel {:>4}  {:>9.4}  {}",
                entry["channel"].as_u64().unwrap_or_default(),
                entry[key].as_f64().unwrap_or_default(),
                entry["link"].as_str().unwrap_or_default()
            );
        }
    };
    rows(
        "strongest overall (mean over positions):".into(),
        &out["overall"],
        "mean",
    );
    if let Some(at) = out["at"].as_object() {
        rows(
            format!(
                "strongest at pixel {},{} (cell {}):",
                at["x"], at["y"], at["cell"]
            ),
            &at["channels"],
            "value",
        );
    }
}
