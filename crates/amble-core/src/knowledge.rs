//! The knowledge base: questions, warning signs, patterns and sources, loaded from the TOML
//! files in `content/` and validated so a broken reference can never ship.

use serde::Deserialize;

use crate::outcomes::OutcomeRules;
use crate::tuning::PlanTuning;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use crate::answers::{DERIVED_KEYS, Facts};
use crate::journal::Entry;
use crate::tier::Tier;

/// A knowledge-base file's name and text.
#[derive(Debug, Clone, Copy)]
pub struct ContentFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The content files compiled into Amble.
pub const EMBEDDED: &[ContentFile<'static>] = &[
    ContentFile {
        name: "content/sources.toml",
        text: include_str!("../../../content/sources.toml"),
    },
    ContentFile {
        name: "content/questions.toml",
        text: include_str!("../../../content/questions.toml"),
    },
    ContentFile {
        name: "content/red_flags.toml",
        text: include_str!("../../../content/red_flags.toml"),
    },
    ContentFile {
        name: "content/patterns.toml",
        text: include_str!("../../../content/patterns.toml"),
    },
    ContentFile {
        name: "content/exercises.toml",
        text: include_str!("../../../content/exercises.toml"),
    },
    ContentFile {
        name: "content/guidance.toml",
        text: include_str!("../../../content/guidance.toml"),
    },
    ContentFile {
        name: "content/plan.toml",
        text: include_str!("../../../content/plan.toml"),
    },
    ContentFile {
        name: "content/outcomes.toml",
        text: include_str!("../../../content/outcomes.toml"),
    },
    ContentFile {
        name: "content/learn.toml",
        text: include_str!("../../../content/learn.toml"),
    },
    ContentFile {
        name: "content/coach.toml",
        text: include_str!("../../../content/coach.toml"),
    },
    ContentFile {
        name: "content/insights.toml",
        text: include_str!("../../../content/insights.toml"),
    },
];

/// Exercise ids of the contract (brief §6.3).
pub const EXERCISE_IDS: &[&str] = &[
    "front_plank",
    "side_plank",
    "mcgill_curl_up",
    "bird_dog",
    "glute_bridge",
    "clamshell",
    "sit_to_stand_squat",
    "split_squat",
    "dead_bug",
    "cat_camel",
    "knee_to_chest",
    "prone_press_up",
    "hip_flexor_stretch",
    "hamstring_stretch",
    "calf_stretch",
    "piriformis_stretch",
    "childs_pose",
    "tandem_stance",
    "single_leg_stance",
    "bent_knee_calf_stretch",
];

/// What an exercise trains (contract §3 `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseKind {
    Strength,
    Mobility,
    Stretch,
    Balance,
}

impl ExerciseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseKind::Strength => "strength",
            ExerciseKind::Mobility => "mobility",
            ExerciseKind::Stretch => "stretch",
            ExerciseKind::Balance => "balance",
        }
    }
}

/// Where an exercise is done (contract §3 `position`): `floor` means lying, kneeling or on
/// hands and knees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Standing,
    Sitting,
    Floor,
}

impl Position {
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Standing => "standing",
            Position::Sitting => "sitting",
            Position::Floor => "floor",
        }
    }

    /// In words for a person: "standing", "sitting", "on the floor".
    pub fn words(self) -> &'static str {
        match self {
            Position::Floor => "on the floor",
            other => other.as_str(),
        }
    }
}

/// Who gets fewer or different exercises (brief §2.5, revised), from `content/exercises.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseLimits {
    /// From this age: at most `older_max_floor` exercises on the floor, and a balance exercise.
    pub older_age: f64,
    pub older_max_floor: usize,
    /// From `older_age`, the floor exercise (if any) is one of these, the gentlest first: no
    /// planks, curl-ups or exercises on hands and knees.
    pub older_floor_gentle: Vec<String>,
    /// Why a floor exercise is left out from `older_age`.
    pub older_reason: String,
    /// With the sciatica-type pattern (moderate or more) and pain now at least this:
    pub radicular_pain: u8,
    /// at most this many exercises, all from `radicular_gentle`,
    pub radicular_max: usize,
    pub radicular_gentle: Vec<String>,
    pub radicular_reason: String,
    /// and none of these stretches, which pull on the nerve with the knee straight.
    pub straight_knee: Vec<String>,
    pub straight_knee_reason: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dose {
    pub sets: u32,
    pub reps: u32,
    pub hold_s: u32,
    pub days_per_week: u32,
}

/// Why an exercise is never prescribed: a pattern, or a yes to a context question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Avoid {
    #[serde(default)]
    pub pattern: Option<String>,
    /// A yes/no answer that rules the exercise out when yes, or a number answer that rules it
    /// out from `at_least` (weeks of pregnancy).
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub at_least: Option<f64>,
    /// The rule also holds while the answer is unknown but its question applies (the stage of
    /// a pregnancy not given: treated as from `at_least` weeks).
    #[serde(default)]
    pub if_unknown: bool,
    pub reason: String,
}

impl Avoid {
    /// Whether this context rule holds for these answers (an unknown answer never does). A rule
    /// on a warning-sign answer (`red_flags.*`, e.g. a minor fall before the pain) holds until a
    /// clinician has checked this back pain (`context.clinician_checked`, brief §2.5).
    pub fn context_holds(&self, facts: &Facts) -> bool {
        self.context_holds_known(facts)
    }

    /// Like `context_holds`, and with `if_unknown` also while the answer is missing but its
    /// question applies to this person.
    pub fn context_holds_for(&self, facts: &Facts, kb: &KnowledgeBase) -> bool {
        if self.context_holds_known(facts) {
            return true;
        }
        let Some(c) = &self.context else {
            return false;
        };
        self.if_unknown
            && facts.get(c).is_none()
            && kb.question(c).is_some_and(|q| q.applies(facts))
    }

