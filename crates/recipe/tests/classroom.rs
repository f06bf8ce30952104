//! Sheets, quizzes and result codes: round trips, seeded choices (each student's own, or shared by
//! a class), and a typed refusal for each kind of bad input.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use basis_recipe::wire::{v1, v2};
use basis_recipe::{
    Answer, Arm, CONTROL_ROUNDS, ClassTest, CodeError, Condition, ControlRounds, Counted, Design,
    Graded, Items, Key, Neurons, Predict, QUERY_RANKS, Quiz, REFERENCES, Recipe, RecipeError,
    ResultCode, Score, Sheet, Tally, TileKind, reference_seeds,
};

/// A malformed input and a check that its error is the expected one.
type Case = (String, fn(&RecipeError) -> bool);

const WEIGHTS: &str = "0123456789abcdef";

fn sheet() -> Sheet {
    let mut sheet = Sheet::new(Recipe::new(WEIGHTS));
    sheet.neurons = Neurons::Seeded(8);
    sheet.random = 8;
    sheet
}

fn quiz() -> Quiz {
    Quiz::new(
        Recipe::new(WEIGHTS),
        vec!["block3".into(), "block8".into(), "block14".into()],
        10,
    )
}

fn shared<T: std::ops::DerefMut<Target = Design>>(mut test: T) -> T {
    test.items = Items::Shared;
    test
}

/// The nonce a result code made with `nonce` carries: the student's name for their rounds.
fn student(nonce: u64) -> String {
    ResultCode::new(String::new(), Vec::new(), nonce).nonce
}

fn wire_string<T: serde::Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(postcard::to_allocvec(value).unwrap())
}

fn sheet_wire(change: impl FnOnce(&mut v1::Sheet)) -> String {
    let mut wire = v1::Sheet {
        version: 1,
        base: v1::Recipe::from(&Recipe::new(WEIGHTS)),
        neurons: v1::Neurons::Seeded { count: 4 },
        random: 4,
        blind: false,
    };
    change(&mut wire);
    wire_string(&wire)
}

fn quiz_wire(change: impl FnOnce(&mut v1::Quiz)) -> String {
    let mut wire = v1::Quiz {
        version: 1,
        base: v1::Recipe::from(&Recipe::new(WEIGHTS)),
        layers: vec!["block8".into()],
        rounds: 10,
    };
    change(&mut wire);
    wire_string(&wire)
}

#[test]
fn sheets_round_trip_and_lay_out_neurons_then_random_directions() {
    let mut listed = sheet();
    listed.neurons = Neurons::Listed(vec![3, 1, 4]);
    listed.random = 2;
    listed.blind = true;
    for original in [sheet(), listed] {
        let text = original.encode();
        assert!(text.len() < 160, "{text}");
        assert_eq!(Sheet::decode(&text), Ok(original));
    }
    let tiles = sheet().tiles();
    assert_eq!(tiles.len(), 16);
    let neurons: Vec<u32> = tiles[..8].iter().map(|t| t.recipe.channel).collect();
    let mut distinct = neurons.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        8,
        "seeded neurons are distinct: {neurons:?}"
    );
    assert!(
        tiles[..8]
            .iter()
            .all(|t| t.kind == TileKind::Neuron && t.recipe.mix == 0.0)
    );
    assert!(
        tiles[8..]
            .iter()
            .all(|t| t.kind == TileKind::Random && t.recipe.mix == 1.0)
    );
    let seeds: Vec<u64> = tiles[8..].iter().map(|t| t.recipe.seed).collect();
    assert!(seeds.windows(2).all(|w| w[0] != w[1]), "{seeds:?}");
    // Every tile is a valid recipe with its own link; all share layer, size, steps, transforms.
    for tile in &tiles {
        assert_eq!(
            Recipe::decode(&tile.recipe.encode()).as_ref(),
            Ok(&tile.recipe)
        );
        assert_eq!(
            (
                tile.recipe.layer.as_str(),
                tile.recipe.image,
                tile.recipe.steps
            ),
            ("block8", sheet().base.image, 256)
        );
    }
    assert_eq!(sheet().tiles(), tiles, "same sheet, same tiles");
}

#[test]
fn a_blind_sheet_shuffles_the_same_tiles_by_its_seed() {
    let mut blind = sheet();
    blind.blind = true;
    let (open, shuffled) = (sheet().tiles(), blind.tiles());
    assert_ne!(open, shuffled);
    let key = |t: &basis_recipe::SheetTile| t.recipe.encode();
    let mut a: Vec<String> = open.iter().map(key).collect();
    let mut b: Vec<String> = shuffled.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(blind.tiles(), shuffled);
    blind.base.seed = 1;
    assert_ne!(
        blind.tiles().iter().map(key).collect::<Vec<_>>(),
        shuffled.iter().map(key).collect::<Vec<_>>()
    );
}

