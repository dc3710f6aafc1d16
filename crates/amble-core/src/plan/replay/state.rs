//! The replay's state between weeks, and one method per step: a week reviewed, the rules it
//! meets (a break and the return from it, a hold, a flare, a step up or back, maintenance, the
//! exercises), and the next week's prescription with the caps.

use std::collections::{BTreeMap, BTreeSet};

use jiff::ToSpan;
use jiff::civil::Date;

use crate::checkin::Checkin;
use crate::journal::{Entry, ExerciseSession, Walk};
use crate::knowledge::KnowledgeBase;

use super::super::exercises::ExercisePlan;
use super::super::lights::Mornings;
use super::super::maintenance::{
    FLARE_ADVICE, Held, HeldWeek, LEAVES_FOR_FLARE, checkin_alarm, entry_words, held_week,
};
use super::super::progression::{Caps, fit_under, progress, scale, shorten, smallest_step};
use super::super::review::{BlockReview, Context, review_block};
use super::super::tuning::PlanTuning;
use super::super::types::{
    Decision, DecisionKind, EASIER_WEEK, Mode, Prescription, WeekRecord, WeekType, words_minutes,
};

/// What the journal holds per block, gathered once.
pub(super) struct Blocks<'a> {
    pub walks: BTreeMap<u32, Vec<&'a Walk>>,
    pub exercises: BTreeMap<u32, Vec<&'a ExerciseSession>>,
    /// Check-ins per block (read in maintenance).
    pub checkins: BTreeMap<u32, Vec<&'a Checkin>>,
    /// Blocks with anything logged in them (walks, mornings, exercises).
    pub active: BTreeSet<u32>,
}

/// What stays the same through the weeks of one replay: the journal as read per block, the
/// mornings, and what the check-up decided about the plan's shape.
pub(super) struct Setting<'a> {
    pub entries: &'a [Entry],
    pub kb: &'a KnowledgeBase,
    pub tuning: &'a PlanTuning,
    pub today: Date,
    /// The day of the check-up that started the plan (week 1 starts then).
    pub start: Date,
    pub blocks: Blocks<'a>,
    /// Check-ins and re-screens after the check-up, in order: (date, warning-sign questions
    /// left unanswered). The latest one before a review decides whether the plan may step up.
    pub screens: Vec<(Date, usize)>,
    pub mornings: Mornings,
    /// The shortest walk the plan asks for.
    pub floor: u32,
    /// The plan is paused at gentle walking (a warning sign to see a doctor about).
    pub paused: bool,
    /// The plan is waiting for warning-sign questions to be answered.
    pub waiting_for_answers: bool,
    /// Add walks before making them longer.
    pub frequency_first: bool,
    /// An overload pattern: small increases for the first steps (§4.3).
    pub slow_start: bool,
    /// The walking done before the programme (from the check-up), if known.
    pub walked_before: Option<f64>,
}

/// The decision of one week while it is being made: its kind and the words that explain it.
struct Deciding {
    kind: DecisionKind,
    because: Vec<String>,
}

impl Deciding {
    /// A step up turned into a hold: the words no longer announce the step.
    fn hold_instead_of_step(&mut self) {
        self.kind = DecisionKind::Hold;
        for b in &mut self.because {
            if b.ends_with("so the plan takes one step up.") {
                *b = "Your walks went well (green or amber, none red).".into();
            }
        }
    }

    fn setback(&self) -> bool {
        matches!(self.kind, DecisionKind::Regress | DecisionKind::Flare)
    }
}

