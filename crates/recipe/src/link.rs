//! The URL fragment of a Basis page: `#r=RECIPE&hide=layer,seed&present`. The recipe is the
//! permalink; `hide` and `present` prepare a page for a classroom projector. Other pages:
//! `#sheet=SHEET` (neurons vs random directions), `#contrast=SHEET` (a block's hidden ReLU6
//! tap beside its linear output), `#quiz=QUIZ` (spot the neuron),
//! `#predict=TEST` (predict the response), `#tally=QUIZ` and `#predict-tally=TEST` (a teacher's
//! tally of a test's result codes) and `#make-quiz`.

use crate::{ClassTest, Contrast, Predict, Quiz, Recipe, RecipeError, Sheet};

/// Which page a fragment asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Page {
    /// One direction at a time (with `recipe`, if the fragment has one).
    #[default]
    Single,
    Sheet(Result<Sheet, RecipeError>),
    Contrast(Result<Contrast, RecipeError>),
    Quiz(Result<Quiz, RecipeError>),
    Predict(Result<Predict, RecipeError>),
    Tally(Result<ClassTest, RecipeError>),
    MakeQuiz,
}

/// Each page's key in a fragment, the one table [`Link::parse`] and [`Page::fragment`] read.
mod key {
    pub const RECIPE: &str = "r";
    pub const SHEET: &str = "sheet";
    pub const CONTRAST: &str = "contrast";
    pub const QUIZ: &str = "quiz";
    pub const PREDICT: &str = "predict";
    pub const TALLY: &str = "tally";
    pub const PREDICT_TALLY: &str = "predict-tally";
    pub const MAKE_QUIZ: &str = "make-quiz";
    pub const HIDE: &str = "hide";
    pub const PRESENT: &str = "present";
}

impl Page {
    /// The fragment (without `#`) that [`Link::parse`] reads back as this page. `None` for a
    /// page that holds a decoding error, and for the single view, whose fragment is a recipe's
    /// ([`Link::fragment`]).
    pub fn fragment(&self) -> Option<String> {
        let pair = |key: &str, code: String| Some(format!("{key}={code}"));
        match self {
            Page::Single => None,
            Page::Sheet(Ok(sheet)) => pair(key::SHEET, sheet.encode()),
            Page::Contrast(Ok(contrast)) => pair(key::CONTRAST, contrast.encode()),
            Page::Quiz(Ok(quiz)) => pair(key::QUIZ, quiz.encode()),
            Page::Predict(Ok(test)) => pair(key::PREDICT, test.encode()),
            Page::Tally(Ok(ClassTest::Spot(quiz))) => pair(key::TALLY, quiz.encode()),
            Page::Tally(Ok(ClassTest::Predict(test))) => pair(key::PREDICT_TALLY, test.encode()),
            Page::MakeQuiz => Some(key::MAKE_QUIZ.to_owned()),
            Page::Sheet(Err(_))
            | Page::Contrast(Err(_))
            | Page::Quiz(Err(_))
            | Page::Predict(Err(_))
            | Page::Tally(Err(_)) => None,
        }
    }
}

impl Sheet {
    /// The fragment (without `#`) of its page.
    pub fn fragment(&self) -> String {
        format!("{}={}", key::SHEET, self.encode())
    }
}

impl Contrast {
    /// The fragment (without `#`) of its page.
    pub fn fragment(&self) -> String {
        format!("{}={}", key::CONTRAST, self.encode())
    }
}

impl ClassTest {
    /// The fragment (without `#`) of the test's own page.
    pub fn fragment(&self) -> String {
        match self {
            ClassTest::Spot(quiz) => format!("{}={}", key::QUIZ, quiz.encode()),
            ClassTest::Predict(test) => format!("{}={}", key::PREDICT, test.encode()),
        }
    }

    /// The fragment of its tally page.
    pub fn tally_fragment(&self) -> String {
        match self {
            ClassTest::Spot(quiz) => format!("{}={}", key::TALLY, quiz.encode()),
            ClassTest::Predict(test) => format!("{}={}", key::PREDICT_TALLY, test.encode()),
        }
    }
}