#[test]
fn hostile_sheet_strings_are_refused_with_a_reason() {
    use RecipeError::*;
    let valid = sheet().encode();
    let mut trailing = URL_SAFE_NO_PAD.decode(&valid).unwrap();
    trailing.push(0);
    let cases: Vec<Case> = vec![
        ("".into(), |e| *e == Empty),
        ("\t".into(), |e| *e == Empty),
        ("A".repeat(600), |e| matches!(e, TooLong { .. })),
        ("<svg onload=alert(1)>".into(), |e| *e == NotBase64),
        ("%00%01".into(), |e| *e == NotBase64),
        ("sheet=abc".into(), |e| *e == NotBase64),
        (valid[..valid.len() - 3].into(), |e| *e == Truncated),
        (valid[..5].into(), |e| *e == Truncated),
        (URL_SAFE_NO_PAD.encode(&trailing), |e| {
            matches!(e, TrailingBytes(1))
        }),
        (Recipe::new(WEIGHTS).encode(), |e| *e == Truncated),
        (sheet_wire(|w| w.version = 2), |e| *e == UnknownVersion(2)),
        (sheet_wire(|w| w.version = 0), |e| *e == UnknownVersion(0)),
        (sheet_wire(|w| w.base.version = 9), |e| {
            *e == UnknownVersion(9)
        }),
        (
            sheet_wire(|w| w.neurons = v1::Neurons::Seeded { count: 9 }),
            |e| e.field() == Some("neurons"),
        ),
        (sheet_wire(|w| w.random = 9), |e| {
            e.field() == Some("random")
        }),
        (sheet_wire(|w| w.random = 255), |e| {
            e.field() == Some("random")
        }),
        (
            sheet_wire(|w| {
                w.neurons = v1::Neurons::Seeded { count: 0 };
                w.random = 0
            }),
            |e| e.field() == Some("tiles"),
        ),
        (
            sheet_wire(|w| w.neurons = v1::Neurons::Listed(vec![1, 2, 1])),
            |e| {
                matches!(
                    e,
                    Repeated {
                        field: "neurons",
                        ..
                    }
                )
            },
        ),
        (
            sheet_wire(|w| w.neurons = v1::Neurons::Listed(vec![112])),
            |e| matches!(e, ChannelOutOfRange { channel: 112, .. }),
        ),
        (
            sheet_wire(|w| w.neurons = v1::Neurons::Listed((0..9).collect())),
            |e| e.field() == Some("neurons"),
        ),
        (sheet_wire(|w| w.base.layer = "block99".into()), |e| {
            matches!(e, UnknownLayer(_))
        }),
        (sheet_wire(|w| w.base.weights = "XYZ".into()), |e| {
            matches!(e, BadWeightsHash(_))
        }),
        (sheet_wire(|w| w.base.image.size = 4096), |e| {
            e.field() == Some("size")
        }),
        (sheet_wire(|w| w.base.steps = 0), |e| {
            e.field() == Some("steps")
        }),
        (sheet_wire(|w| w.base.mix = f32::NAN), |e| {
            e.field() == Some("mix")
        }),
        (sheet_wire(|w| w.base.model = "resnet".into()), |e| {
            matches!(e, UnknownModel(_))
        }),
    ];
    for (text, expected) in &cases {
        let error = Sheet::decode(text).expect_err(text);
        assert!(expected(&error), "{text:?}: {error:?}");
        assert!(!error.to_string().is_empty());
    }
    assert!(cases.len() >= 20);
}

#[test]
fn quizzes_round_trip_and_draw_each_student_their_own_rounds() {
    let text = quiz().encode();
    assert!(text.len() < 160, "{text}");
    let decoded = Quiz::decode(&text).unwrap();
    assert_eq!(decoded, quiz());
    let (ann, bob) = (student(1), student(2));
    let rounds = decoded.rounds(&ann);
    assert_eq!(rounds, quiz().rounds(&ann), "a student's rounds come back");
    assert_ne!(quiz().rounds(&bob), rounds, "another student gets others");
    assert_eq!(rounds.len(), 10);
    // Layers take turns evenly: 10 rounds over 3 layers is 4 + 3 + 3.
    let mut per_layer: Vec<usize> = quiz()
        .layers
        .iter()
        .map(|l| rounds.iter().filter(|r| &r.layer == l).count())
        .collect();
    per_layer.sort();
    assert_eq!(per_layer, vec![3, 3, 4]);
    for round in &rounds {
        // Fair: the two images differ only in their direction (and their starting noise).
        let mut random_as_neuron = round.foil.clone();
        random_as_neuron.mix = 0.0;
        random_as_neuron.seed = round.neuron.seed;
        assert_eq!(random_as_neuron, round.neuron);
        assert_eq!(round.foil.mix, 1.0);
        assert_eq!(round.neuron.layer, round.layer);
    }
    let lefts = rounds.iter().filter(|r| r.neuron_left).count();
    assert!(
        (2..=8).contains(&lefts),
        "sides come from the seed: {lefts} of 10 left"
    );
    let mut other = quiz();
    other.base.seed = 99;
    assert_ne!(other.rounds(&ann), rounds);
    assert_ne!(other.id(), quiz().id());
    // A class samples many neurons: 20 students see far more than one student's 10 rounds.
    let mut neurons: Vec<(String, u32)> = (0..20)
        .flat_map(|s| quiz().rounds(&student(s)))
        .map(|r| (r.layer, r.neuron.channel))
        .collect();
    neurons.sort();
    neurons.dedup();
    assert!(neurons.len() > 100, "{} distinct neurons", neurons.len());
}

#[test]
fn shared_items_give_everyone_the_same_rounds_in_the_first_release_s_format() {
    let quiz = shared(quiz());
    assert_eq!(quiz.rounds(&student(1)), quiz.rounds(&student(2)));
    let text = quiz.encode();
    assert_eq!(
        &URL_SAFE_NO_PAD.decode(&text).unwrap()[..1],
        [1],
        "version 1"
    );
    assert_eq!(Quiz::decode(&text), Ok(quiz.clone()));
    let own = self::quiz();
    let own_text = own.encode();
    assert_eq!(
        &URL_SAFE_NO_PAD.decode(&own_text).unwrap()[..1],
        [2],
        "version 2"
    );
    assert_ne!(own.id(), quiz.id());
    // A version 2 link that says "shared" reads as the same test (written as version 1).
    let wire = v2::ClassTest {
        version: 2,
        base: v1::Recipe::from(&quiz.base),
        layers: quiz.layers.clone(),
        rounds: 10,
        items: v2::Items::Shared,
    };
    assert_eq!(Quiz::decode(&wire_string(&wire)), Ok(quiz));
    assert_eq!(own_text, PINNED_OWN_LINK, "the version 2 bytes are pinned");
}

const PINNED_OWN_LINK: &str = "AgESZWZmaWNpZW50bmV0LWxpdGUwEDAxMjM0NTY3ODlhYmNkZWYGYmxvY2szAAAAAAAAAAAAAAAAgAKAAQAAAIA_CtcjPAwIZmZmP83MjD8KBAMGYmxvY2szBmJsb2NrOAdibG9jazE0CgA";

/// The generator behind every shared quiz is pinned: a change would give students of one quiz
/// link different rounds depending on when they opened it.
#[test]
fn quiz_rounds_are_pinned() {
    let quiz = shared(quiz());
    let rounds = quiz.rounds("");
    let summary: Vec<(String, u32, u64, u64, bool)> = rounds[..3]
        .iter()
        .map(|r| {
            (
                r.layer.clone(),
                r.neuron.channel,
                r.neuron.seed,
                r.foil.seed,
                r.neuron_left,
            )
        })
        .collect();
    assert_eq!(format!("{summary:?}"), PINNED_ROUNDS);
    assert_eq!(quiz.id(), PINNED_ID);
}

const PINNED_ROUNDS: &str = "[(\"block3\", 18, 3791353564, 2919653573, true), (\"block8\", 29, 2825522161, 1106411402, false), (\"block14\", 148, 1200709903, 1590897616, false)]";
const PINNED_ID: &str = "FDNQH1";