/// Where the plan stands between two weeks.
#[derive(Clone)]
pub(super) struct ReplayState {
    /// The week about to be reviewed (1-based).
    pub week: u32,
    /// What a full week would be; easier, flare and capped weeks never change it.
    pub level: Prescription,
    /// The week in effect and its type.
    pub this_week: Prescription,
    pub this_type: WeekType,
    caps: Caps,
    in_flare: bool,
    /// During a flare, gentle weeks never plan more than the week the flare was found in.
    flare_cap: f64,
    /// The level walked before a flare or a break, to build back toward.
    rebuild_to: Option<Prescription>,
    /// The level when the current break began.
    away_from: Option<Prescription>,
    /// Weeks in a row with nothing logged.
    empty_run: u32,
    previous_avg: Option<f64>,
    first_avg: Option<f64>,
    pub last_kind: DecisionKind,
    pub last_because: Vec<String>,
    progressions: u32,
    /// Maintenance: the weeks that held the target (walked, as logged) since the run began,
    /// the lighter weeks walked as planned in between, and whether the plan is there.
    held_weeks: Vec<HeldWeek>,
    bridged: Vec<u32>,
    pub maintenance: bool,
    pub exercises: ExercisePlan,
}

impl ReplayState {
    /// The state before week 1 is reviewed: the plan starts at `first`.
    pub fn new(first: Prescription, because: Vec<String>, exercises: ExercisePlan) -> Self {
        let mut caps = Caps::default();
        caps.record_full(first);
        ReplayState {
            week: 1,
            level: first,
            this_week: first,
            this_type: if first.mode == Mode::Gentle {
                WeekType::Gentle
            } else {
                WeekType::Full
            },
            caps,
            in_flare: false,
            flare_cap: f64::INFINITY,
            rebuild_to: None,
            away_from: None,
            empty_run: 0,
            previous_avg: None,
            first_avg: None,
            last_kind: DecisionKind::Start,
            last_because: because,
            progressions: 0,
            held_weeks: Vec::new(),
            bridged: Vec::new(),
            maintenance: false,
            exercises,
        }
    }

    /// The most a gentle week switched to within this week may plan: this week, and never more
    /// than the last full week before it (a full week in progress is already among the caps).
    pub fn gentle_bound(&self) -> f64 {
        let before = if self.this_type == WeekType::Full {
            self.caps.full_before_last()
        } else {
            self.caps.last_full()
        };
        let this = self.this_week.weekly_minutes();
        f64::from(before.map_or(this, |b| b.min(this)))
    }

    /// Reviews the current week when it has ended by `cx.today` and moves on to the next:
    /// the week's record, or `None` when the week is still running.
    pub fn week(&mut self, cx: &Setting<'_>) -> Option<WeekRecord> {
        let index = self.week - 1;
        let block_start = cx.start.saturating_add((i64::from(index) * 7).days());
        let block_end = block_start.saturating_add(7.days());
        if block_end > cx.today || self.week == u32::MAX {
            return None;
        }
        let walks: &[&Walk] = cx.blocks.walks.get(&index).map_or(&[], |w| w.as_slice());
        let alarm = self.alarm(cx, index);
        let empty = !cx.blocks.active.contains(&index) && alarm.is_none();
        let level_at_start = self.level;
        let review = self.review(cx, walks, block_start);
        let pain_falling = self.pain_falling(&review);
        let mut d = Deciding {
            kind: review.decision,
            because: review.because.clone(),
        };
        if empty {
            self.empty_week(cx, &mut d);
        } else {
            self.empty_run = 0;
            self.away_from = None;
        }
        self.holds(cx, block_end, &mut d);
        self.flare_switched_within(cx, walks, block_start, alarm.is_some(), empty, &mut d);
        if let Some(lines) = &alarm {
            d.kind = DecisionKind::Flare;
            d.because = lines.clone();
            d.because.push(LEAVES_FOR_FLARE.into());
            d.because.push(FLARE_ADVICE.into());
        }
        if !cx.paused && !empty {
            self.decide(cx, &mut d);
        }
        let went_well = !cx.paused
            && !empty
            && !self.in_flare
            && review.red == 0
            && review.green + review.amber > 0
            && !d.setback();
        self.maintenance(
            cx,
            walks,
            &level_at_start,
            went_well,
            alarm.is_some(),
            &mut d,
        );
        // Exercises move with their own sessions, but never up in a week that went badly.
        if !cx.paused {
            let allow_up = !self.in_flare && !d.setback();
            let sessions = cx
                .blocks
                .exercises
                .get(&index)
                .map_or(&[][..], |s| s.as_slice());
            self.exercises
                .review(sessions, allow_up, cx.kb, &mut d.because);
        }
        let (next, next_type) = self.next_week(cx, &mut d, pain_falling);
        Some(self.advance(block_start, &review, empty, d, next, next_type))
    }

