//! Dataset examples (Szegedy et al. 2013; Olah et al. 2017): the crops of the photo pool that a
//! direction responds to most and least. Each crop's strongest (weakest) position is found, and the
//! crops are ranked by it; a crop is shown as the window of the photo that position sees.

use basis_models::TapId;

use crate::pool::{Activations, CROP};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Example {
    /// Index into the pool's crops.
    pub crop: usize,
    /// The position in the crop's activation grid.
    pub row: usize,
    pub column: usize,
    /// ⟨a, d⟩ there.
    pub value: f32,
}

/// What a direction's examples show: the strongest and the weakest crops, and how many crops it
/// is silent on.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub top: Vec<Example>,
    pub bottom: Vec<Example>,
    /// Crops where the direction's projection is exactly 0 at every position (a ReLU6 neuron that
    /// never fires there): they tie, so they are counted instead of ranked by their order.
    pub silent: usize,
    pub crops: usize,
}

/// The `k` crops with the highest best projection on `direction`, and the `k` with the lowest
/// weakest projection (ties broken by the lower best projection: among crops that a ReLU6 neuron
/// leaves at 0 somewhere, the ones it barely responds to); silent crops are in neither.
pub fn top_and_bottom(acts: &Activations, direction: &[f32], k: usize) -> Ranking {
    let c = acts.channels;
    let per_crop = acts.grid * acts.grid;
    let projections: Vec<f32> = acts
        .values
        .chunks_exact(c)
        .map(|a| a.iter().zip(direction).map(|(x, d)| x * d).sum())
        .collect();
    // Each crop's strongest and weakest positions; the first one wins a tie within a crop.
    let extremes: Vec<(Example, Example)> = projections
        .chunks_exact(per_crop)
        .enumerate()
        .map(|(crop, values)| {
            let pick = |highest: bool| {
                let (at, value) = values
                    .iter()
                    .enumerate()
                    .reduce(|a, b| {
                        if (b.1 > a.1) == highest && b.1 != a.1 {
                            b
                        } else {
                            a
                        }
                    })
                    .expect("a crop has positions");
                Example {
                    crop,
                    row: at / acts.grid,
                    column: at % acts.grid,
                    value: *value,
                }
            };
            (pick(true), pick(false))
        })
        .collect();
    let silent = |(high, low): &&(Example, Example)| high.value == 0.0 && low.value == 0.0;
    let mut top: Vec<Example> = extremes
        .iter()
        .filter(|e| !silent(e))
        .map(|(high, _)| *high)
        .collect();
    top.sort_by(|a, b| b.value.total_cmp(&a.value));
    top.truncate(k);
    let mut bottom: Vec<(Example, f32)> = extremes
        .iter()
        .filter(|e| !silent(e))
        .map(|(high, low)| (*low, high.value))
        .collect();
    bottom.sort_by(|a, b| a.0.value.total_cmp(&b.0.value).then(a.1.total_cmp(&b.1)));
    bottom.truncate(k);
    Ranking {
        top,
        bottom: bottom.into_iter().map(|(low, _)| low).collect(),
        silent: extremes.iter().filter(silent).count(),
        crops: extremes.len(),
    }
}