#[test]
fn hostile_quiz_strings_are_refused_with_a_reason() {
    use RecipeError::*;
    let valid = quiz().encode();
    let cases: Vec<Case> = vec![
        ("".into(), |e| *e == Empty),
        ("A".repeat(513), |e| matches!(e, TooLong { .. })),
        ("quiz=1".into(), |e| *e == NotBase64),
        ("javascript:alert(1)".into(), |e| *e == NotBase64),
        ("../../etc/passwd".into(), |e| *e == NotBase64),
        (valid[..valid.len() - 2].into(), |e| *e == Truncated),
        (valid[..1].into(), |e| *e == Truncated),
        (format!("{valid}AAAA"), |e| matches!(e, TrailingBytes(_))),
        (sheet().encode(), |e| {
            matches!(
                e,
                Garbage(_) | Truncated | TrailingBytes(_) | OutOfRange { .. } | UnknownLayer(_)
            )
        }),
        (quiz_wire(|w| w.version = 7), |e| *e == UnknownVersion(7)),
        (quiz_wire(|w| w.base.version = 2), |e| {
            *e == UnknownVersion(2)
        }),
        (quiz_wire(|w| w.rounds = 1), |e| e.field() == Some("rounds")),
        (quiz_wire(|w| w.rounds = 0), |e| e.field() == Some("rounds")),
        (quiz_wire(|w| w.rounds = 41), |e| {
            e.field() == Some("rounds")
        }),
        (quiz_wire(|w| w.layers = vec![]), |e| {
            e.field() == Some("layers")
        }),
        (
            quiz_wire(|w| w.layers = (0..7).map(|i| format!("block{i}")).collect()),
            |e| e.field() == Some("layers"),
        ),
        (
            quiz_wire(|w| w.layers = vec!["block8".into(), "block8".into()]),
            |e| {
                matches!(
                    e,
                    Repeated {
                        field: "layers",
                        ..
                    }
                )
            },
        ),
        (
            quiz_wire(|w| w.layers = vec!["block8".into(), "<b>".into()]),
            |e| matches!(e, UnknownLayer(_)),
        ),
        (quiz_wire(|w| w.base.steps = 5000), |e| {
            e.field() == Some("steps")
        }),
        (quiz_wire(|w| w.base.image.size = 8), |e| {
            e.field() == Some("size")
        }),
        (quiz_wire(|w| w.base.image.init_sd = f32::INFINITY), |e| {
            e.field() == Some("init_sd")
        }),
        (
            quiz_wire(|w| w.base.weights = "0123456789ABCDEF".into()),
            |e| matches!(e, BadWeightsHash(_)),
        ),
    ];
    for (text, expected) in &cases {
        let error = Quiz::decode(text).expect_err(text);
        assert!(expected(&error), "{text:?}: {error:?}");
    }
    assert!(cases.len() >= 20);
}

/// Student `nonce`'s answers to their rounds of `quiz`: the first `correct` right.
fn answers(quiz: &Quiz, nonce: u64, correct: usize) -> Vec<Answer> {
    quiz.rounds(&student(nonce))
        .iter()
        .enumerate()
        .map(|(i, r)| Answer {
            left: if i < correct {
                r.neuron_left
            } else {
                !r.neuron_left
            },
            confidence: (i % 3 + 1) as u8,
        })
        .collect()
}

#[test]
fn result_codes_round_trip_and_score_from_the_quiz_link() {
    let quiz = quiz();
    let code = ResultCode::new(quiz.id(), answers(&quiz, 0xABCDE, 7), 0xABCDE);
    let text = code.encode();
    assert_eq!(text.len(), 6 + 1 + 10 + 1 + 6, "{text}");
    assert_eq!(ResultCode::decode(&text), Ok(code.clone()));
    // As a student might type it: lower case, spaces, O for 0.
    let typed = text.to_lowercase().replace('-', " - ").replace('0', "o");
    assert_eq!(ResultCode::decode(&typed), Ok(code));
    let mut tally = Tally::new(ClassTest::Spot(quiz));
    tally.add(&text).unwrap();
    assert_eq!((tally.score.correct, tally.score.total), (7, 10));
    let per_layer: u64 = tally.score.layers.iter().map(|l| l.total).sum();
    assert_eq!(per_layer, 10);
}

#[test]
fn the_tally_refuses_malformed_foreign_tampered_and_duplicate_codes() {
    let quiz = quiz();
    let good = ResultCode::new(quiz.id(), answers(&quiz, 1, 10), 1).encode();
    let mut other_quiz = quiz.clone();
    other_quiz.rounds = 12;
    let foreign = ResultCode::new(other_quiz.id(), answers(&other_quiz, 2, 12), 2).encode();
    let short = ResultCode::new(quiz.id(), answers(&quiz, 3, 10)[..9].to_vec(), 3).encode();
    // Tampering: flip one answer (a wrong answer made right) without fixing the checksum.
    let mut tampered: Vec<char> = ResultCode::new(quiz.id(), answers(&quiz, 4, 0), 4)
        .encode()
        .chars()
        .collect();
    tampered[7] = if tampered[7] <= '3' { '4' } else { '1' };
    let tampered: String = tampered.into_iter().collect();

    let mut tally = Tally::new(ClassTest::Spot(quiz.clone()));
    tally.add(&good).unwrap();
    let refused = |tally: &mut Tally, text: &str| tally.add(text).expect_err(text);
    assert_eq!(refused(&mut tally, &good), CodeError::Duplicate);
    assert_eq!(refused(&mut tally, &tampered), CodeError::Checksum);
    assert!(matches!(
        refused(&mut tally, &foreign),
        CodeError::Foreign { .. }
    ));
    assert_eq!(
        refused(&mut tally, &short),
        CodeError::Rounds {
            found: 9,
            expected: 10
        }
    );
    assert_eq!(refused(&mut tally, "  "), CodeError::Empty);
    assert!(matches!(refused(&mut tally, "hello"), CodeError::Shape(_)));
    assert!(matches!(
        refused(&mut tally, "ABCDEF-123-XYZ"),
        CodeError::Shape(_)
    ));
    let bad_digit = good.replacen('-', "-9", 1);
    assert!(matches!(
        refused(&mut tally, &bad_digit),
        CodeError::Answer {
            round: 1,
            found: '9'
        }
    ));
    assert_eq!(
        (tally.students(), tally.score.correct, tally.score.total),
        (1, 10, 10)
    );
    // Another student's code is graded against their own rounds.
    tally
        .add(&ResultCode::new(quiz.id(), answers(&quiz, 5, 10), 5).encode())
        .unwrap();
    assert_eq!(
        (tally.students(), tally.score.correct, tally.score.total),
        (2, 20, 20)
    );
}

