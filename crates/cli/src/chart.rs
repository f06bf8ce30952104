//! The privileged-basis profile as an SVG chart (plotters' SVG backend: text stays text, so no
//! font files are needed): the kurtosis AUC of every layer with its bootstrap interval, and the
//! AUC along the slider from neuron to random direction.

use std::path::Path;

use anyhow::{Result, anyhow};
use basis_featvis::privileged::Profile;
use basis_models::{Point, Site, TapId};
use plotters::prelude::*;

const RELU6: RGBColor = RGBColor(176, 0, 32);
const LINEAR: RGBColor = RGBColor(52, 87, 213);

/// A tap's short label on the x axis: "8e", "8d" and "8" for block 8's expansion, depthwise and
/// output, "stem" and "head".
fn short(tap: TapId) -> String {
    match tap.site() {
        Site::Block { index, point } => match point {
            Point::Expand => format!("{index}e"),
            Point::Depthwise => format!("{index}d"),
            Point::Output => index.to_string(),
        },
        _ => tap.name().to_owned(),
    }
}

pub fn draw(path: &Path, profiles: &[(TapId, Profile)]) -> Result<()> {
    let width = 560u32.max(24 * profiles.len() as u32 + 80);
    let root = SVGBackend::new(path, (width + 400, 420)).into_drawing_area();
    let error =
        |e: DrawingAreaErrorKind<std::io::Error>| anyhow!("drawing {}: {e}", path.display());
    root.fill(&WHITE).map_err(error)?;
    let (left, right) = root.split_horizontally(width);

    let n = profiles.len();
    let mut chart = ChartBuilder::on(&left)
        .caption(
            "Kurtosis AUC per layer: neurons vs random directions",
            ("sans-serif", 16),
        )
        .margin(10)
        .x_label_area_size(50)
        .y_label_area_size(45)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0.0f64..1.0)
        .map_err(error)?;
    chart
        .configure_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round() as usize;
            profiles
                .get(i)
                .map_or_else(String::new, |(tap, _)| short(*tap))
        })
        .x_desc("tap (block number; e: after the expansion, d: after the depthwise convolution)")
        .y_desc("P(kurtosis(neuron) > kurtosis(random))")
        .disable_x_mesh()
        .draw()
        .map_err(error)?;
    chart
        .draw_series(DashedLineSeries::new(
            [(-0.5, 0.5), (n as f64 - 0.5, 0.5)],
            5,
            4,
            BLACK.stroke_width(1),
        ))
        .map_err(error)?;
    for (i, (tap, profile)) in profiles.iter().enumerate() {
        let colour = if tap.layer().activation() == "ReLU6" {
            RELU6
        } else {
            LINEAR
        };
        let x = i as f64;
        let auc = profile.kurtosis_auc;
        chart
            .draw_series([
                PathElement::new(vec![(x, auc.low), (x, auc.high)], colour.stroke_width(2)),
                PathElement::new(
                    vec![(x - 0.2, auc.low), (x + 0.2, auc.low)],
                    colour.stroke_width(2),
                ),
                PathElement::new(
                    vec![(x - 0.2, auc.high), (x + 0.2, auc.high)],
                    colour.stroke_width(2),
                ),
            ])
            .map_err(error)?;
        chart
            .draw_series([Circle::new((x, auc.value), 4, colour.filled())])
            .map_err(error)?;
    }

    let mut slider = ChartBuilder::on(&right)
        .caption(
            "Along the slider (t = 0 neuron, 1 random)",
            ("sans-serif", 16),
        )
        .margin(10)
        .x_label_area_size(50)
        .y_label_area_size(45)
        .build_cartesian_2d(0.0f64..1.0, 0.0f64..1.0)
        .map_err(error)?;
    slider
        .configure_mesh()
        .x_desc("t")
        .y_desc("kurtosis AUC")
        .draw()
        .map_err(error)?;
    for (tap, profile) in profiles {
        let colour = if tap.layer().activation() == "ReLU6" {
            RELU6.mix(1.0)
        } else {
            LINEAR.mix(0.35)
        };
        let stops = profile.slider.len() - 1;
        let points = profile
            .slider
            .iter()
            .enumerate()
            .map(|(k, &auc)| (k as f64 / stops as f64, auc));
        slider
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(error)?
            .label(tap.name());
    }
    slider
        .draw_series([Text::new(
            "red: after a ReLU6 (stem, expansions, depthwise, head)",
            (0.03, 0.12),
            ("sans-serif", 13).into_font().color(&RELU6),
        )])
        .map_err(error)?;
    slider
        .draw_series([Text::new(
            "blue: linear block outputs",
            (0.03, 0.05),
            ("sans-serif", 13).into_font().color(&LINEAR),
        )])
        .map_err(error)?;
    root.present().map_err(error)?;
    Ok(())
}
