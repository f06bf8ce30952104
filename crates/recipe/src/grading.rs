//! Grading without a model: a test's link fixes each round's right answer ([`Key`]), so a
//! student's score and a class's tally are recomputed from the link and the result codes alone.

use crate::code::{Answer, CodeError, ResultCode};
use crate::predict::{Arm, Predict};
use crate::quiz::Quiz;

/// A test a class answers round by round and hands in as result codes.
pub trait Graded {
    /// The fingerprint every result code carries.
    fn id(&self) -> String;
    fn layers(&self) -> &[String];
    /// The right side of each round, with what the round is about.
    fn key(&self) -> Vec<Key>;
}

/// What grading a round needs — no model: the link fixes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub layer: String,
    /// Which kind of direction the round is about (predict-the-response only).
    pub arm: Option<Arm>,
    /// The right answer is the left side.
    pub left: bool,
}

impl Graded for Quiz {
    fn id(&self) -> String {
        Quiz::id(self)
    }

    fn layers(&self) -> &[String] {
        &self.layers
    }

    fn key(&self) -> Vec<Key> {
        self.rounds()
            .into_iter()
            .map(|round| Key {
                layer: round.layer,
                arm: None,
                left: round.neuron_left,
            })
            .collect()
    }
}

impl Graded for Predict {
    fn id(&self) -> String {
        Predict::id(self)
    }

    fn layers(&self) -> &[String] {
        &self.layers
    }

    fn key(&self) -> Vec<Key> {
        self.trials()
            .into_iter()
            .map(|trial| Key {
                layer: trial.layer,
                arm: Some(trial.arm),
                left: trial.strong_left,
            })
            .collect()
    }
}

/// Either test, as a tally link names it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassTest {
    Spot(Quiz),
    Predict(Predict),
}

impl ClassTest {
    fn graded(&self) -> &dyn Graded {
        match self {
            ClassTest::Spot(quiz) => quiz,
            ClassTest::Predict(predict) => predict,
        }
    }

    pub fn rounds(&self) -> usize {
        match self {
            ClassTest::Spot(quiz) => quiz.rounds,
            ClassTest::Predict(predict) => predict.rounds,
        }
    }
}

impl Graded for ClassTest {
    fn id(&self) -> String {
        self.graded().id()
    }

    fn layers(&self) -> &[String] {
        self.graded().layers()
    }

    fn key(&self) -> Vec<Key> {
        self.graded().key()
    }
}

/// Correct answers out of answered rounds: overall, per layer (in the test's layer order) and,
/// for predict-the-response, per arm (neurons, then random directions).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    pub correct: u64,
    pub total: u64,
    pub layers: Vec<PartScore>,
    pub arms: Vec<(Arm, PartScore)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartScore {
    pub label: String,
    pub correct: u64,
    pub total: u64,
}

impl PartScore {
    fn new(label: &str) -> Self {
        Self {
            label: label.to_owned(),
            correct: 0,
            total: 0,
        }
    }

    fn count(&mut self, right: bool) {
        self.correct += right as u64;
        self.total += 1;
    }
}

impl Score {
    /// One student's answers to `test`, scored.
    pub fn of(test: &(impl Graded + ?Sized), answers: &[Answer]) -> Self {
        let key = test.key();
        let mut score = Self::empty(test, &key);
        score.add(&key, answers);
        score
    }

    /// Nothing counted yet, with a part per layer and — when the key has arms — per arm.
    fn empty(test: &(impl Graded + ?Sized), key: &[Key]) -> Self {
        let has_arms = key.iter().any(|k| k.arm.is_some());
        Self {
            correct: 0,
            total: 0,
            layers: test.layers().iter().map(|l| PartScore::new(l)).collect(),
            arms: if has_arms {
                Arm::BOTH
                    .iter()
                    .map(|&arm| (arm, PartScore::new(arm.label())))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// Adds one student's answers to the test's key.
    fn add(&mut self, key: &[Key], answers: &[Answer]) {
        for (round, answer) in key.iter().zip(answers) {
            let right = answer.left == round.left;
            self.correct += right as u64;
            self.total += 1;
            if let Some(layer) = self.layers.iter_mut().find(|l| l.label == round.layer) {
                layer.count(right);
            }
            if let Some((_, arm)) = self.arms.iter_mut().find(|(a, _)| Some(*a) == round.arm) {
                arm.count(right);
            }
        }
    }
}

/// A class's codes for one test: each accepted once, each refused with its reason.
#[derive(Debug, Clone)]
pub struct Tally {
    quiz_id: String,
    key: Vec<Key>,
    accepted: Vec<ResultCode>,
    pub score: Score,
}

impl Tally {
    pub fn new(test: &(impl Graded + ?Sized)) -> Self {
        let key = test.key();
        Self {
            quiz_id: test.id(),
            score: Score::empty(test, &key),
            key,
            accepted: Vec::new(),
        }
    }

    pub fn students(&self) -> usize {
        self.accepted.len()
    }

    /// Checks one code and counts it.
    pub fn add(&mut self, text: &str) -> Result<(), CodeError> {
        let code = ResultCode::decode(text)?;
        if code.quiz != self.quiz_id {
            return Err(CodeError::Foreign {
                found: code.quiz,
                expected: self.quiz_id.clone(),
            });
        }
        if code.answers.len() != self.key.len() {
            return Err(CodeError::Rounds {
                found: code.answers.len(),
                expected: self.key.len(),
            });
        }
        if self.accepted.contains(&code) {
            return Err(CodeError::Duplicate);
        }
        self.score.add(&self.key, &code.answers);
        self.accepted.push(code);
        Ok(())
    }
}
