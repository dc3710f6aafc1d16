//! The answers a person gives in the check-up (`amble.answers/1`), parsed strictly.
//!
//! Every key is optional ("not known"); a key that the contract does not know is an error so
//! typos are caught. The types here hold answers; their check against the knowledge base's
//! question definitions (ranges, known keys) is in `answers_check`, a layer up.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The schema tag an answers file may carry.
pub const ANSWERS_SCHEMA: &str = "amble.answers/1";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_cm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub red_flags: RedFlags,
    #[serde(default)]
    pub symptoms: Symptoms,
    #[serde(default)]
    pub walking: Walking,
    #[serde(default)]
    pub pain: Pain,
    #[serde(default)]
    pub context: Context,
    #[serde(default)]
    pub instruments: InstrumentItems,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    F,
    M,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlags {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saddle_numbness: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bladder_change: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bowel_change: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub both_legs_new: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexual_dysfunction_new: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progressive_weakness: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spreading_numbness_unsteady: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancer_history: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_loss_unexplained: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fever_unwell: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infection_risk: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub significant_trauma: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_trauma_bone_risk: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constant_night_pain: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aaa_signs: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sudden_cold_pale_leg: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foot_rest_pain_or_ulcer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chest_symptoms_on_exertion: Option<bool>,
    /// Asked only in pregnancy (`context.pregnant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnancy_warning_signs: Option<bool>,
    /// A fall from standing height or less, a lift or a knock in the weeks before this pain
    /// began; asked from 65, or with known thin bones or long-term steroids (brief §2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_trauma: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sides {
    None,
    One,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegQuality {
    Ache,
    Sharp,
    Burning,
    PinsNeedles,
    Numbness,
    Heaviness,
    Cramp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Onset {
    Start,
    Constant,
    Varies,
    After,
    NextDay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relief {
    Sitting,
    BendingForward,
    StandingStill,
    LyingDown,
    KeepMoving,
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReliefMinutes {
    #[serde(rename = "lt2")]
    Lt2,
    #[serde(rename = "2to10")]
    From2To10,
    #[serde(rename = "gt10")]
    Gt10,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hills {
    WorseUphill,
    WorseDownhill,
    Same,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SittingEffect {
    Eases,
    Worsens,
    Neutral,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NightPain {
    None,
    Movement,
    Constant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InflammatoryFeature {
    LateNightWaking,
    AlternatingButtock,
    NsaidRelief,
    FamilyHistory,
    PsoriasisIbdUveitis,
    None,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptoms {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loc_back: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loc_buttock: Option<Sides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loc_thigh: Option<Sides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loc_below_knee: Option<Sides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loc_calf_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_above_l5: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leg_worse_than_back: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leg_quality: Option<Vec<LegQuality>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset_in_walk: Option<Onset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing_alone_provokes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relief_by: Option<Vec<Relief>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relief_minutes: Option<ReliefMinutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uphill_vs_downhill: Option<Hills>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sitting_effect: Option<SittingEffect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flexion_provokes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_provokes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cough_sneeze_leg: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_leg_provokes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub morning_stiffness_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_pain: Option<NightPain>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset_age_lt45: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_weeks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_episode: Option<bool>,
    /// Leaking a little urine on coughing, sneezing, laughing or lifting (an Amble extension of
    /// the contract), asked in pregnancy and after childbirth apart from the bladder warning
    /// sign: a routine note with pelvic-floor physiotherapy (brief §2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stress_leaking: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_worse_with_rest_better_with_exercise: Option<bool>,
    /// NICE NG65 features of inflammatory back pain (an Amble extension of the contract).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflammatory_features: Option<Vec<InflammatoryFeature>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_load_increase_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_or_worn_shoes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shoe_age_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_smoker: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_diabetes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_cvd: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feet_cold_pale: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Walking {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usual_minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walks_per_week: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_free_minutes: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pain {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_peak: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usual_morning: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnant: Option<bool>,
    /// Weeks of pregnancy (0 after giving birth), asked only in pregnancy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pregnancy_weeks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spine_surgery_last_3_months: Option<bool>,
    /// Known osteoporosis or a spinal fracture (an Amble extension of the contract): no loaded
    /// or forceful bending exercises (brief §6.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub osteoporosis: Option<bool>,
    /// Steroid tablets taken every day for 3 months or more (an Amble extension of the
    /// contract): with thin bones and age 65+, it decides whether `red_flags.minor_trauma` is
    /// asked (brief §2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_term_steroids: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician_plan: Option<bool>,
    /// A doctor or physiotherapist has assessed this back pain since the warning sign appeared:
    /// releases `soon` flags that rest on history (brief §2.4), never urgent or emergency ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician_checked: Option<bool>,
}

/// Item scores of the validated questionnaires (no item wording: licensing, brief §3.8).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentItems {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startback: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub odi: Option<Vec<Option<i64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rmdq: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psfs: Option<Vec<PsfsItem>>,
    /// The PEG (brief §3.9): pain on average, interference with enjoyment of life, interference
    /// with general activity, over the past week, each 0-10. Asked by Amble itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peg: Option<Vec<i64>>,
}

impl InstrumentItems {
    /// No questionnaire given.
    pub fn is_empty(&self) -> bool {
        self.startback.is_none()
            && self.odi.is_none()
            && self.rmdq.is_none()
            && self.psfs.is_none()
            && self.peg.is_none()
    }

    /// Whether a licensed questionnaire (STarT Back, ODI, RMDQ) was given: those come from a
    /// clinic's forms, not from Amble's own questions.
    pub fn has_licensed(&self) -> bool {
        self.startback.is_some() || self.odi.is_some() || self.rmdq.is_some()
    }
}

/// The longest name of a PSFS activity, characters ("walk the dog for half an hour" needs
/// far less): every edge (the web's fields, the command line, the API, answers files) is held
/// to it, so a report keeps its pages.
pub const PSFS_ACTIVITY_MAX_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PsfsItem {
    pub activity: String,
    pub score: i64,
}

/// What was wrong with an answers document, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AnswersError {
    /// Key path such as `symptoms.relief_by[0]`; empty for the document itself.
    pub path: String,
    /// What was expected, in words.
    pub message: String,
    /// 1-based line and column in the source text, where known.
    pub position: Option<(usize, usize)>,
}

impl fmt::Display for AnswersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        if let Some((line, col)) = self.position {
            write!(f, " (line {line}, column {col})")?;
        }
        Ok(())
    }
}

/// Puts `value` at an answer key path (`symptoms.loc_back`) in an answers document.
pub fn set_path(doc: &mut serde_json::Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        Some((section, key)) => {
            if let Value::Object(m) = doc
                .entry(section.to_string())
                .or_insert_with(|| Value::Object(serde_json::Map::new()))
            {
                m.insert(key.to_string(), value);
            }
        }
        None => {
            doc.insert(path.to_string(), value);
        }
    }
}

impl Answers {
    /// Body-mass index, when height and weight are both known.
    pub fn bmi(&self) -> Option<f64> {
        match (self.height_cm, self.weight_kg) {
            (Some(h), Some(w)) if h > 0.0 => Some(w / (h / 100.0).powi(2)),
            _ => None,
        }
    }

    /// Every known answer as a flat map from key path (e.g. `symptoms.relief_by`) to value,
    /// plus derived values under `derived.*`. Instruments are not facts.
    pub fn facts(&self) -> Facts {
        let mut map = BTreeMap::new();
        if let Ok(Value::Object(top)) = serde_json::to_value(self) {
            for (key, value) in top {
                match (key.as_str(), value) {
                    ("schema" | "instruments", _) => {}
                    (_, Value::Object(section)) => {
                        for (k, v) in section {
                            if !v.is_null() {
                                map.insert(format!("{key}.{k}"), whole(v));
                            }
                        }
                    }
                    (_, Value::Null) => {}
                    (_, v) => {
                        map.insert(key, whole(v));
                    }
                }
            }
        }
        if let Some(bmi) = self.bmi()
            && let Some(n) = serde_json::Number::from_f64((bmi * 10.0).round() / 10.0)
        {
            map.insert("derived.bmi".to_string(), Value::Number(n));
        }
        Facts(map)
    }
}

/// Known answers by key path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts(pub BTreeMap<String, Value>);

impl Facts {
    pub fn get(&self, path: &str) -> Option<&Value> {
        self.0.get(path)
    }
}

/// Keys derived from answers rather than asked.
pub const DERIVED_KEYS: &[&str] = &["derived.bmi"];

/// Shows 74.0 as 74: answers are echoed back as the person would write them.
fn whole(v: Value) -> Value {
    match v.as_f64() {
        Some(x) if v.is_f64() && x.fract() == 0.0 && x.abs() < 1e15 => Value::from(x as i64),
        _ => v,
    }
}

pub(crate) fn err(path: &str, message: String) -> AnswersError {
    AnswersError {
        path: path.to_string(),
        message,
        position: None,
    }
}

pub(crate) fn expect_len(path: &str, len: usize, want: usize) -> Result<(), AnswersError> {
    if len == want {
        Ok(())
    } else {
        Err(err(
            path,
            format!("expected exactly {want} item scores, found {len}"),
        ))
    }
}

pub(crate) fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

pub(crate) fn clean_path(path: String) -> String {
    if path == "." || path == "?" {
        String::new()
    } else {
        path
    }
}

/// Rewrites serde's wording for people: Rust type names become words, and an unknown key
/// gets the nearest known key instead of the whole list.
pub(crate) fn friendly(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((field, tail)) = rest.split_once('`')
    {
        let known: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        let nearest = known.iter().map(|k| (edit_distance(field, k), *k)).min();
        return match nearest {
            Some((d, k)) if d <= 3 => {
                format!("unknown key \"{field}\" (did you mean \"{k}\"?)")
            }
            _ if known.is_empty() => {
                format!("unknown key \"{field}\": this object takes no keys")
            }
            _ => format!(
                "unknown key \"{field}\"; expected one of: {}",
                known.join(", ")
            ),
        };
    }
    msg.replace("expected i64", "expected an integer")
        .replace("expected f64", "expected a number")
        .replace(
            "expected struct Answers",
            "expected a JSON object of answers",
        )
        .replace(
            "expected struct PsfsItem",
            "expected an object with \"activity\" and \"score\"",
        )
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// serde_json appends " at line L column C"; we report the position separately.
pub(crate) fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}