fn predict() -> Predict {
    Predict::new(
        Recipe::new(WEIGHTS),
        vec!["block3".into(), "block8".into()],
        10,
    )
}

#[test]
fn predict_links_round_trip_and_differ_from_quizzes() {
    let test = predict();
    let decoded = Predict::decode(&test.encode()).unwrap();
    assert_eq!(decoded, test);
    assert_eq!(decoded.trials("AB12"), test.trials("AB12"));
    assert_ne!(test.trials("AB12"), test.trials("AB13"));
    // Same settings, same bytes, but another test: codes of one are foreign to the other.
    let quiz = Quiz::new(test.base.clone(), test.layers.clone(), test.rounds);
    assert_eq!(quiz.encode(), test.encode());
    assert_ne!(quiz.id(), test.id());
    let mut other = test.clone();
    other.base.seed = 1;
    assert_ne!(other.trials("AB12"), test.trials("AB12"));
}

#[test]
fn predict_rounds_split_evenly_between_arms_and_layers() {
    let mut test = predict();
    test.rounds = 12;
    let trials = test.trials("AB12");
    assert_eq!(trials.len(), 12);
    for layer in &test.layers {
        for arm in Arm::BOTH {
            let n = trials
                .iter()
                .filter(|t| &t.layer == layer && t.arm == arm)
                .count();
            assert_eq!(n, 3, "{layer} {arm:?}");
        }
    }
    // Blind and interleaved: the arms are not in blocks.
    let arms: Vec<Arm> = trials.iter().map(|t| t.arm).collect();
    assert!(arms.windows(2).any(|w| w[0] == w[1]) && arms.windows(2).any(|w| w[0] != w[1]));
    for trial in &trials {
        let d = &trial.direction;
        assert_eq!(d.layer, trial.layer);
        match trial.arm {
            Arm::Neuron => assert_eq!(d.mix, 0.0),
            Arm::Random => assert_eq!((d.mix, d.channel), (1.0, 0)),
            Arm::Learned => unreachable!("a two-arm test"),
        }
        assert!(trial.strong_rank < QUERY_RANKS && trial.weak_rank < QUERY_RANKS);
        let seeds = trial.reference_seeds;
        assert_eq!(seeds, reference_seeds(d));
        assert!((1..REFERENCES).all(|i| !seeds[..i].contains(&seeds[i])));
    }
    let neurons: Vec<(String, u32)> = trials
        .iter()
        .filter(|t| t.arm == Arm::Neuron)
        .map(|t| (t.layer.clone(), t.direction.channel))
        .collect();
    let mut distinct = neurons.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        neurons.len(),
        "a neuron repeats: {neurons:?}"
    );
    assert!(trials.iter().any(|t| t.strong_left) && trials.iter().any(|t| !t.strong_left));
}

/// The generator is part of the link format: changing it would change every shared test.
#[test]
fn predict_rounds_are_pinned() {
    let summary: Vec<String> = shared(predict())
        .trials("")
        .iter()
        .take(4)
        .map(|t| {
            format!(
                "{} {:?} c{} s{} {} {}/{}",
                t.layer,
                t.arm,
                t.direction.channel,
                t.direction.seed,
                if t.strong_left { "L" } else { "R" },
                t.strong_rank,
                t.weak_rank
            )
        })
        .collect();
    assert_eq!(summary, PINNED_PREDICT, "{summary:#?}");
}

const PINNED_PREDICT: [&str; 4] = [
    "block3 Random c0 s167530171 R 0/1",
    "block3 Neuron c32 s3649970388 R 1/2",
    "block3 Neuron c14 s2071572096 L 0/1",
    "block3 Neuron c27 s998555687 L 1/2",
];

#[test]
fn predict_links_refuse_odd_rounds_and_sizes_too_big_for_four_references() {
    let mut odd = predict();
    odd.rounds = 9;
    assert!(matches!(
        Predict::decode(&odd.encode()),
        Err(RecipeError::OutOfRange {
            field: "rounds",
            ..
        })
    ));
    let mut big = predict();
    big.base.image.size = 512;
    assert!(big.base.validate().is_ok());
    assert!(matches!(
        Predict::decode(&big.encode()),
        Err(RecipeError::OutOfRange { field: "size", .. })
    ));
    let mut fits = predict();
    fits.base.image.size = 224;
    assert_eq!(Predict::decode(&fits.encode()), Ok(fits));
    assert!(matches!(
        Predict::decode(&quiz_wire(|w| w.layers = vec![])),
        Err(RecipeError::OutOfRange {
            field: "layers",
            ..
        })
    ));
}

/// Answers right on every neuron round and wrong on every random one, fairly sure.
fn right_on_neurons_only(key: &[Key]) -> Vec<Answer> {
    key.iter()
        .map(|k| Answer {
            left: (k.arm == Some(Arm::Neuron)) == k.left,
            confidence: 2,
        })
        .collect()
}

#[test]
fn predict_codes_are_tallied_per_arm() {
    let test = predict();
    let answers = right_on_neurons_only(&test.key(&student(9)));
    let mut tally = Tally::new(ClassTest::Predict(test.clone()));
    tally
        .add(&ResultCode::new(test.id(), answers.clone(), 9).encode())
        .unwrap();
    let arms: Vec<(Arm, u64, u64)> = tally
        .score
        .arms
        .iter()
        .map(|(arm, s)| (*arm, s.correct, s.total))
        .collect();
    assert_eq!(arms, vec![(Arm::Neuron, 5, 5), (Arm::Random, 0, 5)]);
    assert_eq!((tally.score.correct, tally.score.total), (5, 10));
    let quiz = Quiz::new(test.base.clone(), test.layers.clone(), test.rounds);
    assert!(matches!(
        tally.add(&ResultCode::new(quiz.id(), answers, 10).encode()),
        Err(CodeError::Foreign { .. })
    ));
    // A spot-the-neuron tally has no arms.
    assert!(Tally::new(ClassTest::Spot(quiz)).score.arms.is_empty());
}

