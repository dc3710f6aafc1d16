//! What the importers produce, before it becomes journal entries.

use amble_core::journal::WalkSource;

/// A point of a recorded track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Unix time in seconds (UTC).
    pub t: f64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub ele: Option<f64>,
    pub hr: Option<f64>,
    /// Device distance from the start, metres (FIT/TCX).
    pub dist: Option<f64>,
}

impl Point {
    /// A point with nothing known yet (time NaN until read).
    pub const EMPTY: Point = Point {
        t: f64::NAN,
        lat: None,
        lon: None,
        ele: None,
        hr: None,
        dist: None,
    };
}

/// The sport a file declares, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sport {
    Walking,
    Hiking,
    /// Declared as something else (running, cycling, yoga ...): never a walk.
    Other(String),
    /// Not declared (or meaningless): decided by speed.
    Unknown,
}

impl Sport {
    /// Normalises a sport name from any of the formats.
    pub fn from_name(name: &str) -> Sport {
        let n = name.trim().to_ascii_lowercase();
        let n = n.trim_start_matches("hkworkoutactivitytype");
        match n {
            "walking" | "walk" | "walking_fitness" | "indoor_walking" | "speed_walking"
            | "casual_walking" => Sport::Walking,
            "hiking" | "hike" | "mountaineering" => Sport::Hiking,
            "" | "..." | "generic" | "unknown" | "all" => Sport::Unknown,
            other
                if other.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                    && KNOWN_OTHER.contains(&other) =>
            {
                Sport::Other(other.replace('_', " "))
            }
            _ => Sport::Unknown,
        }
    }
}

/// Sport names that are clearly not walks.
const KNOWN_OTHER: &[&str] = &[
    "running",
    "run",
    "biking",
    "cycling",
    "bike",
    "swimming",
    "swim",
    "rowing",
    "yoga",
    "training",
    "fitness_equipment",
    "transition",
    "skiing",
    "cross_country_skiing",
    "alpine_skiing",
    "snowboarding",
    "tennis",
    "soccer",
    "golf",
    "e_biking",
    "mountain_biking",
    "road_biking",
    "elliptical",
    "stair_climbing",
    "strength_training",
    "trail_running",
    "treadmill_running",
    "other",
    "traditionalstrengthtraining",
    "functionalstrengthtraining",
    "highintensityintervaltraining",
    "dance",
];

/// A recorded activity, with the device's own summary values where the file has them.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub sport: Sport,
    /// Unix seconds, UTC.
    pub start: f64,
    /// Offset of local time from UTC, when the file says.
    pub offset_s: Option<i32>,
    pub elapsed_s: f64,
    /// Moving time: pauses and stops excluded.
    pub moving_s: f64,
    pub distance_m: Option<f64>,
    pub steps: Option<u64>,
    pub avg_hr: Option<f64>,
    /// Total climb in metres.
    pub ascent_m: Option<f64>,
    pub source: WalkSource,
    /// Index of the activity within its file (for messages).
    pub index: usize,
    /// The sport name as the file wrote it, for messages.
    pub declared: Option<String>,
    /// The device's own average cadence (steps a minute), where the file has one: it is what
    /// the watch showed, so it is preferred to one worked out from steps and moving time.
    pub cadence_spm: Option<f64>,
}

/// One day of Apple Health walking data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DayMetrics {
    pub steps: Option<u64>,
    pub walking_speed_mps: Option<f64>,
    pub step_length_m: Option<f64>,
    pub asymmetry_frac: Option<f64>,
    pub double_support_frac: Option<f64>,
    pub steadiness_frac: Option<f64>,
}

/// Why a file could not be read: the message and, where known, where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", location(*offset, *line))]
pub struct ParseError {
    pub message: String,
    pub offset: Option<u64>,
    pub line: Option<u64>,
}

fn location(offset: Option<u64>, line: Option<u64>) -> String {
    match (line, offset) {
        (Some(l), _) => format!(" (line {l})"),
        (None, Some(o)) => format!(" (at byte {o})"),
        _ => String::new(),
    }
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            offset: None,
            line: None,
        }
    }
    pub fn at(message: impl Into<String>, offset: u64) -> ParseError {
        ParseError {
            message: message.into(),
            offset: Some(offset),
            line: None,
        }
    }
}

/// What one file held.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Activities found (walks and others; the pipeline decides).
    Activities(Vec<Activity>),
    /// Not an activity file at all, with the reason.
    NotActivity(String),
}
