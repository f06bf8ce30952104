//! Which engine makes which job of a batch page: jobs wait in the order they are needed, each
//! engine takes the next one when it is free, a job an engine could not finish goes back to the
//! front, and each job's progress adds up to the page's. Plain Rust with native tests, as
//! `engine::runs` is; `ui::batch` owns the workers.

use std::collections::VecDeque;

use crate::protocol::RunId;

#[derive(Debug)]
pub struct JobQueue {
    waiting: VecDeque<usize>,
    /// Per engine (by its slot), the job it works on and the run id it was sent under.
    working: Vec<Option<(usize, RunId)>>,
    /// Per job: steps done, and whether it is finished.
    progress: Vec<(u32, bool)>,
    next_run: RunId,
}

impl Default for JobQueue {
    fn default() -> Self {
        Self {
            waiting: VecDeque::new(),
            working: Vec::new(),
            progress: Vec::new(),
            next_run: 1,
        }
    }
}

impl JobQueue {
    /// `count` new jobs, to be made in order; what the engines were doing is forgotten (their
    /// later events carry old run ids and are dropped).
    pub fn reset(&mut self, count: usize) {
        self.waiting = (0..count).collect();
        self.working.iter_mut().for_each(|w| *w = None);
        self.progress = vec![(0, false); count];
    }

    pub fn has_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// The next waiting job for `engine`, under a new run id; `None` leaves the engine idle.
    pub fn next_for(&mut self, engine: usize) -> Option<(usize, RunId)> {
        let job = self.waiting.pop_front();
        let taken = job.map(|job| {
            let run = self.next_run;
            self.next_run += 1;
            (job, run)
        });
        *self.slot(engine) = taken;
        taken
    }

    /// The job `engine` works on, if `run` is the run it was sent under.
    pub fn job_of(&self, engine: usize, run: RunId) -> Option<usize> {
        self.working
            .get(engine)
            .copied()
            .flatten()
            .and_then(|(job, current)| (current == run).then_some(job))
    }

    pub fn is_idle(&self, engine: usize) -> bool {
        self.working.get(engine).is_none_or(Option::is_none)
    }

    /// `engine` died or restarted: its job goes back to the front, to start again.
    pub fn take_back(&mut self, engine: usize) {
        if let Some((job, _)) = self.slot(engine).take() {
            self.waiting.push_front(job);
        }
    }

    /// `engine`'s job failed for good (the page shows why): it is not made again.
    pub fn give_up(&mut self, engine: usize) {
        *self.slot(engine) = None;
    }

    /// Records a job's progress; returns the steps done over all jobs and whether all are done.
    pub fn record(&mut self, job: usize, step: u32, target: u32) -> (u64, bool) {
        if let Some(p) = self.progress.get_mut(job) {
            *p = (step, step >= target);
        }
        (
            self.progress.iter().map(|p| p.0 as u64).sum(),
            self.progress.iter().all(|p| p.1),
        )
    }

    fn slot(&mut self, engine: usize) -> &mut Option<(usize, RunId)> {
        if self.working.len() <= engine {
            self.working.resize(engine + 1, None);
        }
        &mut self.working[engine]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_take_jobs_in_order_under_fresh_run_ids() {
        let mut queue = JobQueue::default();
        queue.reset(3);
        assert_eq!(queue.next_for(0), Some((0, 1)));
        assert_eq!(queue.next_for(1), Some((1, 2)));
        assert_eq!(queue.job_of(1, 2), Some(1));
        assert_eq!(queue.job_of(1, 1), None, "another engine's run");
        assert_eq!(queue.next_for(0), Some((2, 3)));
        assert_eq!(queue.next_for(0), None);
        assert!(queue.is_idle(0) && !queue.is_idle(1) && queue.is_idle(7));
    }

    #[test]
    fn a_job_an_engine_could_not_finish_goes_first_again() {
        let mut queue = JobQueue::default();
        queue.reset(3);
        queue.next_for(0);
        queue.next_for(1);
        queue.take_back(0);
        assert!(queue.is_idle(0));
        assert_eq!(queue.next_for(1), Some((0, 3)), "job 0 before job 2");
        queue.give_up(1);
        assert_eq!(queue.next_for(0), Some((2, 4)));
        assert_eq!(queue.next_for(0), None, "a job given up is not made again");
    }

    #[test]
    fn progress_adds_up_and_a_reset_forgets_the_old_runs() {
        let mut queue = JobQueue::default();
        queue.reset(2);
        queue.next_for(0);
        assert_eq!(queue.record(0, 4, 8), (4, false));
        assert_eq!(queue.record(1, 8, 8), (12, false));
        assert_eq!(queue.record(0, 8, 8), (16, true));
        queue.reset(1);
        assert_eq!(queue.job_of(0, 1), None);
        assert_eq!(queue.record(0, 0, 8), (0, false));
        assert!(queue.has_waiting());
    }
}