/// With each student's own items, the tally grades every code against its own rounds, and its
/// tests count students (and directions) as the units.
#[test]
fn a_class_of_own_items_is_tested_by_student_and_by_item() {
    let test = predict();
    let mut tally = Tally::new(ClassTest::Predict(test.clone()));
    for nonce in 1..=3 {
        let answers = right_on_neurons_only(&test.key(&student(nonce)));
        tally
            .add(&ResultCode::new(test.id(), answers, nonce).encode())
            .unwrap();
    }
    let result = tally.result();
    assert_eq!(result.items, Items::Own);
    // Each student +100 points: of the 8 sign patterns, all-plus and all-minus are as extreme.
    let by_student = result.arm_by_student.unwrap();
    assert_eq!(
        (
            by_student.students,
            by_student.mean_difference,
            by_student.p_value
        ),
        (3, 1.0, 0.25)
    );
    assert_eq!(by_student.interval, (1.0, 1.0));
    // Every student's 5 random directions are their own; neurons may meet again.
    let by_item = result.arm_by_item.unwrap();
    assert_eq!(by_item.random_items, 15);
    assert!((10..=15).contains(&by_item.neuron_items), "{by_item:?}");
    assert_eq!(by_item.difference, 1.0);
    assert!(by_item.p_value < 0.001, "{by_item:?}");
    // Everyone at 50%: exactly at chance. Each student's own items are no unit of their own.
    let above = result.above_chance.by_student.unwrap();
    assert_eq!((above.mean_difference, above.p_value), (0.0, 1.0));
    assert!(result.above_chance.by_item.is_none());
}

/// With shared items, "better than chance" is tested with the items as the unit too: six
/// students who all find the same eight of ten rounds easy are significant as students, not as
/// items — ten items are what the class says something about.
#[test]
fn a_class_of_shared_items_is_above_chance_by_item() {
    use basis_recipe::Arms;
    let quiz = shared(quiz());
    let mut tally = Tally::new(ClassTest::Spot(quiz.clone()));
    let right_on_first_eight = |nonce| {
        quiz.rounds(&student(nonce))
            .iter()
            .enumerate()
            .map(|(i, r)| Answer {
                left: r.neuron_left == (i < 8),
                confidence: 2,
            })
            .collect::<Vec<_>>()
    };
    for nonce in 1..=6 {
        let code = ResultCode::new(quiz.id(), right_on_first_eight(nonce), nonce);
        tally.add(&code.encode()).unwrap();
    }
    let result = tally.result();
    assert_eq!(result.items, Items::Shared);
    // Six students at 80%: 2 of the 64 sign patterns as extreme.
    let by_student = result.above_chance.by_student.as_ref().unwrap();
    assert_eq!((by_student.students, by_student.p_value), (6, 2.0 / 64.0));
    // Ten items, eight at +50 points and two at −50: 112 of the 1024 sign patterns reach ±3.
    let by_item = result.above_chance.by_item.as_ref().unwrap();
    assert_eq!(by_item.items, 10);
    assert!((by_item.mean_difference - 0.3).abs() < 1e-12);
    assert_eq!(by_item.p_value, 112.0 / 1024.0);
    assert_eq!(
        result.above_chance.p_value(Items::Shared),
        Some(by_item.p_value)
    );
    assert_eq!(
        result.above_chance.p_value(Items::Own),
        Some(by_student.p_value)
    );

    // A shared three-arm quiz: each kind of foil by item, and Holm over the items' p-values.
    let mut three = quiz.clone();
    three.arms = Arms::Three;
    let foils = spotting_only_against_random_foils(&three, 6)
        .result()
        .foils
        .unwrap();
    let by_item: Vec<(Arm, usize, f64, f64)> = foils
        .above_chance
        .iter()
        .map(|(foil, r)| {
            let r = r.by_item.as_ref().unwrap();
            (*foil, r.items, r.mean_difference, r.p_value)
        })
        .collect();
    // Five items per kind, all right or all wrong: 2 of 32 sign patterns.
    assert_eq!(
        by_item,
        vec![
            (Arm::Random, 5, 0.5, 2.0 / 32.0),
            (Arm::Learned, 5, -0.5, 2.0 / 32.0)
        ]
    );
    // The foils' difference by item: 2 of the 252 ways to split ten items five and five.
    let difference = foils.difference.by_item.as_ref().unwrap().p_value;
    assert!((difference - 2.0 / 252.0).abs() < 1e-12);
    let holm = foils.holm(Items::Shared);
    assert_eq!(holm[0], Some(0.125));
    assert_eq!(holm[1], Some(0.125));
    assert!((holm[2].unwrap() - 3.0 * 2.0 / 252.0).abs() < 1e-12);
}

#[test]
fn accuracy_is_counted_per_confidence_level_and_arm() {
    let test = predict();
    let key = test.key(&student(7));
    // Sure and right on neurons; guessing and wrong on random directions.
    let answers = key
        .iter()
        .map(|k| match k.arm {
            Some(Arm::Neuron) => Answer {
                left: k.left,
                confidence: 3,
            },
            _ => Answer {
                left: !k.left,
                confidence: 1,
            },
        })
        .collect();
    let score = Score::of(&test, &ResultCode::new(test.id(), answers, 7));
    let counts: Vec<(String, u64, u64)> = score
        .confidence
        .iter()
        .map(|(_, _, part)| (part.label.clone(), part.correct, part.total))
        .collect();
    let row = |label: &str, correct, total| (label.to_owned(), correct, total);
    assert_eq!(
        counts,
        vec![
            row("Neurons, guessing", 0, 0),
            row("Neurons, fairly sure", 0, 0),
            row("Neurons, sure", 5, 5),
            row("Random directions, guessing", 0, 5),
            row("Random directions, fairly sure", 0, 0),
            row("Random directions, sure", 0, 0),
        ]
    );
    let quiz_score = Score::of(&quiz(), &ResultCode::new(quiz().id(), vec![], 1));
    let labels: Vec<&str> = quiz_score
        .confidence
        .iter()
        .map(|(_, _, p)| p.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["Answers guessing", "Answers fairly sure", "Answers sure"]
    );
}

fn controlled() -> Predict {
    let mut test = predict();
    test.rounds = 12;
    test.control_rounds = ControlRounds::Borowski;
    test
}

