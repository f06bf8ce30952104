//! Grading without a model: a test's link and a student's nonce fix each of their rounds' right
//! answer ([`Key`]), so a student's score and a class's tally are recomputed from the link and
//! the result codes alone.

use crate::Recipe;
use crate::arm_effect::{self, AboveChanceByItem, ByItem, ByStudent, ItemAnswers, StudentAnswers};
use crate::code::{Answer, CodeError, ResultCode};
use crate::design::Items;
use crate::predict::{Arm, Condition, Predict};
use crate::quiz::{FOILS, Quiz};

/// A test a class answers round by round and hands in as result codes.
pub trait Graded {
    /// The fingerprint every result code carries.
    fn id(&self) -> String;
    fn layers(&self) -> &[String];
    /// The right side of each of student `student`'s rounds (`student`: the nonce of their
    /// result code), with what the round is about.
    fn key(&self, student: &str) -> Vec<Key>;
}

/// What grading a round needs — no model: the link fixes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub layer: String,
    /// Which kind of direction the round is about (predict-the-response only).
    pub arm: Option<Arm>,
    /// The kind of direction the neuron is shown against (spot the neuron with a third arm only).
    pub foil: Option<Arm>,
    /// What the round asks about, the same for every student it is drawn for: a direction (a
    /// neuron is its layer and channel, a random direction its layer and seed), or — spot the
    /// neuron with a third arm — the neuron and its foil.
    pub item: String,
    /// The right answer is the left side.
    pub left: bool,
    /// What the round shows as references ("spot the neuron": visualizations).
    pub condition: Condition,
}

impl Key {
    /// The round counts towards a score: it has references, and is not a catch round.
    fn counted(&self) -> bool {
        matches!(self.condition, Condition::Synthetic | Condition::Natural)
    }
}

impl Graded for Quiz {
    fn id(&self) -> String {
        Quiz::id(self)
    }

    fn layers(&self) -> &[String] {
        &self.layers
    }

