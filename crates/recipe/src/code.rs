//! Result codes: what a student hands in after a quiz, short enough to read aloud or type —
//! `QUIZID-ANSWERS-NONCECHECK`, e.g. `7MZK2Q-1452631264-9TQ4XM`. The quiz id names the quiz, one
//! digit per round holds the side picked and the confidence, a random nonce tells two students
//! with the same answers apart, and a checksum catches typos and tampering. The code carries no
//! score: the tally recomputes it from the quiz link, so a score cannot be edited in.

use thiserror::Error;

use crate::fingerprint::{ALPHABET, base32, fnv1a};
use crate::predict::{Arm, Predict};
use crate::quiz::Quiz;
const NONCE_CHARS: usize = 4;
const CHECK_CHARS: usize = 2;
const ID_CHARS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The student picked the left side (the left image as the neuron; the left photo as the
    /// one the direction responds to more).
    pub left: bool,
    /// 1 = guessing, 2 = fairly sure, 3 = sure.
    pub confidence: u8,
}

impl Answer {
    /// '1'–'3': left with confidence 1–3; '4'–'6': right.
    fn digit(self) -> char {
        let base = if self.left { b'0' } else { b'3' };
        (base + self.confidence.clamp(1, 3)) as char
    }

    fn from_digit(c: char) -> Option<Self> {
        let d = c.to_digit(10)? as u8;
        (1..=6).contains(&d).then(|| Answer {
            left: d <= 3,
            confidence: (d - 1) % 3 + 1,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("the code is empty")]
    Empty,
    #[error("`{0}` does not look like a result code (three parts: ABCDEF-123456…-WXYZ12)")]
    Shape(String),
    #[error("answer {round}: `{found}` is not an answer (1–3 = left, 4–6 = right)")]
    Answer { round: usize, found: char },
    #[error("the code's checksum does not match: a character was mistyped or changed")]
    Checksum,
    #[error("the code is from another quiz ({found}; this quiz is {expected})")]
    Foreign { found: String, expected: String },
    #[error("the code answers {found} rounds; this quiz has {expected}")]
    Rounds { found: usize, expected: usize },
    #[error("this code was already counted")]
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultCode {
    pub quiz: String,
    pub answers: Vec<Answer>,
    pub nonce: String,
}

impl ResultCode {
    /// `nonce` is any random number (the page draws one per attempt).
    pub fn new(quiz: &impl Graded, answers: Vec<Answer>, nonce: u64) -> Self {
        Self {
            quiz: quiz.id(),
            answers,
            nonce: base32(nonce, NONCE_CHARS),
        }
    }

    fn checksum(quiz: &str, answers: &str, nonce: &str) -> String {
        let text = format!("{quiz}-{answers}-{nonce}");
        base32(fnv1a(text.as_bytes()) >> 54, CHECK_CHARS)
    }

    pub fn encode(&self) -> String {
        let answers: String = self.answers.iter().map(|a| a.digit()).collect();
        let check = Self::checksum(&self.quiz, &answers, &self.nonce);
        format!("{}-{answers}-{}{check}", self.quiz, self.nonce)
    }

    /// Reads a code as typed: case, spaces and Crockford's look-alikes (O, I, L) forgiven.
    pub fn decode(text: &str) -> Result<Self, CodeError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        if cleaned.is_empty() {
            return Err(CodeError::Empty);
        }
        let shape = || CodeError::Shape(text.trim().chars().take(60).collect());
        let parts: Vec<&str> = cleaned.split('-').collect();
        let [quiz, answers, tail] = parts[..] else {
            return Err(shape());
        };
        let base32_only = |s: &str| s.bytes().all(|b| ALPHABET.contains(&b));
        if quiz.len() != ID_CHARS
            || tail.len() != NONCE_CHARS + CHECK_CHARS
            || !base32_only(quiz)
            || !base32_only(tail)
            || answers.is_empty()
        {
            return Err(shape());
        }
        let parsed = answers
            .chars()
            .enumerate()
            .map(|(i, c)| {
                Answer::from_digit(c).ok_or(CodeError::Answer {
                    round: i + 1,
                    found: c,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (nonce, check) = tail.split_at(NONCE_CHARS);
        if Self::checksum(quiz, answers, nonce) != check {
            return Err(CodeError::Checksum);
        }
        Ok(Self {
            quiz: quiz.to_owned(),
            answers: parsed,
            nonce: nonce.to_owned(),
        })
    }
}

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
