//! Result codes: what a student hands in after a quiz, short enough to read aloud or type —
//! `QUIZID-ANSWERS-NONCECHECK`, e.g. `7MZK2Q-1452631264-9TQ4XM`. The quiz id names the quiz, one
//! digit per round holds the side picked and the confidence, a random nonce tells two students
//! with the same answers apart, and a checksum catches typos and tampering. The code carries no
//! score: the tally recomputes it from the quiz link, so a score cannot be edited in.

use thiserror::Error;

use crate::fingerprint::{ALPHABET, base32, fnv1a};

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
    /// `quiz`: the test's id (`Graded::id`); `nonce`: any random number (the page draws one per
    /// attempt).
    pub fn new(quiz: String, answers: Vec<Answer>, nonce: u64) -> Self {
        Self {
            quiz,
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
