//! Urgency tiers (clinical brief §2.2), ordered from least to most urgent.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    None,
    Routine,
    Soon,
    Urgent,
    Emergency,
}

impl Tier {
    pub const ALL: [Tier; 5] = [
        Tier::None,
        Tier::Routine,
        Tier::Soon,
        Tier::Urgent,
        Tier::Emergency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::None => "none",
            Tier::Routine => "routine",
            Tier::Soon => "soon",
            Tier::Urgent => "urgent",
            Tier::Emergency => "emergency",
        }
    }

    /// What the tier allows of the plan (contract §2).
    pub fn plan_status(self) -> PlanStatus {
        match self {
            Tier::Emergency | Tier::Urgent => PlanStatus::Blocked,
            Tier::Soon => PlanStatus::Paused,
            Tier::Routine | Tier::None => PlanStatus::Allowed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Blocked,
    Paused,
    Allowed,
}