#[test]
fn control_rounds_surround_rounds_balanced_by_arm_and_condition() {
    let test = controlled();
    assert_eq!(Predict::decode(&test.encode()), Ok(test.clone()));
    assert_eq!(URL_SAFE_NO_PAD.decode(test.encode()).unwrap()[0], 3);
    for nonce in 0..20 {
        let trials = test.trials(&student(nonce));
        assert_eq!(trials.len(), 12 + CONTROL_ROUNDS);
        let conditions: Vec<Condition> = trials.iter().map(|t| t.condition).collect();
        // One no-reference round per arm at the start and again at the end.
        for ends in [&trials[..2], &trials[trials.len() - 2..]] {
            assert!(ends.iter().all(|t| t.condition == Condition::NoReference));
            assert_ne!(ends[0].arm, ends[1].arm);
        }
        // A catch round in each half of the 14 rounds between them.
        let middle = &conditions[2..trials.len() - 2];
        let catch_at: Vec<usize> = (0..middle.len())
            .filter(|&i| middle[i] == Condition::Catch)
            .collect();
        assert_eq!(catch_at.len(), 2, "{conditions:?}");
        let counted_before = |at: usize| {
            middle[..at]
                .iter()
                .filter(|c| **c != Condition::Catch)
                .count()
        };
        assert!(counted_before(catch_at[0]) <= 6 && counted_before(catch_at[1]) >= 6);
        // The counted rounds: a quarter per arm and condition.
        for arm in Arm::BOTH {
            for condition in [Condition::Synthetic, Condition::Natural] {
                let n = trials
                    .iter()
                    .filter(|t| t.arm == arm && t.condition == condition)
                    .count();
                assert_eq!(n, 3, "{arm:?} {condition:?}");
            }
        }
        for t in &trials {
            assert_eq!(t.catch_slot.is_some(), t.condition == Condition::Catch);
            assert!(t.catch_slot.is_none_or(|slot| slot < REFERENCES));
        }
        // A layer's neurons stay distinct across the control rounds too.
        let mut neurons: Vec<(String, u32)> = trials
            .iter()
            .filter(|t| t.arm == Arm::Neuron)
            .map(|t| (t.layer.clone(), t.direction.channel))
            .collect();
        let drawn = neurons.len();
        assert!(
            drawn >= 8,
            "6 counted, 2 without references, and catch rounds'"
        );
        neurons.sort();
        neurons.dedup();
        assert_eq!(neurons.len(), drawn);
    }
    assert_ne!(test.trials(&student(1)), test.trials(&student(2)));
}

#[test]
fn control_rounds_need_a_multiple_of_four_and_a_predict_link() {
    let mut test = controlled();
    test.rounds = 10;
    assert!(matches!(
        test.validate(),
        Err(RecipeError::OutOfRange {
            field: "rounds",
            ..
        })
    ));
    assert!(matches!(
        Predict::decode(&test.encode()),
        Err(RecipeError::OutOfRange {
            field: "rounds",
            ..
        })
    ));
    let spot = controlled().encode();
    assert_eq!(Quiz::decode(&spot), Err(RecipeError::NoControlRounds));
    // Without control rounds a predict link keeps the version it had.
    let mut plain = controlled();
    plain.control_rounds = ControlRounds::None;
    assert_eq!(URL_SAFE_NO_PAD.decode(plain.encode()).unwrap()[0], 2);
}

/// Right on every round but the catch rounds listed (by their index among `key`).
fn right_but(key: &[Key], missed: &[usize]) -> Vec<Answer> {
    key.iter()
        .enumerate()
        .map(|(i, k)| Answer {
            left: k.left != missed.contains(&i),
            confidence: 3,
        })
        .collect()
}

#[test]
fn a_student_who_misses_a_catch_round_is_set_aside_with_the_round() {
    let test = controlled();
    let mut tally = Tally::new(ClassTest::Predict(test.clone()));
    let key = test.key(&student(4));
    let catch: Vec<usize> = (0..key.len())
        .filter(|&i| key[i].condition == Condition::Catch)
        .collect();
    let missed = ResultCode::new(test.id(), right_but(&key, &catch[1..]), 4).encode();
    assert_eq!(
        tally.add(&missed),
        Ok(Counted::SetAside {
            missed: vec![catch[1] + 1]
        })
    );
    assert_eq!(tally.add(&missed), Err(CodeError::Duplicate));
    assert_eq!((tally.students(), tally.set_aside()), (0, 1));
    assert_eq!(tally.score.total, 0, "a set-aside code counts nowhere");
    for nonce in 5..8 {
        let key = test.key(&student(nonce));
        let code = ResultCode::new(test.id(), right_but(&key, &[]), nonce).encode();
        assert_eq!(tally.add(&code), Ok(Counted::Graded));
    }
    let result = tally.result();
    assert_eq!(result.set_aside, vec![(student(4), vec![catch[1] + 1])]);
    // The score counts the 12 rounds with references; the catch rounds apart.
    assert_eq!((tally.score.correct, tally.score.total), (36, 36));
    let catch_part = tally.score.catch.as_ref().unwrap();
    assert_eq!((catch_part.correct, catch_part.total), (6, 6));
    let cells: Vec<(Arm, Condition, u64)> = tally
        .score
        .conditions
        .iter()
        .map(|(arm, condition, part)| (*arm, *condition, part.total))
        .collect();
    assert_eq!(
        cells,
        vec![
            (Arm::Neuron, Condition::NoReference, 6),
            (Arm::Neuron, Condition::Synthetic, 9),
            (Arm::Neuron, Condition::Natural, 9),
            (Arm::Random, Condition::NoReference, 6),
            (Arm::Random, Condition::Synthetic, 9),
            (Arm::Random, Condition::Natural, 9),
        ]
    );
    // Every cell: three students all right, each +50 points above chance.
    assert_eq!(result.conditions.len(), 6);
    for (_, _, cell) in &result.conditions {
        let cell = cell.as_ref().unwrap();
        assert_eq!((cell.students, cell.mean_difference), (3, 0.5));
    }
    // The arm tests use the rounds with visualizations: 3 per arm per student.
    assert_eq!(tally.students_by_arm()[0].neuron, (3, 3));
    assert_eq!(tally.items().len(), 18);
}

