//! The run state machine, in plain Rust: which run is current, how a new request starts (warm,
//! cold or resumed), how many steps it is due, and how a burst of queued commands collapses into
//! the one that matters. The worker executes its decisions; nothing here touches the browser.

use basis_recipe::Recipe;

use crate::protocol::{Fault, ResumeAt, RunId};

/// A render request, its recipe already decoded and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub run: RunId,
    pub recipe: Recipe,
    pub warm: bool,
    pub resume: Option<(ResumeAt, Vec<f32>)>,
}

/// A batch job to start: a sheet's images, or a predict round's references (link codes, decoded
/// when the job starts).
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Batch {
        run: RunId,
        recipes: Vec<String>,
        transform_seed: u64,
        measure: bool,
    },
    References {
        run: RunId,
        recipe: String,
        measure: bool,
    },
}

impl Job {
    pub fn run(&self) -> RunId {
        match self {
            Job::Batch { run, .. } | Job::References { run, .. } => *run,
        }
    }
}

/// Everything the queue held between two steps, reduced to what must still happen.
#[derive(Debug, Default, PartialEq)]
pub struct Burst {
    /// Only the newest request is worth starting: each one replaces the image's target anyway.
    pub request: Option<Request>,
    /// A job replaces a request before it, and a request a job before it: the last one asked
    /// for is what the page shows.
    pub job: Option<Job>,
    pub paused: Option<bool>,
    pub faults: Vec<Fault>,
}

impl Burst {
    pub fn is_empty(&self) -> bool {
        self.request.is_none()
            && self.job.is_none()
            && self.paused.is_none()
            && self.faults.is_empty()
    }

    pub fn job(&mut self, job: Job) {
        self.request = None;
        self.job = Some(job);
    }

    pub fn request(&mut self, mut request: Request) {
        self.job = None;
        if let Some(replaced) = self.request.take() {
            // A cold start anywhere in the burst (Restart, a new size) must not be lost to a
            // later slider move: the image it asked to throw away has not been thrown away yet.
            request.warm &= replaced.warm;
            if request.resume.is_none() {
                request.resume = replaced.resume;
            }
        }
        self.request = Some(request);
    }

    pub fn pause(&mut self, paused: bool) {
        self.paused = Some(paused);
    }

    pub fn fault(&mut self, fault: Fault) {
        self.faults.push(fault);
    }
}

/// How the session for a request begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Keep the image, change the objective; `steps` more steps from where it stands.
    Warm,
    /// A new session from the recipe's noise.
    Cold,
    /// A new session from checkpointed parameters, at the checkpoint's step.
    Resumed,
}

/// The run being optimized.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub run: RunId,
    pub recipe: Recipe,
    /// The session's step count at which the run is done.
    pub target: u32,
}

#[derive(Debug, Default)]
pub struct Runs {
    current: Option<Current>,
    paused: bool,
}

