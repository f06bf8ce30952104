//! From a photo to its neurons: one crop's activations at a layer read the other way round from
//! dataset examples — which channels respond most at a position of the photo, and overall (the
//! spatial mean, what a channel objective and predict's queries measure), and one channel's map
//! over the positions.

use crate::pool::Activations;

/// A channel and its response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelResponse {
    pub channel: usize,
    pub value: f32,
}

/// The activation map's cell whose receptive field is centred nearest pixel (`x`, `y`) of a
/// `size`-pixel crop whose map is `grid × grid`, as (column, row); `None` outside the crop. With
/// TensorFlow's SAME padding (the odd padding pixel after) every stride-2 layer centres output j
/// on input 2j + 1, so at stride S cell j is centred on pixel S·j + S − 1, not S·j + S/2.
pub fn cell_at(x: u32, y: u32, size: u32, grid: usize) -> Option<(usize, usize)> {
    let stride = (size as usize / grid.max(1)).max(1);
    (x < size && y < size).then(|| {
        let cell = |p: u32| ((p as usize + 1).saturating_sub(stride / 2) / stride).min(grid - 1);
        (cell(x), cell(y))
    })
}

/// The pixels of a `size`-pixel crop that [`cell_at`] puts in cell `j` of a `grid`-cell row (or
/// column), as `start..end`: where a page marks a cell.
pub fn cell_span(j: usize, size: u32, grid: usize) -> std::ops::Range<u32> {
    let stride = (size as usize / grid.max(1)).max(1);
    let start = |j: usize| match j {
        0 => 0,
        j => ((stride * j + stride / 2).saturating_sub(1) as u32).min(size),
    };
    let end = if j + 1 >= grid { size } else { start(j + 1) };
    start(j)..end
}

/// The `top` channels with the strongest response at cell (`column`, `row`) of the first crop,
/// strongest first (ties to the lower channel).
pub fn strongest_at(
    acts: &Activations,
    column: usize,
    row: usize,
    top: usize,
) -> Vec<ChannelResponse> {
    let position = row * acts.grid + column;
    let start = position * acts.channels;
    ranked(&acts.values[start..start + acts.channels], top)
}

/// The `top` channels with the strongest spatial-mean response over the first crop.
pub fn strongest_overall(acts: &Activations, top: usize) -> Vec<ChannelResponse> {
    let positions = acts.grid * acts.grid;
    let mut means = vec![0.0f32; acts.channels];
    for row in acts.values[..positions * acts.channels].chunks_exact(acts.channels) {
        for (mean, value) in means.iter_mut().zip(row) {
            *mean += value;
        }
    }
    for mean in &mut means {
        *mean /= positions as f32;
    }
    ranked(&means, top)
}

/// `channel`'s response at every cell of the first crop, row by row.
pub fn channel_map(acts: &Activations, channel: usize) -> Vec<f32> {
    let positions = acts.grid * acts.grid;
    acts.values[..positions * acts.channels]
        .chunks_exact(acts.channels)
        .map(|row| row[channel])
        .collect()
}

fn ranked(values: &[f32], top: usize) -> Vec<ChannelResponse> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order
        .into_iter()
        .take(top)
        .map(|channel| ChannelResponse {
            channel,
            value: values[channel],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One crop, a 2 × 2 map of 3 channels: position p (row-major) holds channel c = 10p + c.
    fn acts() -> Activations {
        Activations {
            channels: 3,
            grid: 2,
            crops: 1,
            values: vec![
                0.0, 1.0, 2.0, 12.0, 11.0, 10.0, 20.0, 21.0, 20.5, 30.0, 32.0, 31.0,
            ],
        }
    }

    #[test]
    fn pixels_fall_in_the_cell_under_them() {
        // Stride 16: cell j is centred on pixel 16j + 15; the boundaries fall half-way between.
        assert_eq!(cell_at(0, 0, 224, 14), Some((0, 0)));
        assert_eq!(cell_at(22, 23, 224, 14), Some((0, 1)));
        assert_eq!(cell_at(15, 31, 224, 14), Some((0, 1)));
        assert_eq!(cell_at(223, 100, 224, 14), Some((13, 5)));
        // Stride 8 (block3): (100, 80) is nearest the centres 8·12 + 7 = 103 and 8·9 + 7 = 79.
        assert_eq!(cell_at(100, 80, 224, 28), Some((12, 9)));
        assert_eq!(cell_at(224, 0, 224, 14), None);
    }

    #[test]
    fn a_cells_span_holds_exactly_the_pixels_in_it() {
        assert_eq!(cell_span(0, 224, 14), 0..23);
        assert_eq!(cell_span(1, 224, 14), 23..39);
        assert_eq!(cell_span(13, 224, 14), 215..224);
        for (size, grid) in [(224, 14), (224, 28), (224, 7), (224, 112), (224, 1)] {
            for j in 0..grid {
                for p in 0..size {
                    let inside = cell_span(j, size, grid).contains(&p);
                    assert_eq!(
                        cell_at(p, 0, size, grid).unwrap().0 == j,
                        inside,
                        "{size} {grid} {j} {p}"
                    );
                }
            }
        }
    }

    #[test]
    fn strongest_channels_at_a_cell_and_overall() {
        let at = |c, r| -> Vec<usize> {
            strongest_at(&acts(), c, r, 3)
                .iter()
                .map(|x| x.channel)
                .collect()
        };
        assert_eq!(at(0, 0), [2, 1, 0]);
        assert_eq!(at(1, 0), [0, 1, 2]);
        assert_eq!(at(1, 1), [1, 2, 0]);
        let overall = strongest_overall(&acts(), 2);
        // Means: channel 0 (0+12+20+30)/4 = 15.5, 1: 16.25, 2: 15.875.
        assert_eq!(
            overall,
            [
                ChannelResponse {
                    channel: 1,
                    value: 16.25
                },
                ChannelResponse {
                    channel: 2,
                    value: 15.875
                }
            ]
        );
        assert_eq!(channel_map(&acts(), 1), [1.0, 11.0, 21.0, 32.0]);
    }
}
