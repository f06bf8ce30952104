//! One student's way through a class test (a quiz or a predict-the-response test): which screen
//! is shown, which rounds are ready to be shown, the confidence picked for the next answer, and
//! the answers so far. Plain Rust that owns its transitions, with native tests, as Leptos's
//! TodoMVC's `Todos` does; `ui::attempt` keeps it in a signal and in the tab's storage.

use basis_recipe::Answer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Intro,
    Round(usize),
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rounds {
    phase: Phase,
    /// Per round, whether its images are there to be shown.
    ready: Vec<bool>,
    confidence: Option<u8>,
    answers: Vec<Answer>,
}

impl Rounds {
    /// `count` rounds, none ready yet, at the intro — or, with answers kept from before (a
    /// reload), at the first round not answered (the end when all are). Answers beyond `count`
    /// are not this test's and are dropped.
    pub fn new(count: usize, mut answers: Vec<Answer>) -> Self {
        answers.truncate(count);
        let phase = match answers.len() {
            0 => Phase::Intro,
            done if done == count => Phase::End,
            done => Phase::Round(done),
        };
        Self {
            phase,
            ready: vec![false; count],
            confidence: None,
            answers,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn count(&self) -> usize {
        self.ready.len()
    }

    pub fn is_ready(&self, round: usize) -> bool {
        self.ready.get(round).copied().unwrap_or(false)
    }

    pub fn ready_count(&self) -> usize {
        self.ready.iter().filter(|&&r| r).count()
    }

    pub fn mark_ready(&mut self, round: usize) {
        if let Some(ready) = self.ready.get_mut(round) {
            *ready = true;
        }
    }

    /// The student may start once the first round is ready.
    pub fn can_start(&self) -> bool {
        self.phase == Phase::Intro && self.is_ready(0)
    }

    pub fn start(&mut self) {
        if self.can_start() {
            self.phase = Phase::Round(0);
        }
    }

    pub fn confidence(&self) -> Option<u8> {
        self.confidence
    }

    /// How sure the student is of the answer they are about to give (1 to 3).
    pub fn pick_confidence(&mut self, level: u8) {
        if (1..=3).contains(&level) {
            self.confidence = Some(level);
        }
    }

    /// A round is answered once it is shown, ready, and a confidence is picked.
    pub fn can_answer(&self) -> bool {
        matches!(self.phase, Phase::Round(round) if self.is_ready(round))
            && self.confidence.is_some()
    }

    /// Records the shown round's answer (the left or the right side) and moves on to the next
    /// round, or the end; the next answer needs its own confidence. `false` when no answer can
    /// be given now.
    pub fn answer(&mut self, left: bool) -> bool {
        let (Phase::Round(round), Some(confidence)) = (self.phase, self.confidence) else {
            return false;
        };
        if !self.can_answer() {
            return false;
        }
        self.answers.push(Answer { left, confidence });
        self.confidence = None;
        self.phase = if round + 1 < self.count() {
            Phase::Round(round + 1)
        } else {
            Phase::End
        };
        true
    }

    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(count: usize, done: usize) -> Vec<Answer> {
        vec![
            Answer {
                left: true,
                confidence: 2
            };
            done
        ]
        .into_iter()
        .take(count + 1)
        .collect()
    }

    #[test]
    fn a_student_starts_once_the_first_round_is_ready() {
        let mut rounds = Rounds::new(3, Vec::new());
        rounds.mark_ready(1);
        rounds.start();
        assert_eq!(rounds.phase(), Phase::Intro);
        rounds.mark_ready(0);
        assert!(rounds.can_start());
        rounds.start();
        assert_eq!(rounds.phase(), Phase::Round(0));
        assert!(!rounds.can_start());
    }

    #[test]
    fn an_answer_needs_a_confidence_and_a_ready_round() {
        let mut rounds = Rounds::new(2, Vec::new());
        rounds.mark_ready(0);
        rounds.start();
        assert!(!rounds.answer(true), "no confidence picked");
        rounds.pick_confidence(4);
        assert!(!rounds.answer(true), "4 is not a confidence level");
        rounds.pick_confidence(3);
        assert!(rounds.answer(false));
        assert_eq!(
            rounds.answers(),
            [Answer {
                left: false,
                confidence: 3
            }]
        );
        assert_eq!(rounds.phase(), Phase::Round(1));
        assert_eq!(rounds.confidence(), None, "each answer picks its own");
        rounds.pick_confidence(1);
        assert!(!rounds.can_answer(), "round 2 is still being prepared");
        assert!(!rounds.answer(true));
        rounds.mark_ready(1);
        assert!(rounds.answer(true));
        assert_eq!(rounds.phase(), Phase::End);
        assert_eq!(rounds.answers().len(), 2);
        rounds.pick_confidence(2);
        assert!(!rounds.answer(true), "nothing to answer at the end");
        assert_eq!(rounds.answers().len(), 2);
    }

    #[test]
    fn kept_answers_resume_at_the_first_round_not_answered() {
        assert_eq!(Rounds::new(4, answered(4, 0)).phase(), Phase::Intro);
        assert_eq!(Rounds::new(4, answered(4, 1)).phase(), Phase::Round(1));
        assert_eq!(Rounds::new(4, answered(4, 4)).phase(), Phase::End);
        let too_many = Rounds::new(4, answered(4, 5));
        assert_eq!(too_many.phase(), Phase::End);
        assert_eq!(too_many.answers().len(), 4);
    }

    #[test]
    fn readiness_counts_each_round_once_and_ignores_rounds_that_do_not_exist() {
        let mut rounds = Rounds::new(3, Vec::new());
        rounds.mark_ready(2);
        rounds.mark_ready(2);
        rounds.mark_ready(7);
        assert_eq!(rounds.ready_count(), 1);
        assert!(!rounds.is_ready(7));
    }
}