    fn key(&self, student: &str) -> Vec<Key> {
        let three = self.arms.has_learned();
        self.rounds(student)
            .into_iter()
            .map(|round| Key {
                item: if three {
                    format!("{} vs {}", item(&round.neuron), item(&round.foil))
                } else {
                    item(&round.neuron)
                },
                layer: round.layer,
                arm: None,
                foil: three.then_some(round.foil_arm),
                left: round.neuron_left,
                condition: Condition::Synthetic,
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

    fn key(&self, student: &str) -> Vec<Key> {
        self.trials(student)
            .into_iter()
            .map(|trial| Key {
                item: item(&trial.direction),
                layer: trial.layer,
                arm: Some(trial.arm),
                foil: None,
                left: trial.strong_left,
                condition: trial.condition,
            })
            .collect()
    }
}

/// A direction's identity across students: "block8:12" for a neuron, "block8:random:3902" for a
/// random direction (its seed draws it), "block8:learned:3" for a learned one.
fn item(direction: &Recipe) -> String {
    if direction.toward.learned().is_some() {
        format!("{}:{}", direction.layer, direction.toward)
    } else if direction.mix == 0.0 {
        format!("{}:{}", direction.layer, direction.channel)
    } else {
        format!("{}:random:{}", direction.layer, direction.seed)
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

    /// Each distinct direction the students of `nonces` saw visualized, with its arm, in the
    /// order first met: a quiz's pictures (each round's neuron and foil, a picture each, made in
    /// batches that draw the quiz's transforms), a predict test's directions (four references
    /// each, [`crate::reference_seeds`]).
    pub fn visualized<'a>(&self, nonces: impl IntoIterator<Item = &'a str>) -> Vec<(Arm, Recipe)> {
        let mut seen: Vec<(Arm, Recipe)> = Vec::new();
        let mut see = |arm: Arm, recipe: &Recipe| {
            if !seen.iter().any(|(_, r)| r == recipe) {
                seen.push((arm, recipe.clone()));
            }
        };
        for nonce in nonces {
            match self {
                ClassTest::Spot(quiz) => {
                    for round in quiz.rounds(nonce) {
                        for (recipe, arm) in round.shown().into_iter().zip(round.arms()) {
                            see(arm, recipe);
                        }
                    }
                }
                ClassTest::Predict(predict) => {
                    for trial in predict.trials(nonce) {
                        if trial.condition == Condition::Synthetic {
                            see(trial.arm, &trial.direction);
                        }
                    }
                }
            }
        }
        seen
    }

    /// Every round a student answers, control rounds included.
    pub fn rounds(&self) -> usize {
        match self {
            ClassTest::Spot(quiz) => quiz.rounds,
            ClassTest::Predict(predict) => predict.all_rounds(),
        }
    }

    pub fn items(&self) -> Items {
        match self {
            ClassTest::Spot(quiz) => quiz.items,
            ClassTest::Predict(predict) => predict.items,
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

    fn key(&self, student: &str) -> Vec<Key> {
        self.graded().key(student)
    }
}

/// Correct answers out of answered rounds: overall and per layer (in the test's layer order) over
/// the counted rounds (those with references, catch rounds aside); for predict-the-response per
/// arm (neurons, then random directions) over the rounds with visualizations; per confidence
/// level (per arm where there are arms) over those too: a student who knows should be right more
/// often when sure. With control rounds, also per arm and kind of reference, and the catch rounds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    pub correct: u64,
    pub total: u64,
    pub layers: Vec<PartScore>,
    pub arms: Vec<(Arm, PartScore)>,
    /// Per arm (`None` for a test without arms) and confidence level (1 guessing, 2 fairly
    /// sure, 3 sure), in that order.
    pub confidence: Vec<(Option<Arm>, u8, PartScore)>,
    /// Per arm and condition ([`Condition::READ`]), with control rounds only.
    pub conditions: Vec<(Arm, Condition, PartScore)>,
    /// The catch rounds, with control rounds only.
    pub catch: Option<PartScore>,
    /// Per kind of foil (spot the neuron with a third arm only): the rounds against random
    /// directions, then against learned ones.
    pub foils: Vec<(Arm, PartScore)>,
}

/// "Against random directions", "Against learned directions".
pub fn foil_label(foil: Arm) -> &'static str {
    match foil {
        Arm::Learned => "Against learned directions",
        _ => "Against random directions",
    }
}

/// The confidence levels a student picks from, with their names.
pub const CONFIDENCE_LEVELS: [(u8, &str); 3] = [(1, "guessing"), (2, "fairly sure"), (3, "sure")];

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
    /// One student's answers to `test`, scored against their own rounds.
    pub fn of(test: &(impl Graded + ?Sized), code: &ResultCode) -> Self {
        let key = test.key(&code.nonce);
        let mut score = Self::empty(test, &key);
        score.add(&key, &code.answers);
        score
    }

    /// Nothing counted yet, with a part per layer and — when the key has arms — per arm, and per
    /// arm and condition when it has control rounds.
    fn empty(test: &(impl Graded + ?Sized), key: &[Key]) -> Self {
        let has_arms = key.iter().any(|k| k.arm.is_some());
        // A third arm shows in the score where the test has it; two-arm tests read as before.
        let arms: Vec<Arm> = Arm::THREE
            .into_iter()
            .filter(|&arm| arm != Arm::Learned || key.iter().any(|k| k.arm == Some(arm)))
            .collect();
        let has_controls = key.iter().any(|k| k.condition != Condition::Synthetic);
        Self {
            correct: 0,
            total: 0,
            layers: test.layers().iter().map(|l| PartScore::new(l)).collect(),
            arms: if has_arms {
                arms.iter()
                    .map(|&arm| (arm, PartScore::new(arm.label())))
                    .collect()
            } else {
                Vec::new()
            },
            confidence: if has_arms {
                arms.iter().copied().map(Some).collect()
            } else {
                vec![None]
            }
            .into_iter()
            .flat_map(|arm| {
                CONFIDENCE_LEVELS.map(|(level, name)| {
                    let label = match arm {
                        Some(arm) => format!("{}, {name}", arm.label()),
                        None => format!("Answers {name}"),
                    };
                    (arm, level, PartScore::new(&label))
                })
            })
            .collect(),
            conditions: if has_controls {
                Arm::BOTH
                    .into_iter()
                    .flat_map(|arm| {
                        Condition::READ.map(|condition| {
                            let label = format!("{}, {}", arm.label(), condition.label());
                            (arm, condition, PartScore::new(&label))
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            },
            catch: has_controls.then(|| PartScore::new("Catch rounds")),
            foils: if key.iter().any(|k| k.foil.is_some()) {
                FOILS
                    .map(|foil| (foil, PartScore::new(foil_label(foil))))
                    .into()
            } else {
                Vec::new()
            },
        }
    }

    /// Adds one student's answers to the test's key.
    fn add(&mut self, key: &[Key], answers: &[Answer]) {
        for (round, answer) in key.iter().zip(answers) {
            let right = answer.left == round.left;
            if let Some(part) = self.conditions.iter_mut().find(|(arm, condition, _)| {
                Some(*arm) == round.arm && *condition == round.condition
            }) {
                part.2.count(right);
            }
            if round.condition == Condition::Catch
                && let Some(catch) = &mut self.catch
            {
                catch.count(right);
            }
            if !round.counted() {
                continue;
            }
            self.correct += right as u64;
            self.total += 1;
            if let Some(layer) = self.layers.iter_mut().find(|l| l.label == round.layer) {
                layer.count(right);
            }
            if let Some((_, foil)) = self.foils.iter_mut().find(|(f, _)| Some(*f) == round.foil) {
                foil.count(right);
            }
            if round.condition != Condition::Synthetic {
                continue;
            }
            if let Some((_, arm)) = self.arms.iter_mut().find(|(a, _)| Some(*a) == round.arm) {
                arm.count(right);
            }
            let level = self
                .confidence
                .iter_mut()
                .find(|(arm, level, _)| *arm == round.arm && *level == answer.confidence);
            if let Some((_, _, part)) = level {
                part.count(right);
            }
        }
    }
}

/// A class's codes for one test: each accepted once, each refused with its reason, each graded
/// against its own student's rounds — unless the student missed a catch round, which sets their
/// code aside (counted, with the reason, and kept out of every score and test).
#[derive(Debug, Clone)]
pub struct Tally {
    test: ClassTest,
    /// The id every accepted code carries.
    id: String,
    /// Each accepted code, with the key of its student's rounds.
    graded: Vec<(ResultCode, Vec<Key>)>,
    /// Each code set aside, with the catch rounds (numbered from 1) its student missed.
    set_aside: Vec<(ResultCode, Vec<usize>)>,
    /// Every answer counted together: a description of the class, not a test (the answers are
    /// neither independent across rounds of one student nor across students of one item).
    pub score: Score,
}

/// What became of a code the tally accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    Graded,
    /// The student missed these catch rounds (numbered from 1): one of the references was the
    /// right photo itself, so they were not reading the references.
    SetAside {
        missed: Vec<usize>,
    },
}

impl Tally {
    pub fn new(test: ClassTest) -> Self {
        // Any student's key tells whether the test has arms and control rounds.
        let score = Score::empty(&test, &test.key(""));
        Self {
            id: test.id(),
            test,
            graded: Vec::new(),
            set_aside: Vec::new(),
            score,
        }
    }

    /// Students whose answers are counted.
    pub fn students(&self) -> usize {
        self.graded.len()
    }

    /// The counted students, by the nonce their codes carry (what draws their rounds).
    pub fn nonces(&self) -> impl Iterator<Item = &str> {
        self.graded.iter().map(|(code, _)| code.nonce.as_str())
    }

    /// Students set aside for missing a catch round.
    pub fn set_aside(&self) -> usize {
        self.set_aside.len()
    }

    /// Checks one code and counts it, or sets it aside.
    pub fn add(&mut self, text: &str) -> Result<Counted, CodeError> {
        let code = ResultCode::decode(text)?;
        if code.quiz != self.id {
            return Err(CodeError::Foreign {
                found: code.quiz,
                expected: self.id.clone(),
            });
        }
        let key = self.test.key(&code.nonce);
        if code.answers.len() != key.len() {
            return Err(CodeError::Rounds {
                found: code.answers.len(),
                expected: key.len(),
            });
        }
        let accepted = self.graded.iter().map(|(c, _)| c);
        if accepted
            .chain(self.set_aside.iter().map(|(c, _)| c))
            .any(|c| *c == code)
        {
            return Err(CodeError::Duplicate);
        }
        let missed: Vec<usize> = key
            .iter()
            .zip(&code.answers)
            .enumerate()
            .filter(|(_, (round, answer))| {
                round.condition == Condition::Catch && answer.left != round.left
            })
            .map(|(i, _)| i + 1)
            .collect();
        if !missed.is_empty() {
            self.set_aside.push((code, missed.clone()));
            return Ok(Counted::SetAside { missed });
        }
        self.score.add(&key, &code.answers);
        self.graded.push((code, key));
        Ok(Counted::Graded)
    }

    /// Each counted student's right and answered rounds among those `keep` selects.
    fn per_student(&self, keep: impl Fn(&Key) -> bool) -> Vec<(u32, u32)> {
        self.graded
            .iter()
            .map(|(code, key)| {
                let mut right_answered = (0, 0);
                for (round, answer) in key.iter().zip(&code.answers) {
                    if keep(round) {
                        right_answered.0 += (answer.left == round.left) as u32;
                        right_answered.1 += 1;
                    }
                }
                right_answered
            })
            .collect()
    }

    /// What the class's answers say, each test with its right unit.
    pub fn result(&self) -> ClassResult {
        let conditions = if self.score.conditions.is_empty() {
            Vec::new()
        } else {
            Arm::BOTH
                .into_iter()
                .flat_map(|arm| Condition::READ.map(|condition| (arm, condition)))
                .map(|(arm, condition)| {
                    let cell = self.per_student(|k| k.arm == Some(arm) && k.condition == condition);
                    (arm, condition, arm_effect::above_chance(&cell, TEST_SEED))
                })
                .collect()
        };
        let pairs = if self.has_learned() {
            [
                (Arm::Neuron, Arm::Random),
                (Arm::Neuron, Arm::Learned),
                (Arm::Random, Arm::Learned),
            ]
            .into_iter()
            .map(|(a, b)| self.pair(ARM, a, b))
            .collect()
        } else {
            Vec::new()
        };
        ClassResult {
            items: self.test.items(),
            above_chance: self.above_chance(|_| true),
            arm_by_student: arm_effect::by_student(&self.students_by_arm(), TEST_SEED),
            arm_by_item: arm_effect::by_item(
                &self.items_of(ARM, Arm::Neuron, Arm::Random),
                TEST_SEED,
            ),
            pairs,
            foils: self.foils(),
            conditions,
            set_aside: self
                .set_aside
                .iter()
                .map(|(code, missed)| (code.nonce.clone(), missed.clone()))
                .collect(),
        }
    }

    /// Each student's right and answered rounds with visualizations on neurons and on random
    /// directions.
    pub fn students_by_arm(&self) -> Vec<StudentAnswers> {
        self.students_on(ARM, Arm::Neuron, Arm::Random)
    }

    /// As [`Tally::students_by_arm`] for the rounds whose `kind` is `a` or `b`: the arm-effect
    /// tests read `a` where they say neurons and `b` where they say random directions.
    fn students_on(&self, kind: Kind, a: Arm, b: Arm) -> Vec<StudentAnswers> {
        let on = |arm| {
            self.per_student(move |k| kind(k) == Some(arm) && k.condition == Condition::Synthetic)
        };
        on(a)
            .into_iter()
            .zip(on(b))
            .map(|(neuron, random)| StudentAnswers { neuron, random })
            .collect()
    }

    /// Spot the neuron with a third arm: each kind of foil above chance, and the two compared
    /// ([`FOILS`]' first read as the arm-effect tests' neurons, the second as their random
    /// directions).
    fn foils(&self) -> Option<Foils> {
        if self.score.foils.is_empty() {
            return None;
        }
        let [a, b] = FOILS;
        Some(Foils {
            above_chance: FOILS.map(|foil| (foil, self.above_chance(|k| k.foil == Some(foil)))),
            difference: self.pair(FOIL, a, b),
        })
    }

    /// Better than chance on the rounds `keep` selects: students as the unit and, with shared
    /// items, items as the unit (over the rounds with visualizations).
    fn above_chance(&self, keep: impl Fn(&Key) -> bool) -> AboveChance {
        let by_item = match self.test.items() {
            Items::Own => None,
            Items::Shared => {
                let items: Vec<(u32, u32)> = self
                    .per_item(&keep)
                    .into_iter()
                    .map(|(_, answers)| answers)
                    .collect();
                arm_effect::above_chance_by_item(&items, TEST_SEED)
            }
        };
        AboveChance {
            by_student: arm_effect::above_chance(
                &self.per_student(|k| k.counted() && keep(k)),
                TEST_SEED,
            ),
            by_item,
        }
    }

    /// The test has a third arm.
    fn has_learned(&self) -> bool {
        match &self.test {
            ClassTest::Predict(predict) => predict.arms.has_learned(),
            ClassTest::Spot(_) => false,
        }
    }

    /// The rounds whose `kind` is `a` against those whose `kind` is `b`, students and items as
    /// the unit.
    fn pair(&self, kind: Kind, a: Arm, b: Arm) -> ArmPair {
        ArmPair {
            a,
            b,
            by_student: arm_effect::by_student(&self.students_on(kind, a, b), TEST_SEED),
            by_item: arm_effect::by_item(&self.items_of(kind, a, b), TEST_SEED),
        }
    }

    /// The items whose `kind` is `a` or `b`, `a`'s read as the item test's first arm (neurons)
    /// and `b`'s as its second.
    fn items_of(&self, kind: Kind, a: Arm, b: Arm) -> Vec<ItemAnswers> {
        self.items_by(kind)
            .into_iter()
            .filter(|i| i.arm == a || i.arm == b)
            .map(|i| ItemAnswers {
                arm: if i.arm == a { Arm::Neuron } else { Arm::Random },
                ..i
            })
            .collect()
    }

    /// Each item (a direction shown with its visualizations, whoever was shown it): its arm, and
    /// how many of the rounds that asked about it were answered right. In the order items were
    /// first met.
    pub fn items(&self) -> Vec<ItemAnswers> {
        self.items_by(ARM)
    }

    /// As [`Tally::items`], each item's kind read from its rounds' keys by `kind` (rounds without
    /// one left out).
    fn items_by(&self, kind: Kind) -> Vec<ItemAnswers> {
        self.per_item(|k| kind(k).is_some())
            .into_iter()
            .filter_map(|(key, (right, answered))| {
                Some(ItemAnswers {
                    arm: kind(key)?,
                    right,
                    answered,
                })
            })
            .collect()
    }

    /// Each item among the rounds with visualizations that `keep` selects, with its first key and
    /// how many of the rounds that asked about it were answered right, in the order first met.
    fn per_item(&self, keep: impl Fn(&Key) -> bool) -> Vec<(&Key, (u32, u32))> {
        let mut items: Vec<(&Key, (u32, u32))> = Vec::new();
        for (code, key) in &self.graded {
            for (round, answer) in key.iter().zip(&code.answers) {
                if round.condition != Condition::Synthetic || !keep(round) {
                    continue;
                }
                let at = match items.iter().position(|(item, _)| item.item == round.item) {
                    Some(at) => at,
                    None => {
                        items.push((round, (0, 0)));
                        items.len() - 1
                    }
                };
                items[at].1.0 += (answer.left == round.left) as u32;
                items[at].1.1 += 1;
            }
        }
        items
    }
}

impl ClassResult {
    /// Each pair's p-value in the unit the link's items call for (each student's own items: the
    /// students' test; shared items: the items' test), Holm-adjusted over the pairs that have
    /// one; `None` for a pair without.
    pub fn pairs_holm(&self) -> Vec<Option<f64>> {
        let p: Vec<Option<f64>> = self
            .pairs
            .iter()
            .map(|pair| pair.p_value(self.items))
            .collect();
        ArmPair::holm_where_present(&p)
    }
}

/// Spot the neuron with a third arm: how well a class told neurons from each kind of foil.
#[derive(Debug, Clone, PartialEq)]
pub struct Foils {
    /// Per kind of foil ([`FOILS`]' order), accuracy above chance: below chance against learned
    /// foils says the learned directions looked more like "a neuron".
    pub above_chance: [(Arm, AboveChance); 2],
    /// Accuracy against random foils minus against learned ones, both units.
    pub difference: ArmPair,
}

impl Foils {
    /// The three p-values — each kind of foil above chance, and their difference in the unit
    /// `items` calls for — Holm-adjusted over those that exist (three tests of one class).
    pub fn holm(&self, items: Items) -> [Option<f64>; 3] {
        let [(_, random), (_, learned)] = &self.above_chance;
        let p = [
            random.p_value(items),
            learned.p_value(items),
            self.difference.p_value(items),
        ];
        let adjusted = ArmPair::holm_where_present(&p);
        [adjusted[0], adjusted[1], adjusted[2]]
    }
}

/// Better than chance, in both units.
#[derive(Debug, Clone, PartialEq)]
pub struct AboveChance {
    /// Students as the unit: with shared items it speaks for these items only.
    pub by_student: Option<ByStudent>,
    /// Items as the unit, with shared items only (each student's own items are each answered
    /// by a student or two, and vary with the students already).
    pub by_item: Option<AboveChanceByItem>,
}

impl AboveChance {
    /// The p-value in the unit `items` calls for: students for each student's own items, items
    /// for shared ones.
    pub fn p_value(&self, items: Items) -> Option<f64> {
        match items {
            Items::Own => self.by_student.as_ref().map(|r| r.p_value),
            Items::Shared => self.by_item.as_ref().map(|r| r.p_value),
        }
    }
}

/// One pair of arms compared: `a`'s accuracy minus `b`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmPair {
    pub a: Arm,
    pub b: Arm,
    pub by_student: Option<ByStudent>,
    pub by_item: Option<ByItem>,
}

impl ArmPair {
    /// Holm's step-down adjusted p-values of `p_values` (one per pair, in order): the family of
    /// comparisons keeps its 5% level.
    pub fn holm(p_values: &[f64]) -> Vec<f64> {
        let m = p_values.len();
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
        let mut adjusted = vec![0.0; m];
        let mut running: f64 = 0.0;
        for (rank, &i) in order.iter().enumerate() {
            running = running.max(((m - rank) as f64 * p_values[i]).min(1.0));
            adjusted[i] = running;
        }
        adjusted
    }

    /// [`ArmPair::holm`] over the p-values there are; `None` stays where there is none.
    fn holm_where_present(p: &[Option<f64>]) -> Vec<Option<f64>> {
        let present: Vec<f64> = p.iter().flatten().copied().collect();
        let mut adjusted = ArmPair::holm(&present).into_iter();
        p.iter().map(|v| v.and_then(|_| adjusted.next())).collect()
    }

    /// The p-value in the unit `items` calls for: students for each student's own items, items
    /// for shared ones.
    fn p_value(&self, items: Items) -> Option<f64> {
        match items {
            Items::Own => self.by_student.as_ref().map(|r| r.p_value),
            Items::Shared => self.by_item.as_ref().map(|r| r.p_value),
        }
    }
}

/// Which kind of direction a round is about, as the tests compare rounds: its arm (predict the
/// response) or its foil (spot the neuron with a third arm).
type Kind = fn(&Key) -> Option<Arm>;
const ARM: Kind = |k| k.arm;
const FOIL: Kind = |k| k.foil;

/// The seed of the tests' Monte Carlo draws: fixed, so one class's codes give the same numbers on
/// the tally page and from `basis tally`.
const TEST_SEED: u64 = 2021;

/// What a class's answers say, each with the sampling unit that makes it a test (see
/// `arm_effect`). Which arm test answers "neurons or random directions?" depends on the link:
/// with each student's own items, the students' test; with shared items, the items' test. Both
/// are over the rounds with visualizations.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassResult {
    pub items: Items,
    /// Better than chance, over every counted round (items as the unit: over the rounds with
    /// visualizations).
    pub above_chance: AboveChance,
    /// Neurons against random directions (predict only), students as the unit.
    pub arm_by_student: Option<ByStudent>,
    /// The same, items as the unit.
    pub arm_by_item: Option<ByItem>,
    /// With a third arm, each pair of arms (neurons–random, neurons–learned, random–learned),
    /// both units; each test at its own 5% level (three comparisons: read with Holm's
    /// correction, [`ArmPair::holm`]).
    pub pairs: Vec<ArmPair>,
    /// Spot the neuron with a third arm: each kind of foil, and the two compared.
    pub foils: Option<Foils>,
    /// With control rounds: per arm and condition ([`Condition::READ`], the no-reference
    /// baseline first), the students' mean accuracy above one half, students as the unit.
    pub conditions: Vec<(Arm, Condition, Option<ByStudent>)>,
    /// Each student set aside (their nonce) with the catch rounds they missed.
    pub set_aside: Vec<(String, Vec<usize>)>,
}