/// Controls a link may hide, by the names a teacher writes in `hide=`.
pub const CONTROLS: [&str; 16] = [
    "model",
    "layer",
    "channel",
    "direction",
    "toward",
    "start",
    "seed",
    "cospower",
    "negative",
    "centre",
    "size",
    "steps",
    "playback",
    "status",
    "share",
    "help",
];

/// Longer fragments are refused before any parsing.
pub const MAX_FRAGMENT_LENGTH: usize = 2048;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Link {
    pub page: Page,
    /// `None` when the fragment names no recipe; an error when it names a bad one.
    pub recipe: Option<Result<Recipe, RecipeError>>,
    /// Known control names only, in [`CONTROLS`] order.
    pub hide: Vec<&'static str>,
    /// Big canvas, controls out of the way.
    pub present: bool,
    /// Parts of the fragment that were not understood, for the message shown to the user.
    pub ignored: Vec<String>,
}

impl Link {
    /// Parses `location.hash`, with or without its leading `#`. Never panics.
    pub fn parse(fragment: &str) -> Self {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut link = Link::default();
        if fragment.len() > MAX_FRAGMENT_LENGTH {
            link.recipe = Some(Err(RecipeError::TooLong {
                length: fragment.len(),
                max: MAX_FRAGMENT_LENGTH,
            }));
            return link;
        }
        for part in fragment.split('&').filter(|part| !part.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match key {
                key::RECIPE => link.recipe = Some(Recipe::decode(value)),
                key::SHEET => link.page = Page::Sheet(Sheet::decode(value)),
                key::CONTRAST => link.page = Page::Contrast(Contrast::decode(value)),
                key::QUIZ => link.page = Page::Quiz(Quiz::decode(value)),
                key::PREDICT => link.page = Page::Predict(Predict::decode(value)),
                key::TALLY => link.page = Page::Tally(Quiz::decode(value).map(ClassTest::Spot)),
                key::PREDICT_TALLY => {
                    link.page = Page::Tally(Predict::decode(value).map(ClassTest::Predict))
                }
                key::MAKE_QUIZ => link.page = Page::MakeQuiz,
                key::PRESENT => link.present = true,
                key::HIDE => {
                    for name in value.split(',').filter(|name| !name.is_empty()) {
                        match CONTROLS.iter().find(|control| **control == name) {
                            Some(control) => link.hide.push(control),
                            None => link.ignored.push(format!("hide={name}")),
                        }
                    }
                }
                _ => link.ignored.push(key.chars().take(40).collect()),
            }
        }
        link.hide
            .sort_by_key(|name| CONTROLS.iter().position(|control| control == name));
        link.hide.dedup();
        link
    }