impl Runs {
    pub fn current(&self) -> Option<&Current> {
        self.current.as_ref()
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Makes `request` the current run and says how its session starts; `steps_done` is the
    /// current session's step count.
    pub fn begin(&mut self, request: &Request, steps_done: u32) -> Start {
        let recipe = &request.recipe;
        let (start, target) = match (&request.resume, &self.current) {
            (Some((resume, _)), _) => (Start::Resumed, resume.target),
            (None, Some(current))
                if request.warm
                    && current.recipe.image == recipe.image
                    && current.recipe.transforms == recipe.transforms
                    && current.recipe.start == recipe.start =>
            {
                (Start::Warm, steps_done + recipe.steps)
            }
            _ => (Start::Cold, recipe.steps),
        };
        self.current = Some(Current {
            run: request.run,
            recipe: recipe.clone(),
            target,
        });
        start
    }

    /// The run that should take a step now, if any.
    pub fn due(&self, steps_done: u32) -> Option<&Current> {
        self.current
            .as_ref()
            .filter(|current| !self.paused && steps_done < current.target)
    }

    /// Forgets the current run (it failed); the next request starts cold.
    pub fn abandon(&mut self) {
        self.current = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(run: RunId, warm: bool, edit: impl FnOnce(&mut Recipe)) -> Request {
        let mut recipe = Recipe::new("0123456789abcdef");
        recipe.steps = 10;
        edit(&mut recipe);
        Request {
            run,
            recipe,
            warm,
            resume: None,
        }
    }

    #[test]
    fn the_first_request_starts_cold_and_runs_its_steps() {
        let mut runs = Runs::default();
        assert_eq!(runs.due(0), None);
        assert_eq!(runs.begin(&request(1, true, |_| {}), 0), Start::Cold);
        assert_eq!(runs.due(0).map(|c| (c.run, c.target)), Some((1, 10)));
        assert_eq!(runs.due(9).map(|c| c.run), Some(1));
        assert_eq!(runs.due(10), None, "done at its target");
    }

    #[test]
    fn a_new_objective_on_the_same_canvas_starts_warm_from_where_the_image_is() {
        let mut runs = Runs::default();
        runs.begin(&request(1, false, |_| {}), 0);
        let start = runs.begin(&request(2, true, |r| r.mix = 0.5), 7);
        assert_eq!(start, Start::Warm);
        assert_eq!(runs.current().unwrap().target, 17);
    }

    #[test]
    fn a_new_canvas_or_a_cold_request_starts_from_noise() {
        let mut runs = Runs::default();
        runs.begin(&request(1, false, |_| {}), 0);
        assert_eq!(
            runs.begin(&request(2, true, |r| r.image.size = 64), 5),
            Start::Cold
        );
        assert_eq!(
            runs.begin(
                &request(3, true, |r| {
                    r.image.size = 64;
                    r.transforms.jitter = 4
                }),
                5
            ),
            Start::Cold
        );
        assert_eq!(
            runs.begin(
                &request(4, false, |r| {
                    r.image.size = 64;
                    r.transforms.jitter = 4
                }),
                5
            ),
            Start::Cold
        );
        assert_eq!(runs.current().unwrap().target, 10);
        // Another start (a photo instead of noise, or another photo) is a new picture.
        let photo = |r: &mut Recipe| {
            r.image.size = 64;
            r.transforms.jitter = 4;
            r.start = basis_recipe::Start::pool("chelsea.png");
        };
        assert_eq!(runs.begin(&request(5, true, photo), 5), Start::Cold);
        assert_eq!(runs.begin(&request(6, true, photo), 5), Start::Warm);
    }

    #[test]
    fn a_resumed_request_keeps_its_checkpoint_target() {
        let mut runs = Runs::default();
        let mut resumed = request(4, false, |_| {});
        resumed.resume = Some((
            ResumeAt {
                step: 6,
                target: 10,
            },
            vec![0.0; 3],
        ));
        assert_eq!(runs.begin(&resumed, 0), Start::Resumed);
        assert_eq!(runs.due(6).map(|c| c.target), Some(10));
    }

    #[test]
    fn pausing_stops_steps_and_abandoning_forgets_the_run() {
        let mut runs = Runs::default();
        runs.begin(&request(1, false, |_| {}), 0);
        runs.set_paused(true);
        assert_eq!(runs.due(3), None);
        runs.set_paused(false);
        assert!(runs.due(3).is_some());
        runs.abandon();
        assert_eq!(runs.due(3), None);
        assert_eq!(runs.begin(&request(2, true, |_| {}), 3), Start::Cold);
    }

    #[test]
    fn a_burst_of_requests_collapses_to_the_newest() {
        let mut burst = Burst::default();
        assert!(burst.is_empty());
        for (run, mix) in [(1, 0.1), (2, 0.2), (3, 0.3)] {
            burst.request(request(run, true, |r| r.mix = mix));
        }
        let newest = burst.request.as_ref().unwrap();
        assert_eq!((newest.run, newest.recipe.mix, newest.warm), (3, 0.3, true));
    }

    #[test]
    fn a_cold_request_inside_a_burst_keeps_the_burst_cold() {
        let mut burst = Burst::default();
        burst.request(request(1, true, |_| {}));
        burst.request(request(2, false, |_| {}));
        burst.request(request(3, true, |r| r.mix = 1.0));
        let newest = burst.request.unwrap();
        assert_eq!((newest.run, newest.warm), (3, false));
    }

    #[test]
    fn pause_and_resume_in_one_burst_end_as_the_last_one_said() {
        let mut burst = Burst::default();
        burst.pause(true);
        burst.pause(false);
        assert_eq!(burst.paused, Some(false));
        burst.fault(Fault::LoseDevice);
        assert_eq!(burst.faults, vec![Fault::LoseDevice]);
    }
}
