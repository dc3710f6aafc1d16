//! The plan's values: prescriptions, decisions, the `amble.plan/1` document and the history of
//! reviewed weeks.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::answers::Answers;
use crate::assessment::Assessment;

pub const PLAN_SCHEMA: &str = "amble.plan/1";

/// The WalkBack target: 30 minutes, 5 days a week (§5.1). Part of the scripting contract.
pub const TARGET_MINUTES: u32 = 30;
pub const TARGET_SESSIONS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Blocked,
    Paused,
    Active,
    /// The target has been held for weeks: keep it, check in monthly, keep the flare plan at
    /// hand (contract §11).
    Maintenance,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Blocked => "blocked",
            Status::Paused => "paused",
            Status::Active => "active",
            Status::Maintenance => "maintenance",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Continuous,
    Interval,
    Gentle,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Continuous => "continuous",
            Mode::Interval => "interval",
            Mode::Gentle => "gentle",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Start,
    Progress,
    Hold,
    Regress,
    Flare,
    Suspend,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub kind: DecisionKind,
    pub because: Vec<String>,
}

/// A walking prescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prescription {
    pub mode: Mode,
    pub sessions_per_week: u32,
    pub bouts_per_session: u32,
    pub bout_minutes: u32,
    pub rest_minutes: u32,
}

impl Prescription {
    pub fn weekly_minutes(&self) -> u32 {
        self.sessions_per_week
            .saturating_mul(self.bouts_per_session)
            .saturating_mul(self.bout_minutes)
    }

    pub fn session_minutes(&self) -> u32 {
        self.bouts_per_session.saturating_mul(self.bout_minutes)
    }

    /// Walks (bouts) in a week: what "one minute per walk" multiplies.
    pub fn walks_per_week(&self) -> u32 {
        self.sessions_per_week
            .saturating_mul(self.bouts_per_session)
    }

    /// The week's walking in words, generated from these numbers only (every text that states
    /// a dose uses this, so words and numbers cannot disagree).
    pub fn words(&self) -> String {
        use crate::words::{count, noun};
        let days = format!("{} a week", count(self.sessions_per_week, "day", "days"));
        let minutes = count(self.bout_minutes, "minute", "minutes");
        match self.mode {
            Mode::Continuous if self.bouts_per_session > 1 => format!(
                "{days}: {} of {minutes} each, at different times of the day",
                count(self.bouts_per_session, "walk", "walks")
            ),
            Mode::Continuous => format!(
                "{days}: one {}-minute walk at a comfortable pace",
                self.bout_minutes
            ),
            Mode::Interval => format!(
                "{days}: {} of {minutes}, sitting or leaning forward for {} between them",
                count(self.bouts_per_session, "walk", "walks"),
                count(self.rest_minutes, "minute", "minutes")
            ),
            Mode::Gentle if self.bouts_per_session == 1 => format!(
                "{days}: one easy {}-minute walk, no more than you walk now",
                self.bout_minutes
            ),
            Mode::Gentle => format!(
                "{days}: {} {} of {minutes}, at different times of the day",
                self.bouts_per_session,
                noun(
                    self.bouts_per_session,
                    "short, easy walk",
                    "short, easy walks"
                )
            ),
        }
    }

    /// One day's walking in words ("one 12-minute walk", "2 walks of 5 minutes"), from these
    /// numbers only.
    pub fn day_words(&self) -> String {
        use crate::words::{count, noun};
        let minutes = count(self.bout_minutes, "minute", "minutes");
        match self.mode {
            Mode::Continuous if self.bouts_per_session > 1 => format!(
                "{} of {minutes}",
                count(self.bouts_per_session, "walk", "walks")
            ),
            Mode::Continuous => format!("one {}-minute walk", self.bout_minutes),
            Mode::Interval => format!(
                "{} of {minutes} with {} sitting or leaning forward between them",
                count(self.bouts_per_session, "walk", "walks"),
                count(self.rest_minutes, "minute", "minutes")
            ),
            Mode::Gentle if self.bouts_per_session == 1 => {
                format!("one easy {}-minute walk", self.bout_minutes)
            }
            Mode::Gentle => format!(
                "{} {} of {minutes}",
                self.bouts_per_session,
                noun(
                    self.bouts_per_session,
                    "short, easy walk",
                    "short, easy walks"
                )
            ),
        }
    }

    /// The line that ends every decision: the week and its walking, from the numbers.
    pub fn week_line(&self, week: u32) -> String {
        format!(
            "Week {week}: {} ({}).",
            self.words(),
            crate::words::count(self.weekly_minutes(), "minute a week", "minutes a week")
        )
    }