    /// In maintenance, a week switched to the flare plan within the week is reviewed as a
    /// flare week (outside it, two red walks step back as the weekly rules say).
    fn flare_switched_within(
        &self,
        cx: &Setting<'_>,
        walks: &[&Walk],
        block_start: Date,
        alarm: bool,
        empty: bool,
        d: &mut Deciding,
    ) {
        if self.maintenance
            && !alarm
            && !cx.paused
            && !empty
            && !self.in_flare
            && d.kind != DecisionKind::Flare
            && self.this_type != WeekType::Gentle
            && self.this_week.mode != Mode::Gentle
            && let Some(line) =
                super::super::review::switched_to_flare(walks, &cx.mornings, cx.tuning, block_start)
        {
            d.kind = DecisionKind::Flare;
            d.because.truncate(1);
            d.because.push(line);
            d.because.push(FLARE_ADVICE.into());
        }
    }

    /// In maintenance, a check-in saying back pain limited what you do, or pain clearly up,
    /// switches to the flare plan (already within the week, in `checkin_within_week`).
    fn alarm(&self, cx: &Setting<'_>, index: u32) -> Option<Vec<String>> {
        (self.maintenance && !cx.paused)
            .then(|| cx.blocks.checkins.get(&index))
            .flatten()
            .and_then(|cs| {
                cs.iter()
                    .map(|c| checkin_alarm(cx.entries, c, cx.kb))
                    .find(|a| !a.is_empty())
            })
    }

    fn review(&self, cx: &Setting<'_>, walks: &[&Walk], block_start: Date) -> BlockReview {
        // The week before answered its risen mornings: a step back or a flare decision, or a
        // switch to the flare plan within that week.
        let answered_before = matches!(self.last_kind, DecisionKind::Regress | DecisionKind::Flare)
            || self.week.checked_sub(2).is_some_and(|prev| {
                let prev_walks: &[&Walk] = cx.blocks.walks.get(&prev).map_or(&[], |w| w.as_slice());
                super::super::review::switched_to_flare(
                    prev_walks,
                    &cx.mornings,
                    cx.tuning,
                    block_start.saturating_sub(7.days()),
                )
                .is_some()
            });
        review_block(
            walks,
            &Context {
                week: self.week,
                mornings: &cx.mornings,
                tuning: cx.tuning,
                block_start,
                previous_avg: self.previous_avg,
                after_setback: self.last_kind == DecisionKind::Regress,
                in_flare: self.in_flare,
                rebuilding: self.rebuild_to.is_some(),
                planned_walks: self.this_week.walks_per_week(),
                answered_before,
            },
        )
    }

    /// Pain falling: this week's average pain before walks below both the first rated week's
    /// and the week before's. Remembers this week's average for the weeks after.
    fn pain_falling(&mut self, review: &BlockReview) -> bool {
        let falling = match (review.avg_pain_before, self.first_avg, self.previous_avg) {
            (Some(now), Some(first), before) => now < first && before.is_none_or(|b| now <= b),
            _ => false,
        };
        if review.avg_pain_before.is_some() {
            self.previous_avg = review.avg_pain_before;
            self.first_avg = self.first_avg.or(review.avg_pain_before);
        }
        falling
    }