    /// The fragment (without `#`) for a recipe and these presentation settings.
    pub fn fragment(recipe: &Recipe, hide: &[&str], present: bool) -> String {
        let mut fragment = format!("{}={}", key::RECIPE, recipe.encode());
        if !hide.is_empty() {
            fragment.push_str(&format!("&{}={}", key::HIDE, hide.join(",")));
        }
        if present {
            fragment.push_str(&format!("&{}", key::PRESENT));
        }
        fragment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_round_trip() {
        let recipe = Recipe::new("0123456789abcdef");
        let fragment = Link::fragment(&recipe, &["seed", "layer"], true);
        let link = Link::parse(&format!("#{fragment}"));
        assert_eq!(link.recipe, Some(Ok(recipe)));
        assert_eq!(link.hide, vec!["layer", "seed"]);
        assert!(link.present);
        assert!(link.ignored.is_empty());
    }

    #[test]
    fn sheet_and_quiz_pages_round_trip() {
        let sheet = Sheet::new(Recipe::new("0123456789abcdef"));
        let link = Link::parse(&format!("#sheet={}", sheet.encode()));
        assert_eq!(link.page, Page::Sheet(Ok(sheet.clone())));
        assert_eq!(
            Link::parse(&format!("#contrast={}", sheet.encode())).page,
            Page::Contrast(Err(RecipeError::NotHidden("block8".into())))
        );
        let mut hidden = sheet;
        hidden.base.layer = "block8.dw".into();
        let contrast = Contrast::new(hidden).unwrap();
        let link = Link::parse(&format!("#{}", contrast.fragment()));
        assert_eq!(link.page, Page::Contrast(Ok(contrast)));
        let quiz = Quiz::new(Recipe::new("0123456789abcdef"), vec!["block8".into()], 10);
        let link = Link::parse(&format!("#quiz={}", quiz.encode()));
        assert_eq!(link.page, Page::Quiz(Ok(quiz.clone())));
        let test = ClassTest::Spot(quiz);
        let link = Link::parse(&format!("#{}", test.tally_fragment()));
        assert_eq!(link.page, Page::Tally(Ok(test)));
        let predict = Predict::new(Recipe::new("0123456789abcdef"), vec!["block8".into()], 10);
        let test = ClassTest::Predict(predict.clone());
        let link = Link::parse(&format!("#{}", test.fragment()));
        assert_eq!(link.page, Page::Predict(Ok(predict)));
        let link = Link::parse(&format!("#{}", test.tally_fragment()));
        assert_eq!(link.page, Page::Tally(Ok(test)));
    }

    #[test]
    fn every_page_s_fragment_parses_back_to_the_page() {
        let base = Recipe::new("0123456789abcdef");
        let sheet = Sheet::new(base.clone());
        let mut hidden = sheet.clone();
        hidden.base.layer = "block8.dw".into();
        let quiz = Quiz::new(base.clone(), vec!["block8".into()], 10);
        let predict = Predict::new(base, vec!["block8".into()], 10);
        let pages = [
            Page::Sheet(Ok(sheet)),
            Page::Contrast(Ok(Contrast::new(hidden).unwrap())),
            Page::Quiz(Ok(quiz.clone())),
            Page::Predict(Ok(predict.clone())),
            Page::Tally(Ok(ClassTest::Spot(quiz))),
            Page::Tally(Ok(ClassTest::Predict(predict))),
            Page::MakeQuiz,
        ];
        for page in pages {
            let fragment = page.fragment().expect("a fragment");
            let link = Link::parse(&format!("#{fragment}"));
            assert_eq!(link.page, page, "{fragment}");
            assert!(
                link.ignored.is_empty() && link.recipe.is_none(),
                "{fragment}"
            );
        }
        assert_eq!(Page::Single.fragment(), None);
        assert_eq!(Page::Quiz(Err(RecipeError::Empty)).fragment(), None);
    }

    #[test]
    fn odd_fragments_are_reported_not_fatal() {
        let link = Link::parse("#hide=seed,<img src=x>&utm=1&&present");
        assert_eq!(link.recipe, None);
        assert_eq!(link.hide, vec!["seed"]);
        assert_eq!(
            link.ignored,
            vec!["hide=<img src=x>".to_owned(), "utm".to_owned()]
        );
        assert!(link.present);
        assert_eq!(Link::parse(""), Link::default());
        assert!(matches!(
            Link::parse("#sheet=%%").page,
            Page::Sheet(Err(RecipeError::NotBase64))
        ));
        assert!(matches!(
            Link::parse("#quiz=").page,
            Page::Quiz(Err(RecipeError::Empty))
        ));
        assert!(matches!(Link::parse("#tally=AQ").page, Page::Tally(Err(_))));
        assert!(matches!(
            Link::parse("#predict-tally=").page,
            Page::Tally(Err(RecipeError::Empty))
        ));
        assert_eq!(Link::parse("#make-quiz").page, Page::MakeQuiz);
        let long = Link::parse(&"r=A".repeat(1000));
        assert!(matches!(
            long.recipe,
            Some(Err(RecipeError::TooLong { .. }))
        ));
        assert!(matches!(
            Link::parse("#r=").recipe,
            Some(Err(RecipeError::Empty))
        ));
    }
}