    fn context_holds_known(&self, facts: &Facts) -> bool {
        let Some(c) = &self.context else {
            return false;
        };
        if c.starts_with("red_flags.")
            && facts.get("context.clinician_checked") == Some(&Value::Bool(true))
        {
            return false;
        }
        match (facts.get(c), self.at_least) {
            (Some(Value::Bool(true)), None) => true,
            (Some(v), Some(min)) => v.as_f64().is_some_and(|x| x >= min),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub name: String,
    pub kind: ExerciseKind,
    pub position: Position,
    pub target: String,
    pub dose: Dose,
    pub progression: String,
    pub regression: String,
    pub cues: Vec<String>,
    pub suits: Vec<String>,
    pub caution: String,
    pub sources: Vec<String>,
    #[serde(default)]
    pub avoid: Vec<Avoid>,
    /// Another exercise this one stands in for: the two are never prescribed together.
    #[serde(default)]
    pub alternative_to: Option<String>,
    /// The picture: start and end positions of a stick figure (`crate::pose`).
    #[serde(default)]
    pub pose: Option<crate::pose::Pose>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidanceNote {
    pub id: String,
    pub topic: String,
    pub text: String,
    pub sources: Vec<String>,
    /// Patterns or walking modes that make the note relevant; empty: everyone.
    #[serde(default)]
    pub when: Vec<String>,
}

/// Walking modes a guidance note may name.
pub const MODES: &[&str] = &["continuous", "interval", "gentle"];

/// Situations from the answers a guidance note may name (`report::plan_context`).
pub const SITUATIONS: &[&str] = &["clinician_plan", "older", "pregnant"];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KnowledgeError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {location}: {message}")]
    Invalid {
        file: String,
        location: String,
        message: String,
    },
    #[error("knowledge base is missing the file {0}")]
    MissingFile(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub citation: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Bool,
    Choice,
    Multi,
    Number,
    Integer,
}

/// A topic of the check-up: the questions asked together (one web step).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub intro: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    /// The topic (web step) the question belongs to.
    pub topic: String,
    pub kind: QuestionKind,
    pub text: String,
    /// Asked only when one of these holds on an earlier topic's answer (see `applies`).
    #[serde(default)]
    pub only_if: Vec<Condition>,
    /// Whether the question is asked while the answers in `only_if` are unknown.
    #[serde(default = "yes")]
    pub ask_if_unknown: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub option_text: Vec<String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

impl Question {
    pub fn is_red_flag(&self) -> bool {
        self.id.starts_with("red_flags.")
    }

    /// Whether the question applies to a person with these answers: always without `only_if`;
    /// otherwise when one of its conditions holds, or while an answer it depends on is unknown
    /// (unless `ask_if_unknown` is false). Not knowing is never less careful.
    pub fn applies(&self, facts: &Facts) -> bool {
        self.only_if.is_empty()
            || self
                .only_if
                .iter()
                .any(|c| c.matches(facts.get(&c.answer)).is_some())
            || (self.ask_if_unknown && self.only_if.iter().any(|c| facts.get(&c.answer).is_none()))
    }

    /// The answer to a number question from typed text, within the question's bounds (whole
    /// for integer questions); the error says what is expected, in words.
    pub fn number_from(&self, text: &str) -> Result<Value, String> {
        let range = format!(
            "{} to {}",
            self.min.unwrap_or(0.0),
            self.max.unwrap_or(f64::MAX)
        );
        let x: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("expected a number ({range}), found \"{text}\""))?;
        if !x.is_finite() || self.min.is_some_and(|m| x < m) || self.max.is_some_and(|m| x > m) {
            return Err(format!("expected a number from {range}, found {text}"));
        }
        if self.kind == QuestionKind::Integer {
            if x.fract() != 0.0 {
                return Err("expected a whole number".into());
            }
            return Ok(Value::from(x as i64));
        }
        serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| format!("expected a number, found \"{text}\""))
    }

    /// The option a choice names (its id, any case), if it is one of this question's.
    pub fn option_named(&self, token: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(token.trim()))
            .map(String::as_str)
    }
}

/// One test on one answer. Exactly one of `is`/`contains`/`any_of`, or a numeric range
/// (`min`, `above`, `max`, `below`) is given. An unanswered question never satisfies it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub answer: String,
    #[serde(default)]
    pub is: Option<Value>,
    #[serde(default)]
    pub contains: Option<String>,
    #[serde(default)]
    pub any_of: Option<Vec<String>>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub below: Option<f64>,
}

impl Condition {
    /// The part of the answer that satisfied the condition, or `None` when it does not hold.
    pub fn matches(&self, answer: Option<&Value>) -> Option<Value> {
        let answer = answer?;
        if let Some(want) = &self.is {
            return (answer == want || numbers_equal(answer, want)).then(|| answer.clone());
        }
        let wanted: Option<Vec<&str>> = match (&self.contains, &self.any_of) {
            (Some(one), _) => Some(vec![one.as_str()]),
            (None, Some(list)) => Some(list.iter().map(String::as_str).collect()),
            _ => None,
        };
        if let Some(wanted) = wanted {
            return match answer {
                Value::String(s) => wanted.contains(&s.as_str()).then(|| answer.clone()),
                Value::Array(items) => {
                    let hit: Vec<Value> = items
                        .iter()
                        .filter(|v| v.as_str().is_some_and(|s| wanted.contains(&s)))
                        .cloned()
                        .collect();
                    match hit.len() {
                        0 => None,
                        1 => hit.into_iter().next(),
                        _ => Some(Value::Array(hit)),
                    }
                }
                _ => None,
            };
        }
        let x = answer.as_f64()?;
        let ok = self.min.is_none_or(|m| x >= m)
            && self.above.is_none_or(|m| x > m)
            && self.max.is_none_or(|m| x <= m)
            && self.below.is_none_or(|m| x < m);
        ok.then(|| answer.clone())
    }

    fn has_range(&self) -> bool {
        self.min.is_some() || self.above.is_some() || self.max.is_some() || self.below.is_some()
    }
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
}

/// What the report says when warning-sign questions are unanswered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeText {
    pub headline: String,
    pub action: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierText {
    pub id: Tier,
    pub headline: String,
    pub action: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternTrigger {
    pub id: String,
    pub min_score: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub tier: Tier,
    #[serde(default)]
    pub when: Vec<Condition>,
    /// The trigger does not hold when all of these hold (answered): e.g. trauma long before
    /// this episode. Unanswered, they never switch a trigger off.
    #[serde(default)]
    pub unless: Vec<Condition>,
    /// The trigger rests on history rather than a new sign (a past cancer, age at onset, a
    /// raised infection risk): once a clinician has checked this back pain
    /// (`context.clinician_checked`), it is only a note (routine), never more (brief §2.4).
    #[serde(default)]
    pub history: bool,
    #[serde(default)]
    pub from_pattern: Option<PatternTrigger>,
    /// Besides `when`, at least `min` of these conditions hold (NICE NG65: four or more
    /// features). Unanswered conditions never count.
    #[serde(default)]
    pub count: Option<CountOf>,
}

/// A number of conditions of which at least `min` must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountOf {
    pub min: usize,
    pub of: Vec<Condition>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    pub id: String,
    pub title: String,
    pub explain: String,
    /// What to do, when it differs from the tier's words (pregnancy: the maternity unit).
    #[serde(default)]
    pub action: Option<String>,
    pub sources: Vec<String>,
    /// Raised from the journal rather than from one check-up's answers (a new neurological
    /// symptom since the last check-up, `crate::new_symptoms`): it has no triggers.
    #[serde(default)]
    pub journal: bool,
    #[serde(rename = "trigger", default)]
    pub triggers: Vec<Trigger>,
}