/// A link with control rounds (format version 3) and one student's rounds from it: changing
/// either would change what every such link's students were shown.
#[test]
fn control_rounds_are_pinned() {
    let test = controlled();
    assert_eq!(
        test.encode(),
        "AwESZWZmaWNpZW50bmV0LWxpdGUwEDAxMjM0NTY3ODlhYmNkZWYGYmxvY2szAAAAAAAAAAAAAAAAgAKAAQAAAIA_CtcjPAwIZmZmP83MjD8KBAIGYmxvY2szBmJsb2NrOAwAAQ"
    );
    let summary: Vec<String> = test
        .trials("AB12")
        .iter()
        .map(|t| {
            format!(
                "{} {:?} {:?} c{} {} {:?}",
                t.layer,
                t.arm,
                t.condition,
                t.direction.channel,
                if t.strong_left { "L" } else { "R" },
                t.catch_slot
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "block3 Neuron NoReference c17 L None",
            "block3 Random NoReference c0 L None",
            "block3 Random Natural c0 R None",
            "block8 Random Natural c0 L None",
            "block3 Random Natural c0 R None",
            "block8 Neuron Synthetic c109 L None",
            "block3 Random Catch c0 L Some(1)",
            "block3 Neuron Synthetic c23 L None",
            "block3 Neuron Natural c27 L None",
            "block3 Random Synthetic c0 R None",
            "block8 Random Synthetic c0 L None",
            "block3 Neuron Natural c28 R None",
            "block3 Random Synthetic c0 R None",
            "block8 Neuron Catch c87 L Some(0)",
            "block8 Neuron Natural c60 R None",
            "block3 Neuron Synthetic c0 L None",
            "block3 Random NoReference c0 L None",
            "block3 Neuron NoReference c13 R None",
        ],
        "{summary:#?}"
    );
}

/// A sheet's third arm: K learned directions (ICA 0..K at the layer), each from neuron j's channel
/// with the sheet's seed, in a version 5 link; without them the link keeps version 1's bytes.
#[test]
fn a_sheet_with_learned_tiles_is_version_5_and_lists_ica_directions_in_order() {
    use basis_recipe::Toward;
    let mut three = sheet();
    three.learned = 3;
    three.validate().unwrap();
    let tiles = three.tiles();
    assert_eq!(tiles.len(), 19);
    let learned: Vec<_> = tiles
        .iter()
        .filter(|t| t.kind == TileKind::Learned)
        .collect();
    for (j, tile) in learned.iter().enumerate() {
        assert_eq!(tile.recipe.toward, Toward::Learned(j as u32));
        assert_eq!((tile.recipe.mix, tile.recipe.seed), (1.0, three.base.seed));
        assert_eq!(tile.recipe.channel, tiles[j].recipe.channel);
        assert_eq!(tile.label(), format!("learned {}", j + 1));
    }
    let code = three.encode();
    assert_eq!(URL_SAFE_NO_PAD.decode(&code).unwrap()[0], 5);
    assert_eq!(Sheet::decode(&code), Ok(three.clone()));
    assert_eq!(URL_SAFE_NO_PAD.decode(sheet().encode()).unwrap()[0], 1);
    three.learned = 9;
    assert_eq!(three.validate().unwrap_err().field(), Some("learned"));
}

/// A third arm: rounds about directions learned from the shipped photos, a third of them, in a
/// version 5 link; each pair of arms is tested, students and items as the units, with Holm's
/// correction for the three comparisons. Spot the neuron and control rounds refuse it.
#[test]
fn a_three_arm_predict_test_tallies_each_pair_of_arms() {
    use basis_recipe::{ArmPair, Arms, LEARNED_ITEMS, Toward};
    let mut test = predict();
    test.arms = Arms::Three;
    test.rounds = 12;
    test.validate().unwrap();
    let code = test.encode();
    assert_eq!(URL_SAFE_NO_PAD.decode(&code).unwrap()[0], 5);
    assert_eq!(Predict::decode(&code), Ok(test.clone()));
    let trials = test.trials(&student(4));
    for arm in Arm::THREE {
        assert_eq!(trials.iter().filter(|t| t.arm == arm).count(), 4, "{arm:?}");
    }
    let mut learned: Vec<(String, u32)> = Vec::new();
    for trial in trials.iter().filter(|t| t.arm == Arm::Learned) {
        let Toward::Learned(k) = trial.direction.toward else {
            panic!("a learned round turns toward a learned direction: {trial:?}");
        };
        assert!(k < LEARNED_ITEMS && trial.direction.mix == 1.0);
        assert!(!learned.contains(&(trial.layer.clone(), k)), "drawn twice");
        learned.push((trial.layer.clone(), k));
    }
    // Held out: the same rounds, each learned one learned from half of the photos instead.
    let mut held_out = test.clone();
    held_out.arms = Arms::ThreeHeldOut;
    held_out.validate().unwrap();
    assert_eq!(Predict::decode(&held_out.encode()), Ok(held_out.clone()));
    // The arms are the link's last byte: 0 for links made before held-out ones, which keep it.
    let last = |test: &Predict| {
        *URL_SAFE_NO_PAD
            .decode(test.encode())
            .unwrap()
            .last()
            .unwrap()
    };
    assert_eq!((last(&test), last(&held_out)), (0, 1));
    assert_ne!(held_out.id(), test.id());
    for (trial, plain) in held_out.trials(&student(4)).iter().zip(&trials) {
        let mut expected = plain.clone();
        if let Toward::Learned(k) = plain.direction.toward {
            expected.direction.toward = Toward::LearnedHalf(k);
        }
        assert_eq!(*trial, expected);
    }
    // Two-arm links draw exactly what they drew before.
    assert_eq!(predict().trials(&student(4)).len(), 10);
    assert!(
        predict()
            .trials(&student(4))
            .iter()
            .all(|t| t.arm != Arm::Learned)
    );

    // Students right on neurons only: +1 against each other arm, 0 between random and learned.
    let mut tally = Tally::new(ClassTest::Predict(test.clone()));
    for nonce in 1..=4 {
        let answers = right_on_neurons_only(&test.key(&student(nonce)));
        tally
            .add(&ResultCode::new(test.id(), answers, nonce).encode())
            .unwrap();
    }
    let arms: Vec<(Arm, u64, u64)> = tally
        .score
        .arms
        .iter()
        .map(|(arm, s)| (*arm, s.correct, s.total))
        .collect();
    assert_eq!(
        arms,
        vec![
            (Arm::Neuron, 16, 16),
            (Arm::Random, 0, 16),
            (Arm::Learned, 0, 16)
        ]
    );
    let result = tally.result();
    let pairs: Vec<(Arm, Arm, f64)> = result
        .pairs
        .iter()
        .map(|p| (p.a, p.b, p.by_student.as_ref().unwrap().mean_difference))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (Arm::Neuron, Arm::Random, 1.0),
            (Arm::Neuron, Arm::Learned, 1.0),
            (Arm::Random, Arm::Learned, 0.0)
        ]
    );
    // Four students all +1: 2 of the 16 sign patterns are as extreme.
    assert_eq!(result.pairs[1].by_student.as_ref().unwrap().p_value, 0.125);
    assert_eq!(result.pairs[1].by_item.as_ref().unwrap().difference, 1.0);
    // The two-arm fields still hold neurons against random directions.
    assert_eq!(result.arm_by_student, result.pairs[0].by_student);
    assert!(
        Tally::new(ClassTest::Predict(predict()))
            .result()
            .pairs
            .is_empty()
    );

    assert_eq!(ArmPair::holm(&[0.01, 0.04, 0.03]), vec![0.03, 0.06, 0.06]);
    let mut bad = test.clone();
    bad.rounds = 10;
    assert_eq!(bad.validate().unwrap_err().field(), Some("rounds"));
    bad.rounds = 12;
    bad.control_rounds = basis_recipe::ControlRounds::Borowski;
    assert_eq!(bad.validate().unwrap_err().field(), Some("arms"));
}

