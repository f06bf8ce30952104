//! What every page but the single view opens with: its title, what it is for, the way back to
//! Basis and to the quiz maker, and the page's message line; and what a class test's page shows
//! instead when its link cannot be read.

use basis_recipe::RecipeError;
use leptos::prelude::*;

/// The page's title and links. `tagline`: what the page is for, in a sentence or two;
/// `children`: links between "Basis" and "Make a quiz" (a tally links to its test).
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional)] tagline: Option<&'static str>,
    /// The quiz maker itself leaves the link to itself out.
    #[prop(default = true)]
    quiz_maker: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    // The browser's tab and a screen reader's first words name the page (WCAG 2.4.2).
    document().set_title(&if title.starts_with("Basis") {
        title.clone()
    } else {
        format!("{title} — Basis")
    });
    view! {
        <header>
            <h1>{title}</h1>
            {tagline.map(|tagline| view! { <p class="tagline">{tagline}</p> })}
            <nav>
                <a href="#">"Basis"</a>
                {children
                    .map(|links| {
                        view! {
                            " · "
                            {links()}
                        }
                    })}
                {quiz_maker
                    .then(|| {
                        view! {
                            " · "
                            <a href="#make-quiz">"Make a quiz"</a>
                        }
                    })}
            </nav>
        </header>
    }
}

/// A problem the user should read, shown while `message` holds one.
#[component]
pub fn PageMessage(
    message: RwSignal<Option<String>>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <p class="message" role="alert" id=id hidden=move || message.with(Option::is_none)>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// A quiz page whose link could not be read: why, and where to get a good one.
#[component]
pub fn BadLink(title: &'static str, error: RecipeError) -> impl IntoView {
    view! {
        <main class="quiz-page">
            <h1>{title}</h1>
            <p class="message" role="alert" id="quiz-error">
                {format!("This quiz link could not be read: {error}. Ask for the link again, or ")}
                <a href="#make-quiz">"make a quiz"</a>
                "."
            </p>
        </main>
    }
}
