//! Traffic lights for one walk (§4.1, §4.3), with next-morning pain read against a personal
//! baseline so that day-to-day wobbles are not read as harm.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::answers::Answers;
use crate::journal::{Entry, LegSpread, Walk};

use super::tuning::Lights;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Amber,
    Red,
    /// No pain ratings yet (e.g. an imported walk): counts for minutes only.
    Unrated,
}

/// Morning pain by date (the last entry of a day wins), for quick look-ups and baselines.
#[derive(Debug, Clone, Default)]
pub struct Mornings {
    by_date: BTreeMap<Date, u8>,
    /// The check-up's usual morning pain, the fallback baseline.
    usual: Option<u8>,
}

impl Mornings {
    /// Entries in journal order (oldest first); mornings after `today` are left out.
    pub fn new_until(entries: &[Entry], answers: &Answers, today: Date) -> Mornings {
        let mut by_date = BTreeMap::new();
        for e in entries {
            if let Entry::Morning(m) = e
                && m.date <= today
            {
                by_date.insert(m.date, m.pain);
            }
        }
        let usual = answers
            .pain
            .usual_morning
            .and_then(|p| u8::try_from(p).ok())
            .filter(|p| *p <= 10);
        Mornings { by_date, usual }
    }

    pub fn on(&self, day: Date) -> Option<u8> {
        self.by_date.get(&day).copied()
    }

    /// Morning pain `days` after `date`.
    pub fn after(&self, date: Date, days: i64) -> Option<u8> {
        self.on(date.saturating_add(days.days()))
    }

    /// The personal baseline a morning on `day` is compared with: the median of the mornings
    /// logged in the `baseline_days` before it when there are enough of them, else the
    /// check-up's usual morning pain.
    pub fn baseline(&self, day: Date, lights: &Lights) -> Option<f64> {
        let from = day.saturating_sub(i64::from(lights.baseline_days).days());
        let mut recent: Vec<u8> = self.by_date.range(from..day).map(|(_, p)| *p).collect();
        if recent.len() >= lights.baseline_min_mornings as usize {
            recent.sort_unstable();
            let n = recent.len();
            let mid = if n % 2 == 1 {
                f64::from(recent[n / 2])
            } else {
                (f64::from(recent[n / 2 - 1]) + f64::from(recent[n / 2])) / 2.0
            };
            return Some(mid);
        }
        self.usual.map(f64::from)
    }

    /// The morning on `day` is a real rise: at least `morning_rise_red` above the baseline.
    pub fn risen(&self, day: Date, lights: &Lights, fallback: Option<u8>) -> Option<bool> {
        let m = self.on(day)?;
        let base = self.baseline(day, lights).or(fallback.map(f64::from))?;
        Some(f64::from(m) - base >= f64::from(lights.morning_rise_red))
    }
}

/// GREEN, AMBER or RED for one walk (§4.3). An unknown next morning can't confirm GREEN.
pub fn classify(walk: &Walk, mornings: &Mornings, lights: &Lights) -> Light {
    let Some(peak) = walk.pain_peak else {
        return Light::Unrated;
    };
    let next = walk.date.saturating_add(1.days());
    let settled = mornings.risen(next, lights, walk.pain_before).map(|r| !r);
    let spread = walk.leg_spread == Some(LegSpread::Further);
    if peak > lights.amber_peak_max || settled == Some(false) || spread {
        return Light::Red;
    }
    let rise_ok = walk
        .pain_before
        .is_some_and(|b| peak.saturating_sub(b) <= lights.green_rise_max);
    if peak <= lights.green_peak_max && rise_ok && settled == Some(true) {
        Light::Green
    } else {
        Light::Amber
    }
}

/// Why a walk got its light, in plain words (for logging feedback and the journal).
pub fn explain(walk: &Walk, mornings: &Mornings, lights: &Lights) -> String {
    let light = classify(walk, mornings, lights);
    let Some(peak) = walk.pain_peak else {
        return "No pain ratings yet, so this walk counts for minutes only.".into();
    };
    let next = walk.date.saturating_add(1.days());
    match light {
        Light::Red if walk.leg_spread == Some(LegSpread::Further) => {
            "Red: leg symptoms spread further down the leg than usual.".into()
        }
        Light::Red if peak > lights.amber_peak_max => {
            format!("Red: pain during the walk reached {peak}/10.")
        }
        Light::Red => format!(
            "Red: the next morning's back pain ({}/10) was clearly above your usual mornings.",
            mornings.on(next).unwrap_or_default()
        ),
        Light::Green => "Green: pain stayed low during the walk and had settled by the next morning.".into(),
        Light::Amber if mornings.on(next).is_none() && peak <= lights.green_peak_max => {
            "Amber for now: log how your back feels tomorrow morning and an easy walk can count as green.".into()
        }
        Light::Amber => format!("Amber: pain during the walk reached {peak}/10, which is acceptable as long as it settles by the next morning."),
        Light::Unrated => "No pain ratings yet, so this walk counts for minutes only.".into(),
    }
}

/// A morning's pain read against the usual, in one line (logging feedback and today).
pub fn morning_words(mornings: &Mornings, day: Date, lights: &Lights, today: Date) -> String {
    let Some(pain) = mornings.on(day) else {
        return String::new();
    };
    let when = if day == today {
        "This morning's".to_string()
    } else {
        format!("The {day} morning's")
    };
    match mornings.baseline(day, lights) {
        Some(base) if f64::from(pain) - base >= f64::from(lights.morning_rise_red) => format!(
            "{when} back pain ({pain}/10) is clearly above your usual mornings (about {base:.0}/10)."
        ),
        Some(base) => format!(
            "{when} back pain ({pain}/10) is in line with your usual mornings (about {base:.0}/10): settled."
        ),
        None => format!("{when} back pain was {pain}/10."),
    }
}