    /// Gentle walking: two short easy walks a day on 5 days, never longer than `floor` allows
    /// (5 minutes, or just under a shorter pain-free time).
    pub fn gentle(floor: u32) -> Prescription {
        Prescription {
            mode: Mode::Gentle,
            sessions_per_week: 5,
            bouts_per_session: 2,
            bout_minutes: floor.clamp(1, 5),
            rest_minutes: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Target {
    pub minutes_per_session: u32,
    pub sessions_per_week: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalkingOut {
    pub mode: Mode,
    pub sessions_per_week: u32,
    pub bouts_per_session: u32,
    pub bout_minutes: u32,
    pub rest_minutes: u32,
    pub weekly_minutes: u32,
    pub target: Target,
}

impl From<&WalkingOut> for Prescription {
    fn from(w: &WalkingOut) -> Prescription {
        Prescription {
            mode: w.mode,
            sessions_per_week: w.sessions_per_week,
            bouts_per_session: w.bouts_per_session,
            bout_minutes: w.bout_minutes,
            rest_minutes: w.rest_minutes,
        }
    }
}

impl From<Prescription> for WalkingOut {
    fn from(p: Prescription) -> WalkingOut {
        WalkingOut {
            mode: p.mode,
            sessions_per_week: p.sessions_per_week,
            bouts_per_session: p.bouts_per_session,
            bout_minutes: p.bout_minutes,
            rest_minutes: p.rest_minutes,
            weekly_minutes: p.weekly_minutes(),
            target: Target {
                minutes_per_session: TARGET_MINUTES,
                sessions_per_week: TARGET_SESSIONS,
            },
        }
    }
}

/// Which version of an exercise is prescribed: the library's regression, the exercise itself,
/// or its progression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    Easier,
    Standard,
    Harder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseDose {
    pub id: String,
    pub sets: u32,
    pub reps: u32,
    pub hold_s: u32,
    pub days_per_week: u32,
    /// From the library (contract §3): strength, mobility, stretch or balance.
    pub kind: crate::knowledge::ExerciseKind,
    /// From the library (contract §3): standing, sitting or floor.
    pub position: crate::knowledge::Position,
    /// `standard` until logged sessions move the dose to the easier or harder version. Not in
    /// the `amble.plan/1` JSON, whose keys are fixed by the contract; the reports say it.
    #[serde(skip)]
    pub variant: Variant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub id: String,
    /// The pattern id (or answer key) that rules the exercise out.
    pub because: String,
}

/// `amble.plan/1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub schema: &'static str,
    pub status: Status,
    pub week: u32,
    pub decision: Decision,
    /// `None` (JSON `null`) when the plan is blocked or suspended: no walking content at all.
    pub walking: Option<WalkingOut>,
    pub exercises: Vec<ExerciseDose>,
    pub excluded: Vec<Excluded>,
}

/// What kind of week a block was planned as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekType {
    /// At the level the plan builds from (perhaps trimmed to the caps): caps measure from these.
    Full,
    /// The easier week that comes every few weeks.
    Easier,
    /// Gentle walking during a flare, or while the plan is paused.
    Gentle,
}

/// What happened in one reviewed week, for the decision history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRecord {
    pub week: u32,
    pub start: Date,
    pub planned_weekly_minutes: u32,
    /// Walks (bouts) planned that week.
    pub planned_walks: u32,
    pub week_type: WeekType,
    pub walked_minutes: f64,
    pub green: u32,
    pub amber: u32,
    pub red: u32,
    pub unrated: u32,
    /// Nothing at all was logged in this week.
    pub empty: bool,
    pub decision: Decision,
}

/// A plan together with how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub plan: Plan,
    pub start: Date,
    pub history: Vec<WeekRecord>,
    pub assessment: Assessment,
    pub answers: Answers,
    pub assessment_id: String,
    /// The most recent earlier check-up that found warning signs needing a clinician (soon or
    /// more urgent), if the current one is less urgent: a flag is never cleared silently.
    pub earlier_warning: Option<EarlierWarning>,
    /// The level the plan builds from (what a full week would be), when there is a plan.
    pub level: Option<Prescription>,
    /// What kind of week the current one is.
    pub week_type: WeekType,
    /// The current week's prescription, when there is one to walk.
    pub current: Option<Prescription>,
    /// The day new symptoms (or a check-in's new warning sign) suspended the plan, when it is
    /// suspended.
    pub suspended_on: Option<Date>,
    /// The most a restart after new symptoms may plan (brief §2.5): the week that was in
    /// effect before them. Set when this check-up followed a suspended plan, or a paused one
    /// that carried such a cap.
    pub restart_cap: Option<Prescription>,
    /// The level this check-up kept from the plan before ("keep my level"), when it did.
    pub kept: Option<KeptLevel>,
    /// While the plan is blocked or suspended after warning signs: the care message it leads
    /// with and the signs (`None` otherwise, and after new symptoms alone).
    pub care: Option<super::care::Care>,
    /// The warning signs that suspended the plan (a check-in's or a re-screen's), when they
    /// did; `None` when new symptoms after a walk did, or nothing.
    pub suspended_by: Option<super::care::Sighting>,
}

/// An earlier check-up's warning signs, shown until the person has been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierWarning {
    pub date: Date,
    pub tier: crate::tier::Tier,
    pub flags: Vec<String>,
}

impl Replay {
    /// First day of the current 7-day block.
    pub fn block_start(&self) -> Date {
        self.start
            .saturating_add((i64::from(self.plan.week.saturating_sub(1)) * 7).days())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no check-up is stored yet: start with the check-up")]
    NoAssessment,
}

/// The words that announce an easier week in a decision (its heading reads them).
pub const EASIER_WEEK: &str = "is an easier week to let your body adapt";

/// A week's minutes in words ("45 minutes").
pub(super) fn words_minutes(p: &Prescription) -> String {
    crate::words::count(p.weekly_minutes(), "minute", "minutes")
}

/// The level a new check-up keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptLevel {
    /// The week of the plan before the check-up whose level is kept.
    pub from_week: u32,
    /// The level the plan before had reached: what a full week prescribed (after the caps; in
    /// an easier week, what a full week would be).
    pub reached: Prescription,
    /// Whether the new answers walk less or with more pain than the answers before and start
    /// below the level reached, so the kept level is no more than the new answers' start.
    pub limited_by_answers: bool,
    /// Week 1 of the new plan: the level reached, fitted to the new answers.
    pub level: Prescription,
}
