//! Which engine job makes which images of a "spot the neuron" quiz, in the order the student
//! needs them. Round 1's two images are a job each, so the engines make them side by side and
//! the student starts as soon as they are done; the next jobs grow (1, 1, 2, 2, 4 … rounds), so
//! the queue keeps ahead of the student while later batches use the engine well. A job holds
//! rounds of one layer (a batch runs one layer), both images of each of its rounds but the
//! first. Every job of a quiz draws its transforms from the quiz's seed, one draw per step for
//! the whole batch, so a round's two images see the same transforms whichever jobs make them.

use basis_recipe::{Recipe, Round};

use super::batch::Job;

/// One image of a quiz: its round, and its side (0 left, 1 right).
pub type Slot = (usize, usize);

/// Rounds per job at most (fewer where a batch holds fewer images).
const ROUNDS_PER_JOB: usize = 4;

/// The jobs, in order, each with the images it makes.
pub fn plan(rounds: &[Round], transform_seed: u64) -> Vec<(Job, Vec<Slot>)> {
    let job = |slots: Vec<Slot>| {
        let recipes = slots
            .iter()
            .map(|&(round, side)| Recipe::clone(rounds[round].shown()[side]))
            .collect();
        let job = Job::Batch {
            recipes,
            transform_seed,
        };
        (job, slots)
    };
    let Some(first) = rounds.first() else {
        return Vec::new();
    };
    let most = (first.neuron.batch_capacity() / 2).clamp(1, ROUNDS_PER_JOB);
    let mut jobs = vec![job(vec![(0, 0)]), job(vec![(0, 1)])];
    let mut waiting: Vec<usize> = (1..rounds.len()).collect();
    let mut size_step = 0;
    while let Some(&next) = waiting.first() {
        let size = (1 << (size_step / 2)).min(most);
        size_step += 1;
        let group: Vec<usize> = waiting
            .iter()
            .copied()
            .filter(|&r| rounds[r].layer == rounds[next].layer)
            .take(size)
            .collect();
        waiting.retain(|r| !group.contains(r));
        jobs.push(job(group.iter().flat_map(|&r| [(r, 0), (r, 1)]).collect()));
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;
    use basis_recipe::Quiz;

    fn rounds(count: usize) -> Vec<Round> {
        let layers = vec!["block3".into(), "block8".into(), "block14".into()];
        Quiz::new(Recipe::new("0123456789abcdef"), layers, count).rounds("AB12")
    }

    #[test]
    fn round_one_comes_first_one_image_per_job() {
        let rounds = rounds(10);
        let jobs = plan(&rounds, 7);
        assert_eq!(jobs[0].1, [(0, 0)]);
        assert_eq!(jobs[1].1, [(0, 1)]);
        let Job::Batch {
            recipes,
            transform_seed,
        } = &jobs[1].0
        else {
            panic!("a quiz's jobs are batches");
        };
        assert_eq!(recipes, &[rounds[0].shown()[1].clone()]);
        assert_eq!(*transform_seed, 7);
    }

    #[test]
    fn every_image_once_jobs_of_one_layer_in_the_order_rounds_are_needed() {
        for count in [2, 10, 40] {
            let rounds = rounds(count);
            let jobs = plan(&rounds, 0);
            let mut slots: Vec<Slot> = jobs.iter().flat_map(|(_, s)| s.clone()).collect();
            slots.sort();
            let all: Vec<Slot> = (0..count).flat_map(|r| [(r, 0), (r, 1)]).collect();
            assert_eq!(slots, all);
            let firsts: Vec<usize> = jobs.iter().map(|(_, s)| s[0].0).collect();
            assert!(firsts.is_sorted(), "{firsts:?}");
            for (job, slots) in &jobs {
                assert_eq!(job.images(), slots.len());
                let layer = &rounds[slots[0].0].layer;
                assert!(slots.iter().all(|&(r, _)| rounds[r].layer == *layer));
                assert!(slots.len() <= 2 * ROUNDS_PER_JOB);
            }
        }
        // Rounds 2 and 3 are jobs of one round each: ready soon after round 1.
        let jobs = plan(&rounds(10), 0);
        assert_eq!(jobs[2].1, [(1, 0), (1, 1)]);
        assert_eq!(jobs[3].1, [(2, 0), (2, 1)]);
    }
}
