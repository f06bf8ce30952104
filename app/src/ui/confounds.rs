//! Were the neurons' pictures simply bolder? For each round of "spot the neuron", whether the
//! neuron's picture had the higher RMS contrast, was the more colourful, or had the flatter
//! spectrum (more fine detail) than the other direction's (`basis_featvis::picture_stats`): a
//! student who always picked the bolder picture would have scored that many rounds without
//! telling neurons from other directions.

use basis_featvis::picture_stats::PictureStats;
use basis_recipe::Round;
use leptos::prelude::*;

/// The statistics of a round's two pictures, left then right.
pub type PairStats = [PictureStats; 2];

/// In how many of the measured rounds the neuron's picture was higher on each statistic.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Tallies {
    measured: usize,
    contrast: usize,
    colour: usize,
    flatter: usize,
}

fn tally(rounds: &[Round], stats: &[Option<PairStats>]) -> Tallies {
    let mut tallies = Tallies::default();
    for (round, pair) in rounds.iter().zip(stats) {
        let Some(pair) = pair else { continue };
        let (neuron, foil) = if round.neuron_left {
            (pair[0], pair[1])
        } else {
            (pair[1], pair[0])
        };
        tallies.measured += 1;
        tallies.contrast += usize::from(neuron.rms_contrast > foil.rms_contrast);
        tallies.colour += usize::from(neuron.colourfulness > foil.colourfulness);
        tallies.flatter += usize::from(neuron.spectral_slope > foil.spectral_slope);
    }
    tallies
}

#[component]
pub fn Confounds(rounds: Vec<Round>, stats: Signal<Vec<Option<PairStats>>>) -> impl IntoView {
    let text = move || {
        let t = stats.with(|stats| tally(&rounds, stats));
        if t.measured == 0 {
            return "Measuring the pictures…".to_owned();
        }
        format!(
            "Were the neurons' pictures simply bolder? Of the {} rounds measured, the neuron's picture had the higher contrast (RMS) in {}, was the more colourful in {}, and had the more fine detail (flatter spectrum) in {}. Always picking the more contrasted picture would have scored {} of {}; the more colourful, {} of {}. A score near those may say more about the pictures than about neurons.",
            t.measured,
            t.contrast,
            t.colour,
            t.flatter,
            t.contrast,
            t.measured,
            t.colour,
            t.measured,
        )
    };
    view! {
        <p id="confounds" class="hint">
            {text}
        </p>
    }
}