/// A tally of `students` students who spot every neuron against random foils and none against
/// learned ones.
fn spotting_only_against_random_foils(quiz: &Quiz, students: u64) -> Tally {
    let mut tally = Tally::new(ClassTest::Spot(quiz.clone()));
    for nonce in 1..=students {
        let answers = quiz
            .rounds(&student(nonce))
            .iter()
            .map(|r| Answer {
                left: r.neuron_left == (r.foil_arm == Arm::Random),
                confidence: 2,
            })
            .collect();
        let code = ResultCode::new(quiz.id(), answers, nonce);
        tally.add(&code.encode()).unwrap();
    }
    tally
}

/// Spot the neuron with a third arm: half of each student's rounds show the neuron against a
/// random direction, half against a learned one; two-arm quizzes draw as before; the tally tells
/// each kind of foil from chance and compares the two, three tests Holm-adjusted together.
#[test]
fn a_three_arm_quiz_shows_neurons_against_random_and_learned_foils() {
    use basis_recipe::{Arms, FOILS, LEARNED_ITEMS, Toward};
    let mut quiz = quiz();
    quiz.arms = Arms::Three;
    quiz.validate().unwrap();
    let code = quiz.encode();
    assert_eq!(URL_SAFE_NO_PAD.decode(&code).unwrap()[0], 5);
    assert_eq!(Quiz::decode(&code), Ok(quiz.clone()));
    assert_ne!(quiz.id(), self::quiz().id());
    let rounds = quiz.rounds(&student(3));
    assert_eq!(rounds.len(), 10);
    for foil in FOILS {
        assert_eq!(rounds.iter().filter(|r| r.foil_arm == foil).count(), 5);
    }
    let mut learned: Vec<(String, u32)> = Vec::new();
    for round in &rounds {
        // Fair as before: the two pictures differ only in their direction and starting noise.
        let mut foil_as_neuron = round.foil.clone();
        (foil_as_neuron.mix, foil_as_neuron.seed) = (0.0, round.neuron.seed);
        foil_as_neuron.toward = round.neuron.toward;
        assert_eq!(foil_as_neuron, round.neuron);
        assert_eq!(round.foil.mix, 1.0);
        match (round.foil_arm, round.foil.toward) {
            (Arm::Learned, Toward::Learned(k)) => {
                assert!(k < LEARNED_ITEMS);
                assert!(!learned.contains(&(round.layer.clone(), k)), "drawn twice");
                learned.push((round.layer.clone(), k));
            }
            (Arm::Random, toward) => assert_eq!(toward, round.neuron.toward),
            other => panic!("a foil is random or learned: {other:?}"),
        }
        let expected = if round.neuron_left {
            [Arm::Neuron, round.foil_arm]
        } else {
            [round.foil_arm, Arm::Neuron]
        };
        assert_eq!(round.arms(), expected);
    }
    // Each layer's rounds are half against each kind (one more of neither).
    for layer in &quiz.layers {
        let of = |foil| {
            rounds
                .iter()
                .filter(|r| &r.layer == layer && r.foil_arm == foil)
                .count() as i64
        };
        assert!((of(Arm::Random) - of(Arm::Learned)).abs() <= 1, "{layer}");
    }
    // Two-arm quizzes keep random foils only.
    assert!(
        self::quiz()
            .rounds(&student(3))
            .iter()
            .all(|r| r.foil_arm == Arm::Random && r.foil.toward == r.neuron.toward)
    );
    let mut held_out = quiz.clone();
    held_out.arms = Arms::ThreeHeldOut;
    assert_eq!(held_out.validate(), Err(RecipeError::HeldOutFoils));
    assert!(Quiz::decode(&held_out.encode()).is_err());
    let mut odd = quiz.clone();
    odd.rounds = 9;
    assert_eq!(odd.validate().unwrap_err().field(), Some("rounds"));
    assert!(Quiz::decode(&odd.encode()).is_err());

    let tally = spotting_only_against_random_foils(&quiz, 4);
    let foils: Vec<(Arm, &str, u64, u64)> = tally
        .score
        .foils
        .iter()
        .map(|(foil, s)| (*foil, s.label.as_str(), s.correct, s.total))
        .collect();
    assert_eq!(
        foils,
        vec![
            (Arm::Random, "Against random directions", 20, 20),
            (Arm::Learned, "Against learned directions", 0, 20)
        ]
    );
    assert!(tally.score.arms.is_empty(), "a quiz's rounds have no arm");
    let result = tally.result();
    assert!(result.pairs.is_empty());
    let foils = result.foils.expect("a three-arm quiz compares its foils");
    let above: Vec<(Arm, f64)> = foils
        .above_chance
        .iter()
        .map(|(foil, r)| (*foil, r.by_student.as_ref().unwrap().mean_difference))
        .collect();
    assert_eq!(above, vec![(Arm::Random, 0.5), (Arm::Learned, -0.5)]);
    let difference = foils.difference.by_student.as_ref().unwrap();
    assert_eq!((difference.students, difference.mean_difference), (4, 1.0));
    // Four students all alike: 2 of the 16 sign patterns are as extreme, three times: Holm
    // multiplies the smallest by 3, then keeps the running maximum.
    assert_eq!(difference.p_value, 0.125);
    assert_eq!(foils.holm(Items::Own), [Some(0.375); 3]);
    // Items: each round's neuron and foil; every random-foil item right, every learned one wrong.
    let by_item = foils.difference.by_item.as_ref().unwrap();
    assert_eq!((by_item.neuron_items, by_item.random_items), (20, 20));
    assert_eq!(by_item.difference, 1.0);
    assert!(
        Tally::new(ClassTest::Spot(self::quiz()))
            .result()
            .foils
            .is_none(),
        "two-arm quizzes read as before"
    );
}
