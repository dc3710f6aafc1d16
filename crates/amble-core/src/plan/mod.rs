//! Walking and exercise plans (`amble.plan/1`): the starting prescription from a check-up, and
//! the current prescription as a pure function of the journal and today's date (clinical brief
//! §4.3, §5.5). The tunable numbers live in `content/plan.toml`; docs/plan-rules.md explains
//! every rule and marks Amble's own heuristics.
//!
//! - `types`: prescriptions, decisions and the documents;
//! - `start`: the starting plan and the exercises chosen;
//! - `lights`: GREEN, AMBER or RED for one walk, against a personal morning baseline;
//! - `review`: the decision for one reviewed week;
//! - `progression`: steps up and back, easier weeks, restarts and the caps;
//! - `exercises`: exercise doses that progress with logged sessions;
//! - `keep`: a new check-up that keeps the level reached;
//! - `replay`: the journal replayed week by week into the current plan;
//! - `maintenance`: when the target is held, and the check-ins that leave maintenance;
//! - `ask`: what a new check-up would keep, and whether a check-in left maintenance (above the
//!   replay, which it runs);
//! - `care`: what a blocked or suspended plan leads with (the tier's care message, the signs);
//! - `today`: what to do today;
//! - `session`: today's walk as a guided session of walking and resting segments.

mod ask;
mod care;
mod exercises;
mod keep;
mod lights;
mod maintenance;
mod progression;
mod replay;
mod review;
mod session;
mod start;
mod today;
pub use crate::tuning;
mod types;

pub use ask::{checkin_leaves_maintenance, keep_offer};
pub use care::{AnsweredIn, Care, Sighting, care_words};
pub use exercises::{describe as describe_exercise_dose, dose_line};
pub use keep::level_words;
pub use lights::{Light, Mornings, classify, explain as explain_light, morning_words};
pub use maintenance::{checkin_alarm, maintenance_since};
pub use replay::{Checkpoints, cap_breaches, replay, replay_from, replay_kept};
pub use session::{
    Cue, CueKind, MAX_SEGMENTS, MAX_SESSION_SECONDS, Segment, SegmentKind, WalkSession, cues,
    parse_segments_spec, segments_spec, walk_seconds, walk_session,
};
pub use start::{choose_exercises, floor_bout, start_plan, starting_prescription};
pub use today::{Today, after_logging, blocked_words, paused_words, rescreen_may_lift, today_view};
pub use types::*;
