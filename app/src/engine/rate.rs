//! Steps per second over the last few steps, from timestamps the caller supplies.

use std::collections::VecDeque;

#[derive(Debug, Default)]
pub struct StepRate {
    times_ms: VecDeque<f64>,
}

impl StepRate {
    const WINDOW: usize = 10;

    /// Records a step finished at `now_ms` and returns the recent rate.
    pub fn tick(&mut self, now_ms: f64) -> f32 {
        self.times_ms.push_back(now_ms);
        if self.times_ms.len() > Self::WINDOW {
            self.times_ms.pop_front();
        }
        match (self.times_ms.front(), self.times_ms.len()) {
            (Some(first), n) if n > 1 && now_ms > *first => {
                ((n - 1) as f64 * 1000.0 / (now_ms - first)) as f32
            }
            _ => 0.0,
        }
    }

    /// A pause or a new run must not count the idle gap as one slow step.
    pub fn reset(&mut self) {
        self.times_ms.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_steps_over_the_window_and_forgets_idle_gaps() {
        let mut rate = StepRate::default();
        assert_eq!(rate.tick(0.0), 0.0, "one step is no rate yet");
        assert_eq!(rate.tick(100.0), 10.0);
        assert_eq!(rate.tick(200.0), 10.0);
        for i in 3..=20 {
            rate.tick(i as f64 * 50.0 + 100.0);
        }
        assert_eq!(
            rate.tick(21.0 * 50.0 + 100.0),
            20.0,
            "only the last 10 steps count"
        );
        rate.reset();
        assert_eq!(rate.tick(1_000_000.0), 0.0);
    }
}
