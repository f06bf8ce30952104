//! One student's attempt at a quiz or a predict-the-response test: their `Rounds` in a signal for
//! the page, and their result code kept in the tab's sessionStorage from the start (this tab
//! only, so the next student on a shared computer starts afresh): a reload keeps their own items
//! (drawn from the code's nonce) and their answers.

use basis_recipe::{Graded, ResultCode};
use leptos::prelude::*;

use super::rounds::{Phase, Rounds};

fn nonce() -> u64 {
    (js_sys::Math::random() * 1_048_576.0) as u64
}

struct Saved {
    key: String,
}

impl Saved {
    fn storage() -> Option<web_sys::Storage> {
        window().session_storage().ok().flatten()
    }

    fn load(&self, id: &str) -> Option<ResultCode> {
        let text = Self::storage()?.get_item(&self.key).ok().flatten()?;
        ResultCode::decode(&text)
            .ok()
            .filter(|code| code.quiz == id)
    }

    fn store(&self, code: &ResultCode) {
        if let Some(storage) = Self::storage() {
            let _ = storage.set_item(&self.key, &code.encode());
        }
    }
}

#[derive(Clone, Copy)]
pub struct Attempt {
    rounds: RwSignal<Rounds>,
    code: StoredValue<ResultCode>,
    saved: StoredValue<Saved>,
}

impl Attempt {
    /// Picks up where this tab left `test` (of `count` rounds), or starts at the intro.
    pub fn new(test: &impl Graded, count: usize) -> Self {
        let saved = Saved {
            key: format!("basis-quiz-{}", test.id()),
        };
        let code = saved.load(&test.id()).unwrap_or_else(|| {
            let fresh = ResultCode::new(test.id(), Vec::new(), nonce());
            saved.store(&fresh);
            fresh
        });
        Self {
            rounds: RwSignal::new(Rounds::new(count, code.answers.clone())),
            code: StoredValue::new(code),
            saved: StoredValue::new(saved),
        }
    }

    /// Whose rounds these are: the nonce their result code carries.
    pub fn student(&self) -> String {
        self.code.with_value(|c| c.nonce.clone())
    }

    pub fn phase(&self) -> Phase {
        self.rounds.with(Rounds::phase)
    }

    pub fn count(&self) -> usize {
        self.rounds.with_untracked(Rounds::count)
    }

    pub fn is_ready(&self, round: usize) -> bool {
        self.rounds.with(|r| r.is_ready(round))
    }

    pub fn ready_count(&self) -> usize {
        self.rounds.with(Rounds::ready_count)
    }

    /// Round `round`'s images are there to be shown.
    pub fn mark_ready(&self, round: usize) {
        if !self.rounds.with_untracked(|r| r.is_ready(round)) {
            self.rounds.update(|r| r.mark_ready(round));
        }
    }

    pub fn can_start(&self) -> bool {
        self.rounds.with(Rounds::can_start)
    }

    pub fn start(&self) {
        self.rounds.update(Rounds::start);
    }

    /// The current round's answer (left or right side) with the picked confidence, kept; then
    /// the next round, or the end.
    pub fn answer(&self, left: bool) {
        let mut answered = false;
        self.rounds.update(|r| answered = r.answer(left));
        if answered {
            let answers = self.rounds.with_untracked(|r| r.answers().to_vec());
            self.code.update_value(|c| c.answers = answers);
            self.code
                .with_value(|c| self.saved.with_value(|s| s.store(c)));
        }
    }

    pub fn code(&self) -> ResultCode {
        self.code.get_value()
    }
}

/// "How sure are you?": guessing, fairly sure, sure.
#[component]
fn ConfidencePicker(attempt: Attempt) -> impl IntoView {
    let confidence = move || attempt.rounds.with(Rounds::confidence);
    view! {
        <fieldset class="confidence">
            <legend>"How sure are you?"</legend>
            {[(1u8, "Guessing"), (2, "Fairly sure"), (3, "Sure")]
                .into_iter()
                .map(|(level, text)| {
                    view! {
                        <label>
                            <input
                                type="radio"
                                name="confidence"
                                value=level.to_string()
                                prop:checked=move || confidence() == Some(level)
                                on:change=move |_| {
                                    attempt.rounds.update(|r| r.pick_confidence(level))
                                }
                            />
                            {format!(" {text}")}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// How sure the student is, then left or right: the buttons wait for a confidence and for the
/// round's images.
#[component]
pub fn AnswerPicker(attempt: Attempt, labels: [&'static str; 2]) -> impl IntoView {
    let disabled = move || !attempt.rounds.with(Rounds::can_answer);
    view! {
        <ConfidencePicker attempt=attempt />
        <div class="choices">
            <button id="answer-left" prop:disabled=disabled on:click=move |_| attempt.answer(true)>
                {labels[0]}
            </button>
            <button
                id="answer-right"
                prop:disabled=disabled
                on:click=move |_| attempt.answer(false)
            >
                {labels[1]}
            </button>
        </div>
    }
}
