//! The plan's tunable numbers, read from `content/plan.toml` and checked at start-up.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTuning {
    pub version: u32,
    pub lights: Lights,
    pub review: Review,
    pub steps: Steps,
    pub away: Away,
    pub exercise: ExerciseSteps,
    pub maintenance: Maintenance,
}

/// When the plan moves to maintenance, and how it keeps in touch there.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// Weeks at the target, walked and without a red walk, before maintenance.
    pub weeks_at_target: u32,
    /// Minutes walked (logged) in a week planned at the target for it to count.
    pub min_minutes_walked: f64,
    /// Days with a walk logged in a week planned at the target for it to count.
    pub min_days_walked: u32,
    /// Share of a week's planned minutes walked for a week planned below the target (an
    /// easier or capped week) to keep the run going.
    pub min_share_walked: f64,
    /// Points (0-10 pain, PEG) above the last or the first score that leave maintenance.
    pub pain_rise: f64,
    /// Weeks between check-ins in maintenance.
    pub checkin_every_weeks: u32,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lights {
    pub green_peak_max: u8,
    pub amber_peak_max: u8,
    pub green_rise_max: u8,
    pub morning_rise_red: u8,
    pub baseline_days: u32,
    pub baseline_min_mornings: u32,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub min_rated_walks: u32,
    pub min_rated_walks_in_flare: u32,
    /// Share of the week's planned walks that, rated, is enough to judge the week even when
    /// fewer than `min_rated_walks` (a missed walk never holds the plan by itself).
    pub min_rated_share: f64,
    pub progress_ok_fraction: f64,
    pub regress_red_walks: u32,
    pub trend_rise: f64,
    pub flare_mornings: u32,
    pub flare_red_walks: u32,
    /// Red walks, or risen mornings, within the week so far that switch the rest of the week
    /// to the flare plan at once.
    pub flare_soon: usize,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    pub min_bout: u32,
    pub short_walk_step: u32,
    pub long_walk_step: u32,
    pub long_walk_from: u32,
    pub days_first_from: u32,
    pub interval_bout_step: u32,
    pub cap_one_week: f64,
    pub cap_two_weeks: f64,
    pub regress_fraction: f64,
    pub easier_week_every: u32,
    pub easier_week_fraction: f64,
    pub flare_resume_fraction: f64,
    pub overload_first_steps: u32,
    pub overload_step_cap: f64,
    /// Week 1 may plan this many minutes above the person's current weekly walking when 20 %
    /// of it is less (people who walk very little) [heuristic, §5.5].
    pub first_week_extra_minutes: u32,
    /// Week 1 keeps at least this share of the walking a person already does with pain at most
    /// amber (and at least the target when they walk more than it) (brief §2.5).
    pub keep_current_share: f64,
    /// With severe pain or distress, each day's walking is split into walks of at most this
    /// many minutes where they fit (brief §5.5: 5-10 minutes, 1-3 times a day) [heuristic].
    pub severe_max_bout: u32,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Away {
    pub after_empty_weeks: u32,
    pub restart: Vec<Restart>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restart {
    pub weeks: u32,
    pub fraction: f64,
    #[serde(default)]
    pub suggest_checkup: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseSteps {
    pub min_sessions: u32,
    pub reps_step: u32,
    pub reps_max: u32,
    pub mobility_reps_max: u32,
    pub repeated_hold_step_s: u32,
    pub repeated_hold_max_s: u32,
    pub single_hold_step_s: u32,
    pub single_hold_max_s: u32,
    pub stretch_hold_step_s: u32,
    pub stretch_hold_max_s: u32,
    pub stretch_hold_max_older_s: u32,
    pub sets_max: u32,
    pub sources: Vec<String>,
}

impl Away {
    /// The restart row for a break of `weeks` weeks, if it is long enough to count as away.
    pub fn restart_for(&self, weeks: u32) -> Option<Restart> {
        self.restart
            .iter()
            .filter(|r| weeks >= r.weeks)
            .max_by_key(|r| r.weeks)
            .copied()
    }
}

impl PlanTuning {
    /// Every source list (section name, ids), for the reference check.
    pub fn source_lists(&self) -> [(&'static str, &[String]); 6] {
        [
            ("maintenance", &self.maintenance.sources),
            ("lights", &self.lights.sources),
            ("review", &self.review.sources),
            ("steps", &self.steps.sources),
            ("away", &self.away.sources),
            ("exercise", &self.exercise.sources),
        ]
    }

    /// Checks the numbers make sense together: `Err((location, message))` otherwise.
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |loc: &str, msg: &str| Err((loc.to_string(), msg.to_string()));
        let l = &self.lights;
        if !(l.green_peak_max <= l.amber_peak_max && l.amber_peak_max < 10) {
            return bad(
                "lights.amber_peak_max",
                "needs green_peak_max <= amber_peak_max < 10",
            );
        }
        if l.morning_rise_red == 0 || l.baseline_days == 0 || l.baseline_min_mornings == 0 {
            return bad(
                "lights",
                "morning_rise_red, baseline_days and baseline_min_mornings must be at least 1",
            );
        }
        let m = &self.maintenance;
        if m.weeks_at_target == 0 || m.checkin_every_weeks == 0 {
            return bad(
                "maintenance",
                "weeks_at_target and checkin_every_weeks must be at least 1",
            );
        }
        if !(m.min_share_walked > 0.0 && m.min_share_walked <= 1.0) {
            return bad(
                "maintenance.min_share_walked",
                "must be above 0 and at most 1",
            );
        }
        if !(m.min_minutes_walked > 0.0 && m.min_minutes_walked <= 7.0 * 24.0 * 60.0) {
            return bad(
                "maintenance.min_minutes_walked",
                "must be above 0 and at most a week",
            );
        }
        if !(1..=7).contains(&m.min_days_walked) {
            return bad("maintenance.min_days_walked", "must be 1 to 7");
        }
        if !(m.pain_rise >= 1.0 && m.pain_rise <= 10.0) {
            return bad("maintenance.pain_rise", "must be 1 to 10 points");
        }
        let r = &self.review;
        if r.min_rated_walks == 0 || r.min_rated_walks_in_flare == 0 {
            return bad("review.min_rated_walks", "must be at least 1");
        }
        if !(r.min_rated_share > 0.0 && r.min_rated_share <= 1.0) {
            return bad("review.min_rated_share", "must be above 0 and at most 1");
        }
        if !(0.0..=1.0).contains(&r.progress_ok_fraction) {
            return bad("review.progress_ok_fraction", "must be between 0 and 1");
        }
        if r.flare_mornings == 0
            || r.flare_red_walks == 0
            || r.regress_red_walks == 0
            || r.flare_soon == 0
        {
            return bad("review", "flare and step-back counts must be at least 1");
        }
        let s = &self.steps;
        if s.min_bout == 0 || s.min_bout > 30 {
            return bad("steps.min_bout", "must be 1 to 30 minutes");
        }
        if s.short_walk_step == 0 || s.long_walk_step == 0 || s.interval_bout_step == 0 {
            return bad("steps", "a step up must add at least one minute");
        }
        if !(s.cap_one_week > 1.0 && s.cap_two_weeks >= s.cap_one_week && s.cap_two_weeks <= 2.0) {
            return bad(
                "steps.cap_one_week",
                "needs 1 < cap_one_week <= cap_two_weeks <= 2",
            );
        }
        for (name, f) in [
            ("steps.regress_fraction", s.regress_fraction),
            ("steps.easier_week_fraction", s.easier_week_fraction),
            ("steps.flare_resume_fraction", s.flare_resume_fraction),
        ] {
            if !(f > 0.0 && f < 1.0) {
                return bad(name, "must be between 0 and 1 (exclusive)");
            }
        }
        if !(s.keep_current_share > 0.0 && s.keep_current_share <= 1.0) {
            return bad("steps.keep_current_share", "must be above 0 and at most 1");
        }
        if s.severe_max_bout < s.min_bout {
            return bad("steps.severe_max_bout", "must be at least min_bout");
        }
        if s.easier_week_every < 2 {
            return bad("steps.easier_week_every", "must be at least 2");
        }
        if !(s.overload_step_cap > 1.0 && s.overload_step_cap <= s.cap_one_week) {
            return bad(
                "steps.overload_step_cap",
                "must be above 1 and no more than cap_one_week",
            );
        }
        let a = &self.away;
        if a.after_empty_weeks < 2 {
            return bad("away.after_empty_weeks", "must be at least 2");
        }
        if a.restart.is_empty() || a.restart_for(a.after_empty_weeks).is_none() {
            return bad(
                "away.restart",
                "needs a row for breaks of after_empty_weeks weeks",
            );
        }
        let mut last = f64::INFINITY;
        let mut rows = a.restart.clone();
        rows.sort_by_key(|r| r.weeks);
        for row in rows {
            if !(row.fraction > 0.0 && row.fraction <= 1.0) || row.fraction > last {
                return bad(
                    "away.restart",
                    "fractions must be in (0, 1] and shrink as breaks get longer",
                );
            }
            last = row.fraction;
        }
        let x = &self.exercise;
        if x.min_sessions == 0 || x.reps_step == 0 || x.sets_max == 0 {
            return bad("exercise", "sessions, steps and sets must be at least 1");
        }
        Ok(())
    }
}