/// A pattern rule: a condition and the weight it adds.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "RawRule")]
pub struct Rule {
    pub condition: Condition,
    pub weight: f64,
    pub why: String,
    /// Only counts when a non-modifier rule of the same pattern already points towards it.
    pub modifier: bool,
}

/// A rule as written in the file: the condition's keys sit beside the rule's own. (Not
/// `#[serde(flatten)]`, which would let misspelt keys through.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    answer: String,
    #[serde(default)]
    is: Option<Value>,
    #[serde(default)]
    contains: Option<String>,
    #[serde(default)]
    any_of: Option<Vec<String>>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    above: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    below: Option<f64>,
    weight: f64,
    why: String,
    #[serde(default)]
    modifier: bool,
}

impl From<RawRule> for Rule {
    fn from(r: RawRule) -> Rule {
        Rule {
            condition: Condition {
                answer: r.answer,
                is: r.is,
                contains: r.contains,
                any_of: r.any_of,
                min: r.min,
                above: r.above,
                max: r.max,
                below: r.below,
            },
            weight: r.weight,
            why: r.why,
            modifier: r.modifier,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub care: String,
    /// `care` says no clinician visit is needed for this pattern alone: replaced by
    /// `review_care` when the check-up suggests a review.
    #[serde(default)]
    pub self_care: bool,
    pub sources: Vec<String>,
    #[serde(rename = "rule")]
    pub rules: Vec<Rule>,
    /// The defining features: when the person denied one (every answer it looks at is known and
    /// none holds), the pattern is never ranked above the others or called more than weak.
    #[serde(default, rename = "hallmark")]
    pub hallmarks: Vec<Hallmark>,
}

/// A pattern's defining feature: it is present when any of its conditions holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hallmark {
    /// In words, as "you did not report ..." completes it: "symptoms below the knee".
    pub what: String,
    pub any: Vec<Condition>,
}

impl Hallmark {
    /// Denied: every answer it looks at is known, and none holds. Unknown is never a denial.
    pub fn denied(&self, facts: &Facts) -> bool {
        self.any.iter().all(|c| {
            facts
                .get(&c.answer)
                .is_some_and(|v| c.matches(Some(v)).is_none())
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthThresholds {
    pub strong: f64,
    pub moderate: f64,
    /// What to do about a pattern only a few answers fit: never a visit on its own.
    pub weak_care: String,
    /// Answers pointing towards a strong pattern before the report says "many of your answers".
    pub many_answers: usize,
    /// What to do about a `self_care` pattern when the check-up suggests a review (severe pain
    /// or distress): never "no clinician visit is needed" beside that advice.
    pub review_care: String,
}

/// Pattern ids of the contract, in the order of the brief's §1.2.
pub const PATTERN_IDS: &[&str] = &[
    "nslbp_fatigue",
    "posture_gait",
    "muscle_imbalance",
    "radicular",
    "lss_nc",
    "facet_ext",
    "sij",
    "vascular_claud",
    "foot_shoe",
    "overload",
    "weight",
];

#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub sources: Vec<Source>,
    /// The check-up's topics in order; every question belongs to one.
    pub topics: Vec<Topic>,
    pub questions: Vec<Question>,
    pub tiers: Vec<TierText>,
    /// The notice for unanswered warning-sign questions.
    pub unanswered: NoticeText,
    pub flags: Vec<Flag>,
    pub patterns: Vec<Pattern>,
    pub strength: StrengthThresholds,
    pub exercises: Vec<Exercise>,
    /// Fewer or different exercises for some people (`[limits]` of `content/exercises.toml`).
    pub exercise_limits: ExerciseLimits,
    pub guidance: Vec<GuidanceNote>,
    /// The plan's tunable numbers (`content/plan.toml`).
    pub plan: PlanTuning,
    /// Minimal important changes and "recovered" cut-offs (`content/outcomes.toml`).
    pub outcomes: OutcomeRules,
    /// The learning library (`content/learn.toml`), in library order.
    pub learn: Vec<crate::topics::Topic>,
    /// The coach's alert thresholds (`content/coach.toml`).
    pub coach: crate::coach_rules::CoachRules,
    /// The words insights adds for the factors the plan sets (`content/insights.toml`).
    pub insights: InsightWords,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExercisesFile {
    version: u32,
    limits: ExerciseLimits,
    exercise: Vec<Exercise>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuidanceFile {
    version: u32,
    note: Vec<GuidanceNote>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    version: u32,
    source: Vec<Source>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionsFile {
    version: u32,
    topic: Vec<Topic>,
    question: Vec<Question>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagsFile {
    version: u32,
    unanswered: NoticeText,
    tier: Vec<TierText>,
    flag: Vec<Flag>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternsFile {
    version: u32,
    strength: StrengthThresholds,
    pattern: Vec<Pattern>,
}

/// Content format version this build understands.
pub const CONTENT_VERSION: u32 = 1;

fn parse<T: serde::de::DeserializeOwned>(file: &ContentFile<'_>) -> Result<T, KnowledgeError> {
    toml::from_str(file.text).map_err(|e| KnowledgeError::Parse {
        file: file.name.to_string(),
        message: e.to_string(),
    })
}

fn find<'a>(
    files: &'a [ContentFile<'a>],
    suffix: &str,
) -> Result<&'a ContentFile<'a>, KnowledgeError> {
    files
        .iter()
        .find(|f| f.name.ends_with(suffix))
        .ok_or_else(|| KnowledgeError::MissingFile(suffix.to_string()))
}

impl KnowledgeBase {
    /// The knowledge base compiled into this build, validated.
    pub fn embedded() -> Result<KnowledgeBase, KnowledgeError> {
        KnowledgeBase::load(EMBEDDED)
    }

    /// Parses and validates a set of content files.
    pub fn load(files: &[ContentFile<'_>]) -> Result<KnowledgeBase, KnowledgeError> {
        let sources_file = find(files, "sources.toml")?;
        let questions_file = find(files, "questions.toml")?;
        let flags_file = find(files, "red_flags.toml")?;
        let patterns_file = find(files, "patterns.toml")?;
        let s: SourcesFile = parse(sources_file)?;
        let q: QuestionsFile = parse(questions_file)?;
        let f: FlagsFile = parse(flags_file)?;
        let p: PatternsFile = parse(patterns_file)?;
        let exercises_file = find(files, "exercises.toml")?;
        let guidance_file = find(files, "guidance.toml")?;
        let x: ExercisesFile = parse(exercises_file)?;
        let g: GuidanceFile = parse(guidance_file)?;
        let plan_file = find(files, "plan.toml")?;
        let plan: PlanTuning = parse(plan_file)?;
        let outcomes_file = find(files, "outcomes.toml")?;
        let outcomes: OutcomeRules = parse(outcomes_file)?;
        let learn_file = find(files, "learn.toml")?;
        let learn: crate::topics::LearnFile = parse(learn_file)?;
        let coach_file = find(files, "coach.toml")?;
        let coach: crate::coach_rules::CoachRules = parse(coach_file)?;
        let insights_file = find(files, "insights.toml")?;
        let insights: InsightWords = parse(insights_file)?;
        for (file, version) in [
            (sources_file, s.version),
            (questions_file, q.version),
            (flags_file, f.version),
            (patterns_file, p.version),
            (exercises_file, x.version),
            (guidance_file, g.version),
            (plan_file, plan.version),
            (outcomes_file, outcomes.version),
            (learn_file, learn.version),
            (coach_file, coach.version),
            (insights_file, insights.version),
        ] {
            if version != CONTENT_VERSION {
                return Err(KnowledgeError::Invalid {
                    file: file.name.into(),
                    location: "version".into(),
                    message: format!("expected content version {CONTENT_VERSION}, found {version}"),
                });
            }
        }
        let kb = KnowledgeBase {
            sources: s.source,
            topics: q.topic,
            questions: q.question,
            tiers: f.tier,
            unanswered: f.unanswered,
            flags: f.flag,
            patterns: p.pattern,
            strength: p.strength,
            exercises: x.exercise,
            exercise_limits: x.limits,
            guidance: g.note,
            plan,
            outcomes,
            learn: learn.topic,
            coach,
            insights,
        };
        kb.validate(
            sources_file.name,
            questions_file.name,
            flags_file.name,
            patterns_file.name,
        )?;
        kb.validate_library(exercises_file.name, guidance_file.name)?;
        kb.validate_plan(plan_file.name)?;
        kb.validate_outcomes(outcomes_file.name)?;
        kb.validate_learn(learn_file.name)?;
        kb.validate_coach(coach_file.name)?;
        kb.validate_insights(insights_file.name)?;
        Ok(kb)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The questions of one topic, in order.
    pub fn topic_questions<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Question> {
        self.questions.iter().filter(move |q| q.topic == topic)
    }

    /// The warning-sign questions that apply to a person with these answers (a yes/no is
    /// needed for each before the plan starts).
    pub fn red_flag_questions_for<'a>(
        &'a self,
        facts: &'a Facts,
    ) -> impl Iterator<Item = &'a Question> {
        self.questions
            .iter()
            .filter(move |q| q.is_red_flag() && q.applies(facts))
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }

    pub fn flag(&self, id: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.id == id)
    }

    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    fn validate_learn(&self, file: &str) -> Result<(), KnowledgeError> {
        let invalid = |location: String, message: String| KnowledgeError::Invalid {
            file: file.to_string(),
            location,
            message,
        };
        let mut seen = BTreeSet::new();
        for t in &self.learn {
            let at = |f: &str| format!("topic \"{}\".{f}", t.id);
            if t.id.is_empty()
                || !t
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(invalid(
                    at("id"),
                    "use lower-case letters, digits and hyphens".into(),
                ));
            }
            if !seen.insert(t.id.as_str()) {
                return Err(invalid(at("id"), "used twice".into()));
            }
            if !crate::topics::GROUPS.contains(&t.group.as_str()) {
                return Err(invalid(
                    at("group"),
                    format!("expected one of {:?}", crate::topics::GROUPS),
                ));
            }
            if t.title.trim().is_empty()
                || t.summary.trim().is_empty()
                || t.body.iter().all(|p| p.trim().is_empty())
            {
                return Err(invalid(
                    at("body"),
                    "title, summary and text are needed".into(),
                ));
            }
            if t.keywords.is_empty() {
                return Err(invalid(
                    at("keywords"),
                    "give at least one search word".into(),
                ));
            }
            if t.sources.is_empty() {
                return Err(invalid(
                    at("sources"),
                    "missing source: every article needs one".into(),
                ));
            }
            if let Some(id) = t.sources.iter().find(|id| self.source(id).is_none()) {
                return Err(invalid(at("sources"), format!("unknown source \"{id}\"")));
            }
            if let Some(p) = t.patterns.iter().find(|p| self.pattern(p).is_none()) {
                return Err(invalid(at("patterns"), format!("unknown pattern \"{p}\"")));
            }
        }
        Ok(())
    }

    fn validate_outcomes(&self, file: &str) -> Result<(), KnowledgeError> {
        let invalid = |location: String, message: String| KnowledgeError::Invalid {
            file: file.to_string(),
            location,
            message,
        };
        let lists = self
            .outcomes
            .measure
            .iter()
            .map(|m| (format!("measure \"{}\".sources", m.id), &m.sources))
            .chain(std::iter::once((
                "recovered.sources".to_string(),
                &self.outcomes.recovered.sources,
            )))
            .chain(std::iter::once((
                "asked.sources".to_string(),
                &self.outcomes.asked.sources,
            )));
        for (location, sources) in lists {
            if sources.is_empty() {
                return Err(invalid(
                    location,
                    "missing source: every rule needs one".into(),
                ));
            }
            if let Some(id) = sources.iter().find(|id| self.source(id).is_none()) {
                return Err(invalid(location, format!("unknown source \"{id}\"")));
            }
        }
        self.outcomes.check().map_err(|(l, m)| invalid(l, m))
    }

    fn validate_insights(&self, file: &str) -> Result<(), KnowledgeError> {
        let invalid = |location: String, message: String| KnowledgeError::Invalid {
            file: file.to_string(),
            location,
            message,
        };
        let sources = &self.insights.plan_set.sources;
        if sources.is_empty() {
            return Err(invalid(
                "plan_set.sources".into(),
                "missing source: every section needs at least one".into(),
            ));
        }
        if let Some(id) = sources.iter().find(|id| self.source(id).is_none()) {
            return Err(invalid(
                "plan_set.sources".into(),
                format!("unknown source \"{id}\""),
            ));
        }
        self.insights
            .check()
            .map_err(|(loc, msg)| invalid(loc, msg))
    }

    fn validate_coach(&self, file: &str) -> Result<(), KnowledgeError> {
        let invalid = |location: String, message: String| KnowledgeError::Invalid {
            file: file.to_string(),
            location,
            message,
        };
        for (section, sources) in self.coach.source_lists() {
            if sources.is_empty() {
                return Err(invalid(
                    format!("{section}.sources"),
                    "missing source: every section needs at least one".into(),
                ));
            }
            if let Some(id) = sources.iter().find(|id| self.source(id).is_none()) {
                return Err(invalid(
                    format!("{section}.sources"),
                    format!("unknown source \"{id}\""),
                ));
            }
        }
        self.coach.check().map_err(|(loc, msg)| invalid(loc, msg))
    }

    fn validate_plan(&self, file: &str) -> Result<(), KnowledgeError> {
        let invalid = |location: String, message: String| KnowledgeError::Invalid {
            file: file.to_string(),
            location,
            message,
        };
        for (section, sources) in self.plan.source_lists() {
            if sources.is_empty() {
                return Err(invalid(
                    format!("{section}.sources"),
                    "missing source: every section needs at least one".into(),
                ));
            }
            if let Some(id) = sources.iter().find(|id| self.source(id).is_none()) {
                return Err(invalid(
                    format!("{section}.sources"),
                    format!("unknown source \"{id}\""),
                ));
            }
        }
        self.plan.check().map_err(|(loc, msg)| invalid(loc, msg))
    }

    fn validate_library(
        &self,
        exercises_file: &str,
        guidance_file: &str,
    ) -> Result<(), KnowledgeError> {
        let mut seen = BTreeSet::new();
        for e in &self.exercises {
            let loc = format!("exercise {}", e.id);
            if !seen.insert(e.id.as_str()) {
                return Err(invalid(exercises_file, loc, "duplicate id".into()));
            }
            if !EXERCISE_IDS.contains(&e.id.as_str()) {
                return Err(invalid(
                    exercises_file,
                    loc,
                    "not an exercise id of the contract".into(),
                ));
            }
            self.library_sources(exercises_file, &loc, &e.sources)?;
            match &e.pose {
                None => {
                    return Err(invalid(
                        exercises_file,
                        loc,
                        "no picture: add an [exercise.pose] (the file's header shows how)".into(),
                    ));
                }
                Some(p) => {
                    if let Err(message) = p.check() {
                        return Err(invalid(exercises_file, format!("{loc} pose"), message));
                    }
                }
            }
            if e.cues.is_empty() || e.name.trim().is_empty() {
                return Err(invalid(
                    exercises_file,
                    loc,
                    "an exercise needs a name and form cues".into(),
                ));
            }
            if e.dose.sets == 0
                || e.dose.reps == 0
                || e.dose.days_per_week == 0
                || e.dose.days_per_week > 7
            {
                return Err(invalid(
                    exercises_file,
                    loc,
                    "dose needs sets, reps >= 1 and 1-7 days a week".into(),
                ));
            }
            for p in &e.suits {
                if !PATTERN_IDS.contains(&p.as_str()) {
                    return Err(invalid(
                        exercises_file,
                        loc,
                        format!("suits unknown pattern \"{p}\""),
                    ));
                }
            }
            for a in &e.avoid {
                self.validate_avoid(exercises_file, &loc, e, a)?;
            }
        }
        for e in &self.exercises {
            if let Some(other) = &e.alternative_to
                && (other == &e.id || self.exercise(other).is_none())
            {
                return Err(invalid(
                    exercises_file,
                    format!("exercise {}", e.id),
                    format!("alternative_to names \"{other}\", which is not another exercise"),
                ));
            }
            if e.avoid.iter().any(|a| a.if_unknown && a.context.is_none()) {
                return Err(invalid(
                    exercises_file,
                    format!("exercise {}", e.id),
                    "if_unknown needs a context answer".into(),
                ));
            }
        }
        let l = &self.exercise_limits;
        self.library_sources(exercises_file, "limits", &l.sources)?;
        if let Some(id) = l
            .radicular_gentle
            .iter()
            .chain(&l.straight_knee)
            .chain(&l.older_floor_gentle)
            .find(|id| self.exercise(id).is_none())
        {
            return Err(invalid(
                exercises_file,
                "limits".into(),
                format!("\"{id}\" is not an exercise of the library"),
            ));
        }
        if !(l.older_age > 0.0 && l.older_age <= 130.0)
            || l.radicular_pain > 10
            || l.radicular_max == 0
        {
            return Err(invalid(
                exercises_file,
                "limits".into(),
                "needs 0 < older_age <= 130, radicular_pain 0-10 and radicular_max >= 1".into(),
            ));
        }
        for id in EXERCISE_IDS {
            if !seen.contains(id) {
                return Err(invalid(
                    exercises_file,
                    format!("exercise {id}"),
                    "missing exercise of the contract".into(),
                ));
            }
        }
        self.validate_guidance(guidance_file)
    }

    /// At least one source, each one in the sources file.
    fn library_sources(
        &self,
        file: &str,
        location: &str,
        sources: &[String],
    ) -> Result<(), KnowledgeError> {
        if sources.is_empty() {
            return Err(invalid(
                file,
                location.to_string(),
                "missing source: every fact needs at least one".into(),
            ));
        }
        match sources.iter().find(|id| self.source(id).is_none()) {
            Some(id) => Err(invalid(
                file,
                location.to_string(),
                format!("unknown source \"{id}\""),
            )),
            None => Ok(()),
        }
    }

    /// One thing exercise `e` avoids: a known pattern it does not also suit, or a yes/no answer
    /// (a number answer with `at_least`).
    fn validate_avoid(
        &self,
        exercises_file: &str,
        loc: &str,
        e: &Exercise,
        a: &Avoid,
    ) -> Result<(), KnowledgeError> {
        match (&a.pattern, &a.context) {
            (Some(p), None) if PATTERN_IDS.contains(&p.as_str()) => {
                if e.suits.contains(p) {
                    return Err(invalid(
                        exercises_file,
                        loc.to_string(),
                        format!("both suits and avoids \"{p}\""),
                    ));
                }
            }
            (Some(p), None) => {
                return Err(invalid(
                    exercises_file,
                    loc.to_string(),
                    format!("avoids unknown pattern \"{p}\""),
                ));
            }
            (None, Some(c)) => {
                let kind = self.question(c).map(|q| q.kind);
                let ok = match a.at_least {
                    None => kind == Some(QuestionKind::Bool),
                    Some(x) => {
                        x.is_finite()
                            && matches!(kind, Some(QuestionKind::Number | QuestionKind::Integer))
                    }
                };
                if !ok {
                    return Err(invalid(
                        exercises_file,
                        loc.to_string(),
                        format!(
                            "avoid names \"{c}\", which is not a yes/no answer (or a number answer with at_least)"
                        ),
                    ));
                }
            }
            _ => {
                return Err(invalid(
                    exercises_file,
                    loc.to_string(),
                    "an avoid entry names exactly one of pattern or context".into(),
                ));
            }
        }
        Ok(())
    }

    /// The guidance notes: ids once, sources, and `when` naming known patterns, modes or
    /// situations.
    fn validate_guidance(&self, guidance_file: &str) -> Result<(), KnowledgeError> {
        let mut notes = BTreeSet::new();
        for n in &self.guidance {
            let loc = format!("note {}", n.id);
            if !notes.insert(n.id.as_str()) {
                return Err(invalid(guidance_file, loc, "duplicate id".into()));
            }
            self.library_sources(guidance_file, &loc, &n.sources)?;
            for w in &n.when {
                if !PATTERN_IDS.contains(&w.as_str())
                    && !MODES.contains(&w.as_str())
                    && !SITUATIONS.contains(&w.as_str())
                {
                    return Err(invalid(
                        guidance_file,
                        loc,
                        format!("when names unknown pattern, mode or situation \"{w}\""),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn tier_text(&self, tier: Tier) -> Option<&TierText> {
        self.tiers.iter().find(|t| t.id == tier)
    }

    /// Topics are unique and each holds a run of questions in file order (a web step is one
    /// topic); a question's `only_if` may only look at answers from earlier topics.
    fn validate_topics(
        &self,
        file: &str,
        check_condition: &dyn Fn(&str, String, &Condition) -> Result<(), KnowledgeError>,
    ) -> Result<(), KnowledgeError> {
        let invalid = |location: String, message: String| KnowledgeError::Invalid {
            file: file.to_string(),
            location,
            message,
        };
        let position = |id: &str| self.topics.iter().position(|t| t.id == id);
        for (i, t) in self.topics.iter().enumerate() {
            if position(&t.id) != Some(i) {
                return Err(invalid(format!("topic {}", t.id), "duplicate id".into()));
            }
        }
        let mut last = 0;
        for q in &self.questions {
            let loc = format!("question {}", q.id);
            let Some(at) = position(&q.topic) else {
                return Err(invalid(loc, format!("unknown topic \"{}\"", q.topic)));
            };
            if at < last {
                return Err(invalid(
                    loc,
                    format!(
                        "topic \"{}\" is out of order: questions of a topic stand together, topics in the order listed",
                        q.topic
                    ),
                ));
            }
            last = at;
            for c in &q.only_if {
                check_condition(file, loc.clone(), c)?;
                let earlier = self
                    .question(&c.answer)
                    .and_then(|g| position(&g.topic))
                    .is_some_and(|g| g < at);
                if !earlier {
                    return Err(invalid(
                        loc,
                        format!(
                            "only_if looks at {}, which is not asked in an earlier topic",
                            c.answer
                        ),
                    ));
                }
            }
        }
        if let Some(t) = self
            .topics
            .iter()
            .find(|t| self.topic_questions(&t.id).next().is_none())
        {
            return Err(invalid(
                format!("topic {}", t.id),
                "has no questions".into(),
            ));
        }
        Ok(())
    }

    fn validate(
        &self,
        sources_file: &str,
        questions_file: &str,
        flags_file: &str,
        patterns_file: &str,
    ) -> Result<(), KnowledgeError> {
        let known = Known {
            source_ids: self.validate_sources(sources_file)?,
            questions: self.validate_questions(questions_file)?,
        };
        self.validate_topics(questions_file, &|file, location, c| {
            known.condition(file, location, c)
        })?;
        self.validate_tiers(flags_file, &known)?;
        self.validate_flags(flags_file, &known)?;
        self.validate_patterns(patterns_file, &known)
    }

    /// The sources, each with a citation once: their ids.
    fn validate_sources(&self, sources_file: &str) -> Result<BTreeSet<&str>, KnowledgeError> {
        let mut source_ids = BTreeSet::new();
        for s in &self.sources {
            if !source_ids.insert(s.id.as_str()) {
                return Err(invalid(
                    sources_file,
                    format!("source {}", s.id),
                    "duplicate id".into(),
                ));
            }
            if s.citation.trim().is_empty() {
                return Err(invalid(
                    sources_file,
                    format!("source {}", s.id),
                    "missing citation".into(),
                ));
            }
        }
        Ok(source_ids)
    }

    /// The questions, each once and well formed: by id.
    fn validate_questions(
        &self,
        questions_file: &str,
    ) -> Result<BTreeMap<&str, &Question>, KnowledgeError> {
        let mut questions: BTreeMap<&str, &Question> = BTreeMap::new();
        for q in &self.questions {
            let loc = format!("question {}", q.id);
            if questions.insert(q.id.as_str(), q).is_some() {
                return Err(invalid(questions_file, loc, "duplicate id".into()));
            }
            if q.text.trim().is_empty() {
                return Err(invalid(questions_file, loc, "missing text".into()));
            }
            let needs_options = matches!(q.kind, QuestionKind::Choice | QuestionKind::Multi);
            if needs_options && (q.options.is_empty() || q.options.len() != q.option_text.len()) {
                return Err(invalid(
                    questions_file,
                    loc,
                    "choice questions need options and one option_text per option".into(),
                ));
            }
            if !needs_options && !q.options.is_empty() {
                return Err(invalid(
                    questions_file,
                    loc,
                    "only choice questions take options".into(),
                ));
            }
            if let (Some(lo), Some(hi)) = (q.min, q.max)
                && lo > hi
            {
                return Err(invalid(questions_file, loc, "min is above max".into()));
            }
        }
        Ok(questions)
    }

    /// A text and sources for every tier, once.
    fn validate_tiers(&self, flags_file: &str, known: &Known<'_>) -> Result<(), KnowledgeError> {
        let mut tiers = BTreeSet::new();
        known.sources(flags_file, "unanswered".into(), &self.unanswered.sources)?;
        for t in &self.tiers {
            if !tiers.insert(t.id) {
                return Err(invalid(
                    flags_file,
                    format!("tier {}", t.id.as_str()),
                    "duplicate tier".into(),
                ));
            }
            known.sources(flags_file, format!("tier {}", t.id.as_str()), &t.sources)?;
        }
        for t in Tier::ALL {
            if !tiers.contains(&t) {
                return Err(invalid(
                    flags_file,
                    format!("tier {}", t.as_str()),
                    "missing text for this tier".into(),
                ));
            }
        }
        Ok(())
    }

    /// The warning signs: ids once, sources, and triggers that read known answers.
    fn validate_flags(&self, flags_file: &str, known: &Known<'_>) -> Result<(), KnowledgeError> {
        let pattern_ids: BTreeSet<&str> = self.patterns.iter().map(|p| p.id.as_str()).collect();
        let mut flag_ids = BTreeSet::new();
        for f in &self.flags {
            let loc = format!("flag {}", f.id);
            if !flag_ids.insert(f.id.as_str()) {
                return Err(invalid(flags_file, loc, "duplicate id".into()));
            }
            known.sources(flags_file, loc.clone(), &f.sources)?;
            if f.triggers.is_empty() != f.journal {
                return Err(invalid(
                    flags_file,
                    loc,
                    if f.journal {
                        "a flag raised from the journal has no triggers".into()
                    } else {
                        "a flag needs at least one trigger".into()
                    },
                ));
            }
            for (i, t) in f.triggers.iter().enumerate() {
                let tloc = format!("{loc}, trigger {}", i + 1);
                known.trigger(flags_file, tloc, t, &pattern_ids)?;
            }
        }
        Ok(())
    }

    /// The patterns of the contract, each once and well formed, and the strength bounds.
    fn validate_patterns(
        &self,
        patterns_file: &str,
        known: &Known<'_>,
    ) -> Result<(), KnowledgeError> {
        let mut seen = BTreeSet::new();
        for p in &self.patterns {
            let loc = format!("pattern {}", p.id);
            if !seen.insert(p.id.as_str()) {
                return Err(invalid(patterns_file, loc, "duplicate id".into()));
            }
            known.pattern(patterns_file, loc, p)?;
        }
        for id in PATTERN_IDS {
            if !seen.contains(id) {
                return Err(invalid(
                    patterns_file,
                    format!("pattern {id}"),
                    "missing pattern of the contract".into(),
                ));
            }
        }
        if !(self.strength.strong > self.strength.moderate && self.strength.moderate > 0.0) {
            return Err(invalid(
                patterns_file,
                "strength".into(),
                "need strong > moderate > 0".into(),
            ));
        }
        Ok(())
    }
}

impl Entry {
    /// [`Entry::summary`] with exercises named as people know them ("Bird-dog", not its id).
    pub fn summary_in(&self, kb: &KnowledgeBase) -> String {
        match self {
            Entry::Exercise(x) => format!(
                "exercise: {}{}",
                kb.exercise(&x.exercise)
                    .map_or(x.exercise.as_str(), |e| e.name.as_str()),
                x.sets.map_or(String::new(), |s| format!(
                    ", {}",
                    crate::words::count(s, "set", "sets")
                ))
            ),
            _ => self.summary(),
        }
    }
}

/// A content error in `file` at `location`.
fn invalid(file: &str, location: String, message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        file: file.to_string(),
        location,
        message,
    }
}

/// What the checks of the content read from the parts checked first: the sources and the
/// questions.
struct Known<'a> {
    source_ids: BTreeSet<&'a str>,
    questions: BTreeMap<&'a str, &'a Question>,
}

impl Known<'_> {
    /// At least one source, each one known.
    fn sources(
        &self,
        file: &str,
        location: String,
        sources: &[String],
    ) -> Result<(), KnowledgeError> {
        if sources.is_empty() {
            return Err(invalid(
                file,
                location,
                "missing source: every fact needs at least one".into(),
            ));
        }
        for id in sources {
            if !self.source_ids.contains(id.as_str()) {
                return Err(invalid(
                    file,
                    location.clone(),
                    format!("unknown source \"{id}\""),
                ));
            }
        }
        Ok(())
    }

    /// A condition on a known answer, with exactly one test that fits the question.
    fn condition(&self, file: &str, location: String, c: &Condition) -> Result<(), KnowledgeError> {
        let tests = [
            c.is.is_some(),
            c.contains.is_some(),
            c.any_of.is_some(),
            c.has_range(),
        ];
        if tests.iter().filter(|t| **t).count() != 1 {
            return Err(invalid(
                file,
                location,
                format!(
                    "condition on {} needs exactly one of is, contains, any_of or a range",
                    c.answer
                ),
            ));
        }
        if DERIVED_KEYS.contains(&c.answer.as_str()) {
            return if c.has_range() {
                Ok(())
            } else {
                Err(invalid(
                    file,
                    location,
                    format!("{} is a number: use a range", c.answer),
                ))
            };
        }
        let Some(q) = self.questions.get(c.answer.as_str()) else {
            return Err(invalid(
                file,
                location,
                format!("unknown answer \"{}\"", c.answer),
            ));
        };
        let known = |v: &str| q.options.iter().any(|o| o == v);
        match q.kind {
            QuestionKind::Bool => {
                if !matches!(c.is, Some(Value::Bool(_))) {
                    return Err(invalid(
                        file,
                        location,
                        format!("{} is yes/no: use is = true or false", c.answer),
                    ));
                }
            }
            QuestionKind::Choice | QuestionKind::Multi => {
                let values: Vec<&str> = match (&c.is, &c.contains, &c.any_of) {
                    (Some(Value::String(s)), _, _) if q.kind == QuestionKind::Choice => {
                        vec![s.as_str()]
                    }
                    (_, Some(s), _) if q.kind == QuestionKind::Multi => vec![s.as_str()],
                    (_, _, Some(list)) => list.iter().map(String::as_str).collect(),
                    _ => {
                        return Err(invalid(
                            file,
                            location,
                            format!("{} needs is (choice), contains (multi) or any_of", c.answer),
                        ));
                    }
                };
                if let Some(bad) = values.iter().find(|v| !known(v)) {
                    return Err(invalid(
                        file,
                        location,
                        format!("\"{bad}\" is not an option of {}", c.answer),
                    ));
                }
            }
            QuestionKind::Number | QuestionKind::Integer => {
                if !c.has_range() {
                    return Err(invalid(
                        file,
                        location,
                        format!("{} is a number: use a range", c.answer),
                    ));
                }
            }
        }
        Ok(())
    }

    /// One trigger of a warning sign: a tier, conditions on known answers or a known pattern.
    fn trigger(
        &self,
        flags_file: &str,
        tloc: String,
        t: &Trigger,
        pattern_ids: &BTreeSet<&str>,
    ) -> Result<(), KnowledgeError> {
        if t.tier == Tier::None {
            return Err(invalid(
                flags_file,
                tloc,
                "a trigger's tier cannot be none".into(),
            ));
        }
        if t.history && t.tier > Tier::Soon {
            return Err(invalid(
                flags_file,
                tloc,
                "only a `soon` trigger can rest on history: urgent and emergency signs are never released by a clinician's check".into(),
            ));
        }
        for c in &t.unless {
            self.condition(flags_file, tloc.clone(), c)?;
        }
        if let Some(count) = &t.count {
            if count.min == 0 || count.min > count.of.len() {
                return Err(invalid(
                    flags_file,
                    tloc,
                    "count needs min from 1 to the number of conditions in `of`".into(),
                ));
            }
            for c in &count.of {
                self.condition(flags_file, tloc.clone(), c)?;
            }
        }
        match (&t.from_pattern, t.when.is_empty()) {
            (Some(p), true) => {
                if !pattern_ids.contains(p.id.as_str()) {
                    return Err(invalid(
                        flags_file,
                        tloc,
                        format!("unknown pattern \"{}\"", p.id),
                    ));
                }
            }
            (None, false) => {
                for c in &t.when {
                    self.condition(flags_file, tloc.clone(), c)?;
                }
            }
            _ => {
                return Err(invalid(
                    flags_file,
                    tloc,
                    "a trigger needs either `when` conditions or `from_pattern`".into(),
                ));
            }
        }
        Ok(())
    }

    /// One pattern: of the contract, with sources, care, hallmarks and rules well formed.
    fn pattern(&self, patterns_file: &str, loc: String, p: &Pattern) -> Result<(), KnowledgeError> {
        if !PATTERN_IDS.contains(&p.id.as_str()) {
            return Err(invalid(
                patterns_file,
                loc,
                "not a pattern id of the contract".into(),
            ));
        }
        self.sources(patterns_file, loc.clone(), &p.sources)?;
        if p.care.to_lowercase().contains("no clinician visit") && !p.self_care {
            return Err(invalid(
                patterns_file,
                loc,
                "care says no visit is needed: mark it self_care = true".into(),
            ));
        }
        if p.rules.is_empty() {
            return Err(invalid(patterns_file, loc, "a pattern needs rules".into()));
        }
        for (i, h) in p.hallmarks.iter().enumerate() {
            let hloc = format!("{loc}, hallmark {}", i + 1);
            if h.any.is_empty() || h.what.trim().is_empty() {
                return Err(invalid(
                    patterns_file,
                    hloc,
                    "a hallmark needs what and at least one condition".into(),
                ));
            }
            for c in &h.any {
                self.condition(patterns_file, hloc.clone(), c)?;
            }
        }
        for (i, r) in p.rules.iter().enumerate() {
            let rloc = format!("{loc}, rule {}", i + 1);
            self.condition(patterns_file, rloc.clone(), &r.condition)?;
            if !r.weight.is_finite() || r.weight == 0.0 {
                return Err(invalid(
                    patterns_file,
                    rloc,
                    "weight must be a non-zero number".into(),
                ));
            }
            if r.why.trim().is_empty() {
                return Err(invalid(patterns_file, rloc, "missing why".into()));
            }
            if r.modifier && r.weight < 0.0 {
                return Err(invalid(
                    patterns_file,
                    rloc,
                    "a modifier only adds weight; use a plain rule to point away".into(),
                ));
            }
        }
        if !p.rules.iter().any(|r| !r.modifier && r.weight > 0.0) {
            return Err(invalid(
                patterns_file,
                loc,
                "a pattern needs at least one symptom rule pointing towards it".into(),
            ));
        }
        Ok(())
    }
}

// ---- The words insights adds for what the plan sets (`content/insights.toml`) ----

/// `content/insights.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightWords {
    pub version: u32,
    pub plan_set: PlanSetWords,
}

/// A note for each factor the plan sets from recent pain, added to every result about it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSetWords {
    pub minutes: String,
    pub bouts: String,
    pub sources: Vec<String>,
}

impl InsightWords {
    /// The note for a factor the plan sets, if it is one.
    pub fn plan_set_note(&self, factor: &str) -> Option<&str> {
        match factor {
            "minutes" => Some(&self.plan_set.minutes),
            "bouts" => Some(&self.plan_set.bouts),
            _ => None,
        }
    }

    /// Checks the words: each note present, hedged ("may" or "often"), never naming a cause.
    /// `Err((location, message))`.
    pub fn check(&self) -> Result<(), (String, String)> {
        for (key, text) in [
            ("minutes", &self.plan_set.minutes),
            ("bouts", &self.plan_set.bouts),
        ] {
            let at = format!("plan_set.{key}");
            let lower = text.to_lowercase();
            if lower.trim().is_empty() {
                return Err((at, "empty: every plan-set factor needs its note".into()));
            }
            if !lower.contains("may") && !lower.contains("often") {
                return Err((
                    at,
                    "say \"may\" or \"often\": a pattern is not a certainty".into(),
                ));
            }
            if ["caused", "causes", "because of your walk"]
                .iter()
                .any(|w| lower.contains(w))
            {
                return Err((at, "never name a cause: a journal cannot show one".into()));
            }
        }
        Ok(())
    }
}