/// The square of the crop (x, y, side, in crop pixels) that a position of `tap` sees: its
/// receptive field, clipped to the crop. With TensorFlow's SAME padding (the odd padding pixel
/// after) a stride-S position i is centred on pixel S·i + S − 1 (`probe::cell_at`).
pub fn window(tap: TapId, grid: usize, row: usize, column: usize) -> (u32, u32, u32) {
    let crop = CROP as usize;
    let side = tap.receptive_field().min(crop);
    let stride = (crop / grid.max(1)).max(1);
    let centre = |i: usize| (stride * i + stride - 1) as isize;
    let start = |i: usize| (centre(i) - side as isize / 2).clamp(0, (crop - side) as isize) as u32;
    (start(column), start(row), side as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use basis_models::Network;

    fn acts(values: Vec<f32>, channels: usize, grid: usize) -> Activations {
        let crops = values.len() / channels / grid / grid;
        Activations {
            channels,
            grid,
            crops,
            values,
        }
    }

    /// The answer by the slowest possible route: every position of every crop.
    fn brute_force(a: &Activations, d: &[f32], k: usize, highest: bool) -> Vec<(usize, f32)> {
        let per_crop = a.grid * a.grid;
        let mut best: Vec<(usize, f32)> = (0..a.crops)
            .map(|crop| {
                let mut pick = if highest {
                    f32::NEG_INFINITY
                } else {
                    f32::INFINITY
                };
                for p in 0..per_crop {
                    let row = &a.values[(crop * per_crop + p) * a.channels..][..a.channels];
                    let v: f32 = row.iter().zip(d).map(|(x, y)| x * y).sum();
                    if (highest && v > pick) || (!highest && v < pick) {
                        pick = v;
                    }
                }
                (crop, pick)
            })
            .collect();
        best.sort_by(|x, y| {
            if highest {
                y.1.total_cmp(&x.1)
            } else {
                x.1.total_cmp(&y.1)
            }
        });
        best.truncate(k);
        best
    }

    #[test]
    fn top_and_bottom_crops_equal_a_brute_force_scan() {
        let mut rng = crate::rng::SeededRng::new(3, 0);
        let (channels, grid, crops) = (5, 4, 30);
        let values: Vec<f32> = (0..crops * grid * grid * channels)
            .map(|_| rng.normal() as f32)
            .collect();
        let a = acts(values, channels, grid);
        let d: Vec<f32> = (0..channels).map(|_| rng.normal() as f32).collect();
        let Ranking {
            top,
            bottom,
            silent,
            crops: counted,
        } = top_and_bottom(&a, &d, 8);
        assert_eq!((silent, counted), (0, crops));
        let as_pairs = |e: &[Example]| e.iter().map(|e| (e.crop, e.value)).collect::<Vec<_>>();
        assert_eq!(as_pairs(&top), brute_force(&a, &d, 8, true));
        assert_eq!(as_pairs(&bottom), brute_force(&a, &d, 8, false));
        // The position is where the value is.
        let e = top[0];
        let row = &a.values[((e.crop * grid + e.row) * grid + e.column) * channels..][..channels];
        assert_eq!(row.iter().zip(&d).map(|(x, y)| x * y).sum::<f32>(), e.value);
    }

    #[test]
    fn silent_crops_are_counted_not_ranked_and_ties_at_zero_go_by_the_strongest_response() {
        // One channel, a 2 × 2 grid, 5 crops: 0 and 3 silent; 1, 2 and 4 touch 0 somewhere.
        let values = vec![
            0.0, 0.0, 0.0, 0.0, // crop 0: silent
            0.0, 3.0, 0.0, 0.0, // crop 1: best 3
            0.0, 0.5, 0.0, 0.0, // crop 2: best 0.5
            0.0, 0.0, 0.0, 0.0, // crop 3: silent
            2.0, 0.0, 1.0, 0.0, // crop 4: best 2
        ];
        let ranking = top_and_bottom(&acts(values, 1, 2), &[1.0], 2);
        assert_eq!((ranking.silent, ranking.crops), (2, 5));
        let crops = |e: &[Example]| e.iter().map(|e| e.crop).collect::<Vec<_>>();
        assert_eq!(crops(&ranking.top), [1, 4]);
        // All three weakest responses are 0: the crop with the weakest best response comes first.
        assert_eq!(crops(&ranking.bottom), [2, 4]);
        assert!(ranking.bottom.iter().all(|e| e.value == 0.0));
    }

    #[test]
    fn windows_are_receptive_fields_centred_on_their_position_and_clipped_to_the_crop() {
        let block3 = Network::Lite0.tap("block3").unwrap();
        // 224 px at stride 8: a 28 × 28 grid; position (14, 3) is centred on pixel
        // (8·3 + 7, 8·14 + 7) = (31, 119), its 35 px field 17 px either side.
        assert_eq!(window(block3, 28, 14, 3), (31 - 17, 119 - 17, 35));
        assert_eq!(
            window(block3, 28, 0, 0),
            (0, 0, 35),
            "clipped at the top-left corner"
        );
        assert_eq!(window(block3, 28, 27, 27), (224 - 35, 224 - 35, 35));
        let head = Network::Lite0.tap("head").unwrap();
        assert_eq!(
            window(head, 7, 3, 3),
            (0, 0, 224),
            "deep fields cover the whole crop"
        );
    }
}