    /// A week with nothing logged holds the plan; enough of them in a row count as a break,
    /// and the plan restarts lower when the person returns.
    fn empty_week(&mut self, cx: &Setting<'_>, d: &mut Deciding) {
        self.empty_run += 1;
        d.kind = DecisionKind::Hold;
        d.because = Vec::new();
        if cx.paused || self.empty_run < cx.tuning.away.after_empty_weeks {
            d.because
                .push("Nothing was logged this week, so the plan stays where it is.".into());
            return;
        }
        let from = *self.away_from.get_or_insert(self.level);
        self.in_flare = false;
        self.flare_cap = f64::INFINITY;
        if let Some(row) = cx.tuning.away.restart_for(self.empty_run) {
            self.level = scale(from, row.fraction, cx.floor);
            self.rebuild_to = (self.level.weekly_minutes() < from.weekly_minutes()).then_some(from);
            d.because.push(format!(
                "Nothing has been logged for {} weeks, so the plan counts you as away. Welcome back whenever you're ready.",
                self.empty_run
            ));
            d.because.push(format!(
                "After a break the plan restarts lower, at about {:.0}% of where you were ({} a week instead of {}), and builds back from there.",
                row.fraction * 100.0,
                words_minutes(&self.level),
                words_minutes(&from)
            ));
            if row.suggest_checkup {
                d.because.push("After a long break, consider running the check-up again, especially if your back feels different.".into());
            }
        }
    }

    /// A paused plan holds at gentle walking; a check-in that left warning signs unanswered
    /// holds the plan where it is until they are answered (brief §2.5: "not sure" is never
    /// "no").
    fn holds(&self, cx: &Setting<'_>, block_end: Date, d: &mut Deciding) {
        if cx.paused && d.kind != DecisionKind::Flare {
            d.kind = DecisionKind::Hold;
            d.because.push(if cx.waiting_for_answers {
                "The plan stays at gentle walking until every warning-sign question has a yes or no answer in a new check-up.".into()
            } else {
                "The plan is paused at gentle walking until you have seen a doctor and run a new check-up.".into()
            });
        }
        if !cx.paused
            && d.kind == DecisionKind::Progress
            && let Some((date, n)) = cx
                .screens
                .iter()
                .rfind(|(date, _)| *date < block_end)
                .filter(|(_, n)| *n > 0)
        {
            d.hold_instead_of_step();
            d.because.push(format!(
                "Your check-in on {date} left {} unanswered, so the plan does not step up until each has a yes or no (in your next check-in or a new check-up).",
                crate::words::count(u32::try_from(*n).unwrap_or(u32::MAX), "warning-sign question", "warning-sign questions")
            ));
        }
    }

    /// What the week's decision does to the level: a flare shortens it (once), a settled flare
    /// picks up again, a step up or back moves it.
    fn decide(&mut self, cx: &Setting<'_>, d: &mut Deciding) {
        let s = &cx.tuning.steps;
        match d.kind {
            DecisionKind::Flare => {
                if !self.in_flare {
                    let before = self
                        .rebuild_to
                        .filter(|r| r.weekly_minutes() > self.level.weekly_minutes())
                        .unwrap_or(self.level);
                    self.rebuild_to = Some(before);
                    self.level = shorten(self.level, s.flare_resume_fraction, cx.floor);
                    self.in_flare = true;
                    self.flare_cap = f64::from(self.this_week.weekly_minutes());
                }
            }
            DecisionKind::Progress if self.in_flare => {
                self.in_flare = false;
                self.flare_cap = f64::INFINITY;
                d.because.push(format!(
                    "The flare has settled: walking picks up again a little below where it was ({} a week), then builds back.",
                    words_minutes(&self.level)
                ));
            }
            DecisionKind::Progress => self.step_up(cx, d),
            DecisionKind::Regress => {
                if !self.in_flare {
                    self.level = shorten(self.level, s.regress_fraction, cx.floor);
                    self.rebuild_to = None;
                }
            }
            DecisionKind::Hold | DecisionKind::Start | DecisionKind::Suspend => {}
        }
    }

