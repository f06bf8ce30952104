//! The page every class test is (spot the neuron, predict the response): its header, problems,
//! the engine's status and how far the images are, then the intro with its start button, one
//! round at a time, and the end screen with the answer key. Each test fills in its intro, its
//! rounds' pictures and its key's rows.

use std::rc::Rc;

use basis_recipe::{Answer, Items, Score};
use leptos::html::{Canvas, H2};
use leptos::prelude::*;

use super::attempt::{AnswerPicker, Attempt};
use super::batch::{BatchEngine, BatchStatus};
use super::chart::{AccuracyChart, Row, describe};
use super::hand_in::HandIn;
use super::page_header::{PageHeader, PageMessage};
use super::prepare_bar::PrepareBar;
use super::rounds::Phase;

#[component]
pub fn ClassTestPage<R>(
    title: &'static str,
    /// The `<main>` element's classes.
    class: &'static str,
    message: RwSignal<Option<String>>,
    engine: StoredValue<Rc<BatchEngine>, LocalStorage>,
    attempt: Attempt,
    /// Steps of every job together.
    total_steps: u64,
    prepared_steps: RwSignal<u64>,
    /// More the page says while it prepares (predict's photo crops).
    #[prop(optional, into)]
    preparing: Option<ViewFn>,
    /// The intro's text, above the start button.
    #[prop(into)]
    intro: ViewFn,
    /// Round `i`'s screen (a `RoundFrame`).
    round: R,
    #[prop(into)] end: ViewFn,
) -> impl IntoView
where
    R: Fn(usize) -> AnyView + Send + Sync + 'static,
{
    // Whose rounds these are, for tests and for a teacher replaying a student's key.
    let student = attempt.student();
    // The screen changes with the phase only: a picked confidence or a later round made ready
    // must not rebuild the round (that would move focus back to its heading).
    let phase = Memo::new(move |_| attempt.phase());
    view! {
        <main class=class data-student=student>
            <PageHeader title=title />
            <PageMessage message=message id="quiz-message" />
            <BatchStatus engine=engine />
            <PrepareBar
                total_steps=total_steps
                prepared_steps=prepared_steps
                rounds=attempt.count()
                rounds_ready=Signal::derive(move || attempt.ready_count())
                hidden=Signal::derive(move || attempt.phase() == Phase::End)
            >
                {preparing.map(|more| more.run())}
            </PrepareBar>
            {move || match phase.get() {
                Phase::Intro => {
                    view! {
                        <section id="quiz-intro" class="intro">
                            {intro.run()}
                            <StartButton attempt=attempt />
                        </section>
                    }
                        .into_any()
                }
                Phase::Round(i) => round(i),
                Phase::End => end.run(),
            }}
        </main>
    }
}

#[component]
fn StartButton(attempt: Attempt) -> impl IntoView {
    view! {
        <button
            id="start-quiz"
            prop:disabled=move || !attempt.can_start()
            on:click=move |_| attempt.start()
        >
            {move || {
                if attempt.is_ready(0) { "Start" } else { "Start (preparing the first round…)" }
            }}
        </button>
    }
}

/// One round: its heading, a note while its pictures are prepared, the pictures and question
/// (`children`) once they are ready, and the answer buttons.
#[component]
pub fn RoundFrame(
    attempt: Attempt,
    round: usize,
    layer: String,
    /// The answer buttons' labels, left then right.
    labels: [&'static str; 2],
    /// The crops shown, for tests (predict).
    #[prop(optional, into)]
    data_crops: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    let count = attempt.count();
    // A new round is where the work goes on: focus (and a screen reader) lands on its heading.
    let heading = NodeRef::<H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <section
            id="quiz-round"
            class="round"
            data-round=round.to_string()
            data-crops=move || data_crops.map(|crops| crops.get())
        >
            <h2 node_ref=heading tabindex="-1">
                {format!("Round {} of {count} — layer {layer}", round + 1)}
            </h2>
            <p id="round-state" role="status">
                {move || {
                    if attempt.is_ready(round) {
                        "Ready: say how sure you are, then answer."
                    } else {
                        "Preparing this round…"
                    }
                }}
            </p>
            <div hidden=move || !attempt.is_ready(round)>{children()}</div>
            <AnswerPicker attempt=attempt labels=labels />
        </section>
    }
}

/// The round's two pictures side by side, as `left-image` and `right-image`.
#[component]
pub fn Pair(
    canvases: [NodeRef<Canvas>; 2],
    /// The canvases' size in pixels (a frame's own size redraws it).
    size: u32,
    captions: [&'static str; 2],
) -> impl IntoView {
    let figures = ["left-image", "right-image"]
        .into_iter()
        .zip(canvases)
        .zip(captions)
        .map(|((id, canvas), caption)| {
            view! {
                <figure>
                    <canvas
                        id=id
                        node_ref=canvas
                        width=size
                        height=size
                        role="img"
                        aria-label=format!("{caption} picture of this round")
                    ></canvas>
                    <figcaption>{caption}</figcaption>
                </figure>
            }
        })
        .collect_view();
    view! { <div class="pair">{figures}</div> }
}

/// The end screen: the score with its interval and what it means (`accuracy_note`), anything
/// more the test says (`children`), the chart, the result code, and the answer key (`key_rows`,
/// under `key_headers`).
#[component]
pub fn EndScreen(
    score: Score,
    accuracy_note: &'static str,
    code: String,
    tally: String,
    #[prop(default = "")] tally_does: &'static str,
    key_headers: [&'static str; 5],
    #[prop(into)] key_rows: ViewFn,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let chart = Row::of(&score);
    let heading = NodeRef::<H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <section id="quiz-end" class="results">
            <h2 id="score" node_ref=heading tabindex="-1">
                {format!("Your score: {} of {}", score.correct, score.total)}
            </h2>
            <p id="accuracy">
                {format!(
                    "Accuracy {}. Guessing gives 50%{accuracy_note}.",
                    describe(score.correct, score.total),
                )}
            </p>
            {children.map(|more| more())}
            <AccuracyChart rows=chart />
            <HandIn code=code tally=tally tally_does=tally_does />
            <h3>"Answer key"</h3>
            <table id="answer-key" class="answer-key">
                <thead>
                    <tr>{key_headers.map(|header| view! { <th>{header}</th> })}</tr>
                </thead>
                <tbody>{key_rows.run()}</tbody>
            </table>
        </section>
    }
}

/// "left ✓, confidence 2": what the student said in a round, and whether it was right.
pub fn said(answer: &Answer, right: bool) -> String {
    format!(
        "{} {}, confidence {}",
        side(answer.left),
        if right { "✓" } else { "✗" },
        answer.confidence
    )
}

pub fn side(left: bool) -> &'static str {
    if left { "left" } else { "right" }
}

/// What the intro says about whose rounds these are.
pub fn items_note(items: Items) -> &'static str {
    match items {
        Items::Own => {
            "Your rounds are your own: each student who opens this link gets other neurons and directions, so the class's results speak for the layers, not for a handful of pictures."
        }
        Items::Shared => {
            "Every student who opens this link gets the same rounds in the same order (the teacher chose this, e.g. to go through them together on a projector)."
        }
    }
}
