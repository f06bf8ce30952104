//! `prefers-reduced-motion`: the live view then paints a frame every few seconds instead of every
//! step (WCAG 2.3.3), and always a run's first and last frame and the frame it pauses at.

use std::cell::Cell;

use leptos::prelude::*;

use crate::protocol::RunId;

/// How often the live view paints under reduced motion.
pub const CALM_FRAME_MS: f64 = 3000.0;

/// Whether the reader asked their system for less motion (read at each frame: it can change).
pub fn reduced() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

/// When the canvas was last painted, and for which run.
#[derive(Default)]
pub struct Pacer {
    last: Cell<Option<(RunId, f64)>>,
}

impl Pacer {
    /// Whether a frame of `run` at `step` of `target`, arriving at `now_ms`, is painted; a painted
    /// frame is remembered.
    pub fn paint(&self, reduced: bool, run: RunId, step: u32, target: u32, now_ms: f64) -> bool {
        let calm_enough = match self.last.get() {
            Some((last_run, at)) if last_run == run => now_ms - at >= CALM_FRAME_MS,
            _ => true,
        };
        let paint = !reduced || calm_enough || step >= target;
        if paint {
            self.last.set(Some((run, now_ms)));
        }
        paint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduced_motion_paints_the_first_every_few_seconds_and_the_last() {
        let pacer = Pacer::default();
        let painted: Vec<bool> = [(1, 0.0), (2, 100.0), (3, 2999.0), (4, 3000.0), (5, 3100.0)]
            .into_iter()
            .map(|(step, at)| pacer.paint(true, 7, step, 10, at))
            .collect();
        assert_eq!(painted, [true, false, false, true, false]);
        assert!(pacer.paint(true, 7, 10, 10, 3200.0), "the last frame");
        assert!(
            pacer.paint(true, 8, 1, 10, 3300.0),
            "a new run's first frame"
        );
    }

    #[test]
    fn without_reduced_motion_every_frame_is_painted() {
        let pacer = Pacer::default();
        assert!((1..5).all(|step| pacer.paint(false, 1, step, 10, step as f64)));
    }
}