    /// A week that went well: build back toward a level walked before, or take one step up
    /// (small ones at first for an overload pattern).
    fn step_up(&mut self, cx: &Setting<'_>, d: &mut Deciding) {
        let s = &cx.tuning.steps;
        let floor = cx.floor;
        let cap = self.caps.limit(s);
        // Building back toward a level walked before: up to a fifth more a week (the caps then
        // trim each week, never the level).
        let rebuild_cap = cap.max(f64::from(self.level.weekly_minutes()) * s.cap_one_week);
        let rebuilt = self
            .rebuild_to
            .map(|goal| fit_under(goal, rebuild_cap, floor))
            .filter(|n| n.weekly_minutes() > self.level.weekly_minutes());
        if let Some(n) = rebuilt {
            self.level = n;
            d.because.push(format!(
                "Building back toward where you were before: {} a week now.",
                words_minutes(&self.level)
            ));
        } else {
            self.rebuild_to = None;
            let before = self.level;
            let stepped = progress(self.level, cx.frequency_first, cap, s, &mut d.because);
            if stepped == before {
                // At the target (or gentle walking): nothing to step up to.
                d.hold_instead_of_step();
            }
            self.progressions += 1;
            self.level = if cx.slow_start && self.progressions <= s.overload_first_steps {
                // Overload pattern: small increases for the first steps (§4.3).
                let small = fit_under(
                    stepped,
                    f64::from(self.level.weekly_minutes()) * s.overload_step_cap,
                    floor,
                );
                if small.weekly_minutes() > self.level.weekly_minutes() {
                    small
                } else {
                    smallest_step(self.level).map_or(stepped, |(n, _)| n)
                }
            } else {
                stepped
            };
        }
        if self
            .rebuild_to
            .is_some_and(|g| self.level.weekly_minutes() >= g.weekly_minutes())
        {
            self.rebuild_to = None;
        }
    }

    /// Maintenance: the target held for weeks by the walks logged (minutes and days), without
    /// a red walk, keeps it; a flare, a step back, a break or a check-in that raises a concern
    /// leaves it and the normal rules take over.
    fn maintenance(
        &mut self,
        cx: &Setting<'_>,
        walks: &[&Walk],
        level_at_start: &Prescription,
        went_well: bool,
        alarm: bool,
        d: &mut Deciding,
    ) {
        let m = &cx.tuning.maintenance;
        match held_week(
            self.week,
            walks,
            level_at_start,
            &self.this_week,
            went_well,
            m,
        ) {
            Held::Counts(h) => self.held_weeks.push(h),
            Held::Bridge(w) if !self.held_weeks.is_empty() => self.bridged.push(w),
            Held::Bridge(_) => {}
            Held::Breaks => {
                self.held_weeks.clear();
                self.bridged.clear();
            }
        }
        let leaves = d.setback() || self.empty_run >= cx.tuning.away.after_empty_weeks || cx.paused;
        if self.maintenance && leaves {
            self.maintenance = false;
            self.held_weeks.clear();
            self.bridged.clear();
            if !alarm {
                d.because.push("The plan leaves maintenance for now: the usual weekly rules take over until the target is held again.".into());
            }
        } else if !self.maintenance && self.held_weeks.len() >= m.weeks_at_target as usize {
            self.maintenance = true;
            d.because
                .extend(entry_words(&self.held_weeks, &self.bridged, m));
            self.held_weeks.clear();
            self.bridged.clear();
        }
    }

