//! One student's sitting of a quiz or a predict-the-response test: which screen is shown, the
//! answers so far and the confidence picked for the next one, and the result code — kept in the
//! tab's sessionStorage (this tab only, so the next student on a shared computer starts afresh),
//! so a reload loses nothing.

use basis_recipe::{Answer, Graded, ResultCode};
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    Intro,
    Round(usize),
    End,
}

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

    fn load(&self, id: &str, rounds: usize) -> Option<ResultCode> {
        let text = Self::storage()?.get_item(&self.key).ok().flatten()?;
        ResultCode::decode(&text)
            .ok()
            .filter(|code| code.quiz == id && code.answers.len() <= rounds)
    }

    fn store(&self, code: &ResultCode) {
        if let Some(storage) = Self::storage() {
            let _ = storage.set_item(&self.key, &code.encode());
        }
    }
}

#[derive(Clone, Copy)]
pub struct Sitting {
    pub phase: RwSignal<Phase>,
    pub confidence: RwSignal<Option<u8>>,
    answers: RwSignal<Vec<Answer>>,
    code: StoredValue<ResultCode>,
    saved: StoredValue<Saved>,
    rounds: usize,
}

impl Sitting {
    /// Picks up where this tab left `test`, or starts at the intro.
    pub fn new(test: &impl Graded, rounds: usize) -> Self {
        let saved = Saved {
            key: format!("basis-quiz-{}", test.id()),
        };
        let restored = saved.load(&test.id(), rounds);
        let phase = match &restored {
            Some(code) if code.answers.len() == rounds => Phase::End,
            Some(code) if !code.answers.is_empty() => Phase::Round(code.answers.len()),
            _ => Phase::Intro,
        };
        let code = restored.unwrap_or_else(|| ResultCode::new(test.id(), Vec::new(), nonce()));
        Self {
            phase: RwSignal::new(phase),
            confidence: RwSignal::new(None),
            answers: RwSignal::new(code.answers.clone()),
            code: StoredValue::new(code),
            saved: StoredValue::new(saved),
            rounds,
        }
    }

    /// The current round's answer (left or right side) with the picked confidence; then the
    /// next round, or the end.
    pub fn answer(&self, left: bool) {
        let (Some(confidence), Phase::Round(round)) =
            (self.confidence.get_untracked(), self.phase.get_untracked())
        else {
            return;
        };
        self.answers.update(|a| a.push(Answer { left, confidence }));
        self.code
            .update_value(|c| c.answers = self.answers.get_untracked());
        self.code
            .with_value(|c| self.saved.with_value(|s| s.store(c)));
        self.confidence.set(None);
        self.phase.set(if round + 1 < self.rounds {
            Phase::Round(round + 1)
        } else {
            Phase::End
        });
    }

    pub fn code(&self) -> ResultCode {
        self.code.get_value()
    }
}

/// "How sure are you?": guessing, fairly sure, sure.
#[component]
fn ConfidencePicker(confidence: RwSignal<Option<u8>>) -> impl IntoView {
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
                                prop:checked=move || confidence.get() == Some(level)
                                on:change=move |_| confidence.set(Some(level))
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
/// round's images (`ready`).
#[component]
pub fn AnswerPicker(
    sitting: Sitting,
    ready: Signal<bool>,
    labels: [&'static str; 2],
) -> impl IntoView {
    let confidence = sitting.confidence;
    let disabled = move || confidence.get().is_none() || !ready.get();
    view! {
        <ConfidencePicker confidence=confidence />
        <div class="choices">
            <button id="answer-left" prop:disabled=disabled on:click=move |_| sitting.answer(true)>
                {labels[0]}
            </button>
            <button
                id="answer-right"
                prop:disabled=disabled
                on:click=move |_| sitting.answer(false)
            >
                {labels[1]}
            </button>
        </div>
    }
}