    /// Next week's prescription: the level, unless the week is gentle (flare, paused) or
    /// easier; then the caps. The words end with the week as planned.
    fn next_week(
        &self,
        cx: &Setting<'_>,
        d: &mut Deciding,
        pain_falling: bool,
    ) -> (Prescription, WeekType) {
        let s = &cx.tuning.steps;
        let (level, floor) = (self.level, cx.floor);
        let next_week = self.week.saturating_add(1);
        let (mut next, mut next_type) = self.planned_next(cx, &mut d.because, pain_falling);
        let mut cap = self.caps.limit(s);
        if d.setback() {
            // A step back never raises the weekly dose, whatever the mode switch.
            cap = cap.min(f64::from(self.this_week.weekly_minutes()));
        }
        if self.in_flare {
            cap = cap.min(self.flare_cap);
        }
        let capped = fit_under(next, cap, floor);
        if capped != next && next_type != WeekType::Gentle {
            d.because.push(format!(
                "Weekly walking is kept within 20% of your last full week ({} at most).",
                words_minutes(&capped)
            ));
        }
        next = capped;
        if next_type == WeekType::Easier && next == level {
            next_type = WeekType::Full;
        }
        // Every dose in the words comes from the numbers: a step up that the week does not
        // show in full (an easier week, the caps) is told as the level's step, and the last
        // line is always the week as planned.
        if next != level
            && d.kind == DecisionKind::Progress
            && next.mode != Mode::Gentle
            && let Some(at) = d.because.iter().position(|b| b.starts_with("Step up:"))
        {
            d.because.retain(|b| !b.starts_with("Step up:"));
            d.because.insert(
                at.min(d.because.len()),
                format!(
                    "Step up: your level goes up to {} a week ({}).",
                    words_minutes(&level),
                    level.words()
                ),
            );
        }
        d.because.push(next.week_line(next_week));
        (next, next_type)
    }

    /// The week after this one before the caps: gentle (paused, gentle level, flare), an
    /// easier week every few weeks, or the level.
    fn planned_next(
        &self,
        cx: &Setting<'_>,
        because: &mut Vec<String>,
        pain_falling: bool,
    ) -> (Prescription, WeekType) {
        let s = &cx.tuning.steps;
        let (level, floor) = (self.level, cx.floor);
        let next_week = self.week.saturating_add(1);
        let away = self.empty_run >= cx.tuning.away.after_empty_weeks;
        if cx.paused || level.mode == Mode::Gentle {
            return (level, WeekType::Gentle);
        }
        if self.in_flare {
            return (Prescription::gentle(floor), WeekType::Gentle);
        }
        let easier_due = next_week.is_multiple_of(s.easier_week_every)
            && !away
            && self.rebuild_to.is_none()
            && !self.maintenance
            // Only when there is load to ease: not while pain is falling and the plan is still
            // below the walking done before the programme.
            && !(pain_falling
                && cx
                    .walked_before
                    .is_some_and(|m| f64::from(level.weekly_minutes()) < m));
        if !easier_due {
            return (level, WeekType::Full);
        }
        // About a fifth below the level, and never above that much below the last full week
        // (when the level has just stepped up).
        let bout = (f64::from(level.bout_minutes) * s.easier_week_fraction).floor() as u32;
        let mut easier = Prescription {
            bout_minutes: bout.max(floor).min(level.bout_minutes),
            ..level
        };
        if let Some(last) = self.caps.last_full() {
            easier = fit_under(easier, f64::from(last) * s.easier_week_fraction, floor);
        }
        if easier == level {
            return (level, WeekType::Full);
        }
        because.push(format!(
            "Week {next_week} {EASIER_WEEK}: {} instead of {}; the plan picks up again after it.",
            words_minutes(&easier),
            level.weekly_minutes()
        ));
        (easier, WeekType::Easier)
    }

    /// The week's record, and the state moved on to the next week.
    fn advance(
        &mut self,
        block_start: Date,
        review: &BlockReview,
        empty: bool,
        d: Deciding,
        next: Prescription,
        next_type: WeekType,
    ) -> WeekRecord {
        let record = WeekRecord {
            week: self.week,
            start: block_start,
            planned_weekly_minutes: self.this_week.weekly_minutes(),
            planned_walks: self.this_week.walks_per_week(),
            week_type: self.this_type,
            walked_minutes: review.walked,
            green: review.green,
            amber: review.amber,
            red: review.red,
            unrated: review.unrated,
            empty,
            decision: Decision {
                kind: d.kind,
                because: d.because.clone(),
            },
        };
        if next_type == WeekType::Full {
            self.caps.record_full(next);
        }
        self.this_week = next;
        self.this_type = next_type;
        self.last_kind = d.kind;
        self.last_because = d.because;
        self.week = self.week.saturating_add(1);
        record
    }
}
