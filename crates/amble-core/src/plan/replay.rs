//! The current plan as a pure function of the journal and today's date: the check-up starts a
//! plan, and each 7-day block that has ended gets one decision, applied in order.
//!
//! The plan keeps a *level* (what a full week would be) apart from each *week's prescription*:
//! easier weeks, flare weeks and the caps change the week, never the level, so holding really
//! holds. Caps are measured against the last full weeks.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::ToSpan;
use jiff::civil::Date;

use crate::assessment::{Strength, assess};
use crate::checkin::Checkin;
use crate::journal::{Entry, ExerciseSession, StoredAssessment, Walk};
use crate::knowledge::KnowledgeBase;
use crate::tier::Tier;

use super::exercises::ExercisePlan;
use super::lights::{Light, Mornings, classify};
use super::maintenance::{Held, HeldWeek, LEAVES_FOR_FLARE, checkin_alarm, entry_words, held_week};
use super::progression::{Caps, fit_under, progress, scale, shorten, smallest_step};
use super::review::{Context, review_block};
use super::start::{
    choose_exercises, current_weekly_minutes, floor_bout, frequency_first, is_older, start_plan,
    starting_prescription, strength_at_least,
};
use super::types::{
    Decision, DecisionKind, EarlierWarning, Mode, PLAN_SCHEMA, Plan, PlanError, Prescription,
    Replay, Status, WeekRecord, WeekType,
};

/// The words that announce an easier week in a decision (its heading reads them).
pub const EASIER_WEEK: &str = "is an easier week to let your body adapt";

/// Whole days from `from` to `to` (negative when `to` is earlier).
fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |s| i64::from(s.get_days()))
}

/// The 7-day block (0-based) a date falls in, counted from `start`.
fn block_of(start: Date, d: Date) -> Option<u32> {
    u32::try_from(days_between(start, d).div_euclid(7)).ok()
}

/// What the journal holds per block, gathered once.
struct Blocks<'a> {
    walks: BTreeMap<u32, Vec<&'a Walk>>,
    exercises: BTreeMap<u32, Vec<&'a ExerciseSession>>,
    /// Check-ins per block (read in maintenance).
    checkins: BTreeMap<u32, Vec<&'a Checkin>>,
    /// Blocks with anything logged in them (walks, mornings, exercises).
    active: BTreeSet<u32>,
}

fn words_minutes(p: &Prescription) -> String {
    crate::words::count(p.weekly_minutes(), "minute", "minutes")
}

/// The current plan from the journal as of `today` (contract §4). Entries must be in journal
/// order (oldest first). Same journal and date give the same plan.
///
/// A check-up may need the plan that stood before it (a restart cap, a kept level), which in
/// turn may need the one before that: those earlier plans are replayed once each, the oldest
/// first, so the cost grows with the number of check-ups and the stack stays flat.
pub fn replay(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Result<Replay, PlanError> {
    let origin: Vec<usize> = (0..entries.len()).collect();
    let mut earlier = Earlier::new(entries);
    loop {
        match replay_in(entries, &origin, today, kb, &earlier) {
            Ok(r) => return Ok(r),
            Err(Stop::Error(e)) => return Err(e),
            Err(Stop::Need(need)) => earlier.fill(need, kb),
        }
    }
}

/// The replay of `entries` (a part of the journal given to [`replay`]; `origin` holds each
/// entry's index there), reading earlier plans from `earlier`; stops with what is missing.
fn replay_in(
    entries: &[Entry],
    origin: &[usize],
    today: Date,
    kb: &KnowledgeBase,
    earlier: &Earlier<'_>,
) -> Result<Replay, Stop> {
    // The plan starts with the latest full check-up stored on or before today (a re-screen
    // alone never restarts it; with no full check-up, the latest re-screen starts it).
    let stored_by_now = || {
        entries.iter().enumerate().filter_map(|(i, e)| match e {
            Entry::Assessment(a) if a.date <= today => Some((i, a.as_ref())),
            _ => None,
        })
    };
    let (start_index, stored) = stored_by_now()
        .filter(|(_, a)| !a.rescreen)
        .max_by_key(|(i, a)| (a.date, *i))
        .or_else(|| stored_by_now().max_by_key(|(i, a)| (a.date, *i)))
        .ok_or(Stop::Error(PlanError::NoAssessment))?;
    let start = stored.date;
    // A later re-screen ("Something new or worse?") holds the current warning-sign answers.
    let rescreen = stored_by_now()
        .filter(|(i, a)| a.rescreen && (a.date, *i) > (start, start_index))
        .max_by_key(|(i, a)| (a.date, *i));
    let answers = rescreen
        .map_or(&stored.answers, |(_, r)| &r.answers)
        .clone();
    // A new neurological symptom since the last check-up is read from the journal (§2.5).
    let assessment = crate::new_symptoms::with_journal(assess(&answers, kb), entries, start_index);
    let first = start_plan(&assessment, &answers, kb);
    let mut out = Replay {
        plan: first,
        start,
        history: Vec::new(),
        assessment,
        answers,
        assessment_id: stored.id.clone(),
        earlier_warning: None,
        level: None,
        week_type: WeekType::Full,
        current: None,
        suspended_on: None,
        restart_cap: if crate::new_symptoms::may_need_cap(entries, start_index, kb) {
            earlier.cap(origin[start_index])?
        } else {
            None
        },
        kept: None,
    };
    let current_tier = out.assessment.tier();
    out.earlier_warning = entries[..start_index]
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, e)| match e {
            Entry::Assessment(a) if a.date <= start => Some((origin[i], a)),
            _ => None,
        })
        .map(|(i, a)| earlier.warning(i, a, kb))
        .find(|w| w.tier >= Tier::Soon)
        .filter(|w| w.tier > current_tier);

    if out.plan.status == Status::Blocked {
        return Ok(out);
    }

    // Entries that count: after the check-up (by date, then journal order), up to today.
    let counts = |i: usize, e: &Entry| {
        let d = e.date();
        d <= today && (d > start || (d == start && i > start_index))
    };
    let mut blocks = Blocks {
        walks: BTreeMap::new(),
        exercises: BTreeMap::new(),
        checkins: BTreeMap::new(),
        active: BTreeSet::new(),
    };
    // A clean re-screen (every warning sign answered no) lifts a suspension by earlier new
    // symptoms; new symptoms logged after it suspend the plan again.
    let lifted_after = rescreen
        .filter(|_| out.assessment.triage.unanswered.is_empty() && current_tier < Tier::Soon)
        .map(|(i, r)| (r.date, i));
    // What suspended the plan first: new symptoms after a walk, or a check-in with a new
    // warning sign (its date and the flags' titles).
    let mut suspended_by: Option<(Date, Option<Vec<String>>)> = None;
    // Check-ins and re-screens after the check-up, in order: (date, warning-sign questions left
    // unanswered). The latest one before a review decides whether the plan may step up.
    let mut screens: Vec<(Date, usize)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if let Entry::Assessment(a) = e
            && a.rescreen
            && counts(i, e)
        {
            screens.push((a.date, 0));
        }
        if !counts(i, e) {
            continue;
        }
        let Some(b) = block_of(start, e.date()) else {
            continue;
        };
        match e {
            Entry::Walk(w) => {
                if w.new_symptoms
                    && suspended_by.is_none()
                    && lifted_after.is_none_or(|lift| (w.date, i) > lift)
                {
                    suspended_by = Some((w.date, None));
                }
                blocks.walks.entry(b).or_default().push(w);
                blocks.active.insert(b);
            }
            Entry::Exercise(x) => {
                blocks.exercises.entry(b).or_default().push(x);
                blocks.active.insert(b);
            }
            Entry::Morning(_) => {
                blocks.active.insert(b);
            }
            Entry::Checkin(c)
                if suspended_by.is_none() && lifted_after.is_none_or(|lift| (c.date, i) > lift) =>
            {
                blocks.checkins.entry(b).or_default().push(c);
                let now = assess(&crate::checkin::merged_answers(&out.answers, c), kb);
                screens.push((c.date, now.triage.unanswered.len()));
                let new = crate::checkin::new_warning_signs(&out.assessment, &now);
                if !new.is_empty() {
                    let titles = new
                        .iter()
                        .map(|f| kb.flag(&f.id).map_or(f.id.clone(), |k| k.title.clone()))
                        .collect();
                    suspended_by = Some((c.date, Some(titles)));
                }
            }
            _ => {}
        }
    }

    // New symptoms suspend the plan at once, until a new check-up.
    if let Some((date, flags)) = suspended_by {
        let days = days_between(start, today).max(0);
        let first = match flags {
            None => format!("On {date} you logged new symptoms after a walk."),
            Some(titles) => format!(
                "On {date} your check-in answered yes to a warning sign: {}.",
                titles.join("; ")
            ),
        };
        out.suspended_on = Some(date);
        out.plan = Plan {
            schema: PLAN_SCHEMA,
            status: Status::Blocked,
            week: u32::try_from(days / 7 + 1).unwrap_or(u32::MAX),
            decision: Decision {
                kind: DecisionKind::Suspend,
                because: vec![
                    first,
                    "The plan is suspended until you run a new check-up. If you have numbness around the genitals or back passage, new bladder or bowel trouble, or new symptoms in both legs, go to an emergency department now.".into(),
                ],
            },
            walking: None,
            exercises: Vec::new(),
            excluded: out.plan.excluded.clone(),
        };
        return Ok(out);
    }

    let tuning = &kb.plan;
    let s = &tuning.steps;
    let mornings = Mornings::new_until(entries, &out.answers, today);
    let floor = floor_bout(&out.answers, tuning);
    let (mut first_prescription, _) = starting_prescription(&out.assessment, &out.answers, tuning);
    // After new symptoms the plan restarts no higher than the week before them (§2.5).
    if let Some(cap) = out.restart_cap
        && first_prescription.weekly_minutes() > cap.weekly_minutes()
    {
        // The same shape, shortened to fit (a plan that can build again, not a flare week).
        first_prescription = fit_under(first_prescription, f64::from(cap.weekly_minutes()), floor);
        if out.plan.walking.is_some() {
            out.plan.walking = Some(first_prescription.into());
            let because = &mut out.plan.decision.because;
            because.retain(|b| !b.starts_with("Week 1:"));
            because.push(format!(
                "After the new symptoms, the plan restarts no higher than where it was before them ({} a week).",
                words_minutes(&cap)
            ));
            because.push(first_prescription.week_line(1));
        }
    }
    // A new check-up with nothing new keeps the level reached, when the person chose so.
    if out.restart_cap.is_none()
        && out.plan.walking.is_some()
        && super::keep::asks_to_keep(entries, start_index, &out.assessment)
        && let Ok(before) = earlier.plan(origin[start_index])?
        && let Some(k) = super::keep::kept_level(before, &out.assessment, &out.answers, kb)
    {
        first_prescription = k.level;
        out.plan.walking = Some(k.level.into());
        let mut because = super::keep::kept_because(&k);
        because.push(k.level.week_line(1));
        out.plan.decision.because = because;
        out.kept = Some(k);
    }
    out.current = out.plan.walking.is_some().then_some(first_prescription);
    let paused = out.plan.status == Status::Paused;
    let freq_first = frequency_first(&out.assessment, &out.answers);
    let slow_start = strength_at_least(&out.assessment, "overload", Strength::Moderate);
    let (base_exercises, excluded) = choose_exercises(&out.assessment, &out.answers, kb);
    let mut exercise_plan = ExercisePlan::new(base_exercises, kb, is_older(&out.answers));

    let mut level = first_prescription;
    let mut this_week = first_prescription;
    let mut this_type = if first_prescription.mode == Mode::Gentle {
        WeekType::Gentle
    } else {
        WeekType::Full
    };
    let mut caps = Caps::default();
    caps.record_full(first_prescription);
    let mut in_flare = false;
    // During a flare, gentle weeks never plan more than the week the flare was found in.
    let mut flare_cap = f64::INFINITY;
    let mut rebuild_to: Option<Prescription> = None;
    let mut away_from: Option<Prescription> = None;
    let mut empty_run = 0u32;
    let mut previous_avg: Option<f64> = None;
    let mut first_avg: Option<f64> = None;
    // The walking done before the programme (from the check-up), if known.
    let walked_before = current_weekly_minutes(&out.answers);
    let mut last_kind = DecisionKind::Start;
    let mut last_because = out.plan.decision.because.clone();
    let mut progressions = 0u32;
    let mut week: u32 = 1;
    // Maintenance: the weeks that held the target (walked, as logged) since the run began,
    // the lighter weeks walked as planned in between, and whether the plan is there.
    let mut held_weeks: Vec<HeldWeek> = Vec::new();
    let mut bridged: Vec<u32> = Vec::new();
    let mut maintenance = false;
    let no_walks: Vec<&Walk> = Vec::new();
    let no_sessions: Vec<&ExerciseSession> = Vec::new();

    loop {
        let index = week - 1;
        let block_start = start.saturating_add((i64::from(index) * 7).days());
        let block_end = block_start.saturating_add(7.days());
        if block_end > today || week == u32::MAX {
            break;
        }
        let block_walks = blocks.walks.get(&index).unwrap_or(&no_walks);
        // In maintenance, a check-in saying back pain limited what you do, or pain clearly up,
        // switches to the flare plan (already within the week, below).
        let alarm: Option<Vec<String>> = (maintenance && !paused)
            .then(|| blocks.checkins.get(&index))
            .flatten()
            .and_then(|cs| {
                cs.iter()
                    .map(|c| checkin_alarm(entries, c, kb))
                    .find(|a| !a.is_empty())
            });
        let empty = !blocks.active.contains(&index) && alarm.is_none();
        let level_at_start = level;
        let review = review_block(
            block_walks,
            &Context {
                week,
                mornings: &mornings,
                tuning,
                block_start,
                previous_avg,
                after_setback: last_kind == DecisionKind::Regress,
                in_flare,
                rebuilding: rebuild_to.is_some(),
                planned_walks: this_week.walks_per_week(),
            },
        );
        // Pain falling: this week's average pain before walks below both the first rated
        // week's and the week before's.
        let pain_falling = match (review.avg_pain_before, first_avg, previous_avg) {
            (Some(now), Some(first), before) => now < first && before.is_none_or(|b| now <= b),
            _ => false,
        };
        if review.avg_pain_before.is_some() {
            previous_avg = review.avg_pain_before;
            first_avg = first_avg.or(review.avg_pain_before);
        }
        let mut because = review.because;
        let mut kind = review.decision;

        if empty {
            empty_run += 1;
            kind = DecisionKind::Hold;
            because = Vec::new();
            if !paused && empty_run >= tuning.away.after_empty_weeks {
                let from = *away_from.get_or_insert(level);
                in_flare = false;
                flare_cap = f64::INFINITY;
                if let Some(row) = tuning.away.restart_for(empty_run) {
                    level = scale(from, row.fraction, floor);
                    rebuild_to = (level.weekly_minutes() < from.weekly_minutes()).then_some(from);
                    because.push(format!(
                        "Nothing has been logged for {} weeks, so the plan counts you as away. Welcome back whenever you're ready.",
                        empty_run
                    ));
                    because.push(format!(
                        "After a break the plan restarts lower, at about {:.0}% of where you were ({} a week instead of {}), and builds back from there.",
                        row.fraction * 100.0,
                        words_minutes(&level),
                        words_minutes(&from)
                    ));
                    if row.suggest_checkup {
                        because.push("After a long break, consider running the check-up again, especially if your back feels different.".into());
                    }
                }
            } else {
                because.push("Nothing was logged this week, so the plan stays where it is.".into());
            }
        } else {
            empty_run = 0;
            away_from = None;
        }

        if paused && kind != DecisionKind::Flare {
            kind = DecisionKind::Hold;
            because.push(if out.assessment.waiting_for_answers() {
                "The plan stays at gentle walking until every warning-sign question has a yes or no answer in a new check-up.".into()
            } else {
                "The plan is paused at gentle walking until you have seen a doctor and run a new check-up.".into()
            });
        }

        // A check-in that left warning signs unanswered holds the plan where it is until they
        // are answered (brief §2.5: "not sure" is never "no").
        if !paused
            && kind == DecisionKind::Progress
            && let Some((d, n)) = screens
                .iter()
                .rfind(|(d, _)| *d < block_end)
                .filter(|(_, n)| *n > 0)
        {
            kind = DecisionKind::Hold;
            for b in &mut because {
                if b.ends_with("so the plan takes one step up.") {
                    *b = "Your walks went well (green or amber, none red).".into();
                }
            }
            because.push(format!(
                "Your check-in on {d} left {} unanswered, so the plan does not step up until each has a yes or no (in your next check-in or a new check-up).",
                crate::words::count(u32::try_from(*n).unwrap_or(u32::MAX), "warning-sign question", "warning-sign questions")
            ));
        }

        if let Some(lines) = &alarm {
            kind = DecisionKind::Flare;
            because = lines.clone();
            because.push(LEAVES_FOR_FLARE.into());
            because.push(FLARE_ADVICE.into());
        }

        if !paused && !empty {
            match kind {
                DecisionKind::Flare => {
                    if !in_flare {
                        let before = rebuild_to
                            .filter(|r| r.weekly_minutes() > level.weekly_minutes())
                            .unwrap_or(level);
                        rebuild_to = Some(before);
                        level = shorten(level, s.flare_resume_fraction, floor);
                        in_flare = true;
                        flare_cap = f64::from(this_week.weekly_minutes());
                    }
                }
                DecisionKind::Progress if in_flare => {
                    in_flare = false;
                    flare_cap = f64::INFINITY;
                    because.push(format!(
                        "The flare has settled: walking picks up again a little below where it was ({} a week), then builds back.",
                        words_minutes(&level)
                    ));
                }
                DecisionKind::Progress => {
                    let cap = caps.limit(s);
                    // Building back toward a level walked before: up to a fifth more a week
                    // (the caps then trim each week, never the level).
                    let rebuild_cap = cap.max(f64::from(level.weekly_minutes()) * s.cap_one_week);
                    let rebuilt = rebuild_to
                        .map(|goal| fit_under(goal, rebuild_cap, floor))
                        .filter(|n| n.weekly_minutes() > level.weekly_minutes());
                    if let Some(n) = rebuilt {
                        level = n;
                        because.push(format!(
                            "Building back toward where you were before: {} a week now.",
                            words_minutes(&level)
                        ));
                    } else {
                        rebuild_to = None;
                        let before = level;
                        let stepped = progress(level, freq_first, cap, s, &mut because);
                        if stepped == before {
                            // At the target (or gentle walking): nothing to step up to.
                            kind = DecisionKind::Hold;
                            for b in &mut because {
                                if b.ends_with("so the plan takes one step up.") {
                                    *b = "Your walks went well (green or amber, none red).".into();
                                }
                            }
                        }
                        progressions += 1;
                        level = if slow_start && progressions <= s.overload_first_steps {
                            // Overload pattern: small increases for the first steps (§4.3).
                            let small = fit_under(
                                stepped,
                                f64::from(level.weekly_minutes()) * s.overload_step_cap,
                                floor,
                            );
                            if small.weekly_minutes() > level.weekly_minutes() {
                                small
                            } else {
                                smallest_step(level).map_or(stepped, |(n, _)| n)
                            }
                        } else {
                            stepped
                        };
                    }
                    if rebuild_to.is_some_and(|g| level.weekly_minutes() >= g.weekly_minutes()) {
                        rebuild_to = None;
                    }
                }
                DecisionKind::Regress => {
                    if !in_flare {
                        level = shorten(level, s.regress_fraction, floor);
                        rebuild_to = None;
                    }
                }
                DecisionKind::Hold | DecisionKind::Start | DecisionKind::Suspend => {}
            }
        }

        // Maintenance: the target held for weeks by the walks logged (minutes and days), without
        // a red walk, keeps it; a flare, a step back, a break or a check-in that raises a
        // concern leaves it and the normal rules take over.
        let m = &tuning.maintenance;
        let went_well = !paused
            && !empty
            && !in_flare
            && review.red == 0
            && review.green + review.amber > 0
            && !matches!(kind, DecisionKind::Regress | DecisionKind::Flare);
        match held_week(week, block_walks, &level_at_start, &this_week, went_well, m) {
            Held::Counts(h) => held_weeks.push(h),
            Held::Bridge(w) if !held_weeks.is_empty() => bridged.push(w),
            Held::Bridge(_) => {}
            Held::Breaks => {
                held_weeks.clear();
                bridged.clear();
            }
        }
        let leaves = matches!(kind, DecisionKind::Regress | DecisionKind::Flare)
            || empty_run >= tuning.away.after_empty_weeks
            || paused;
        if maintenance && leaves {
            maintenance = false;
            held_weeks.clear();
            bridged.clear();
            if alarm.is_none() {
                because.push("The plan leaves maintenance for now: the usual weekly rules take over until the target is held again.".into());
            }
        } else if !maintenance && held_weeks.len() >= m.weeks_at_target as usize {
            maintenance = true;
            because.extend(entry_words(&held_weeks, &bridged, m));
            held_weeks.clear();
            bridged.clear();
        }

        // Exercises move with their own sessions, but never up in a week that went badly.
        if !paused {
            let allow_up =
                !in_flare && !matches!(kind, DecisionKind::Regress | DecisionKind::Flare);
            let sessions = blocks.exercises.get(&index).unwrap_or(&no_sessions);
            exercise_plan.review(sessions, allow_up, kb, &mut because);
        }

        // Next week's prescription: the level, unless the week is gentle (flare, paused) or
        // easier; then the caps.
        let next_week = week.saturating_add(1);
        let away = empty_run >= tuning.away.after_empty_weeks;
        let (mut next, mut next_type) = if paused || level.mode == Mode::Gentle {
            (level, WeekType::Gentle)
        } else if in_flare {
            (Prescription::gentle(floor), WeekType::Gentle)
        } else if next_week.is_multiple_of(s.easier_week_every)
            && !away
            && rebuild_to.is_none()
            && !maintenance
            // Only when there is load to ease: not while pain is falling and the plan is still
            // below the walking done before the programme.
            && !(pain_falling
                && walked_before.is_some_and(|m| f64::from(level.weekly_minutes()) < m))
        {
            // About a fifth below the level, and never above that much below the last full
            // week (when the level has just stepped up).
            let bout = (f64::from(level.bout_minutes) * s.easier_week_fraction).floor() as u32;
            let mut easier = Prescription {
                bout_minutes: bout.max(floor).min(level.bout_minutes),
                ..level
            };
            if let Some(last) = caps.last_full() {
                easier = fit_under(easier, f64::from(last) * s.easier_week_fraction, floor);
            }
            if easier == level {
                (level, WeekType::Full)
            } else {
                because.push(format!(
                    "Week {next_week} {EASIER_WEEK}: {} instead of {}; the plan picks up again after it.",
                    words_minutes(&easier),
                    level.weekly_minutes()
                ));
                (easier, WeekType::Easier)
            }
        } else {
            (level, WeekType::Full)
        };
        let mut cap = caps.limit(s);
        if matches!(kind, DecisionKind::Regress | DecisionKind::Flare) {
            // A step back never raises the weekly dose, whatever the mode switch.
            cap = cap.min(f64::from(this_week.weekly_minutes()));
        }
        if in_flare {
            cap = cap.min(flare_cap);
        }
        let capped = fit_under(next, cap, floor);
        if capped != next && next_type != WeekType::Gentle {
            because.push(format!(
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
            && kind == DecisionKind::Progress
            && next.mode != Mode::Gentle
            && let Some(at) = because.iter().position(|b| b.starts_with("Step up:"))
        {
            because.retain(|b| !b.starts_with("Step up:"));
            because.insert(
                at.min(because.len()),
                format!(
                    "Step up: your level goes up to {} a week ({}).",
                    words_minutes(&level),
                    level.words()
                ),
            );
        }
        because.push(next.week_line(next_week));

        out.history.push(WeekRecord {
            week,
            start: block_start,
            planned_weekly_minutes: this_week.weekly_minutes(),
            planned_walks: this_week.walks_per_week(),
            week_type: this_type,
            walked_minutes: review.walked,
            green: review.green,
            amber: review.amber,
            red: review.red,
            unrated: review.unrated,
            empty,
            decision: Decision {
                kind,
                because: because.clone(),
            },
        });
        if next_type == WeekType::Full {
            caps.record_full(next);
        }
        this_week = next;
        this_type = next_type;
        last_kind = kind;
        last_because = because;
        week = next_week;
    }

    out.level = Some(level);
    out.week_type = this_type;
    if week > 1 {
        out.current = Some(this_week);
    }
    if week > 1 {
        out.plan = Plan {
            schema: PLAN_SCHEMA,
            status: if maintenance && out.plan.status == Status::Active {
                Status::Maintenance
            } else {
                out.plan.status
            },
            week,
            decision: Decision {
                kind: last_kind,
                because: last_because,
            },
            walking: Some(this_week.into()),
            exercises: if paused {
                Vec::new()
            } else {
                exercise_plan.doses()
            },
            excluded,
        };
    }
    checkin_within_week(&mut out, &blocks, entries, this_week, floor, today, kb);
    flare_within_week(
        &mut out, &blocks, &mornings, this_week, this_type, floor, today, kb,
    );
    Ok(out)
}

/// A flare answered within days: two red walks, or two mornings clearly above the baseline,
/// in the week so far switch the rest of the week to gentle walking with the flare advice at
/// once; the weekly review at the end of the week then decides as usual [heuristic].
#[allow(clippy::too_many_arguments)]
fn flare_within_week(
    out: &mut Replay,
    blocks: &Blocks<'_>,
    mornings: &Mornings,
    this_week: Prescription,
    this_type: WeekType,
    floor: u32,
    today: Date,
    kb: &KnowledgeBase,
) {
    if !matches!(out.plan.status, Status::Active | Status::Maintenance)
        || out.plan.walking.is_none()
        || this_type == WeekType::Gentle
        || out.week_type == WeekType::Gentle
        || this_week.mode == Mode::Gentle
    {
        return;
    }
    let lights = &kb.plan.lights;
    let rules = &kb.plan.review;
    let index = out.plan.week.saturating_sub(1);
    let block_start = out.block_start();
    let red: Vec<Date> = blocks
        .walks
        .get(&index)
        .map(|walks| {
            walks
                .iter()
                .filter(|w| w.date <= today && classify(w, mornings, lights) == Light::Red)
                .map(|w| w.date)
                .collect()
        })
        .unwrap_or_default();
    let risen: Vec<Date> = (0..7i64)
        .map(|d| block_start.saturating_add(d.days()))
        .filter(|d| *d <= today && mornings.risen(*d, lights, None) == Some(true))
        .collect();
    let first = if red.len() >= rules.flare_soon {
        format!(
            "{} went red this week (from {}): that may be a flare, so the rest of this week switches to gentle walking now.",
            crate::words::count(red.len() as u32, "walk", "walks"),
            red[0]
        )
    } else if risen.len() >= rules.flare_soon {
        format!(
            "Your back pain on waking was clearly higher than your usual mornings (by 2 points or more) on {} this week (from {}): that may be a flare, so the rest of this week switches to gentle walking now.",
            crate::words::count(risen.len() as u32, "morning", "mornings"),
            risen[0]
        )
    } else {
        return;
    };
    let gentle = fit_under(
        Prescription::gentle(floor),
        f64::from(this_week.weekly_minutes()),
        floor,
    );
    out.plan.walking = Some(gentle.into());
    out.current = Some(gentle);
    out.week_type = WeekType::Gentle;
    out.plan.decision = Decision {
        kind: DecisionKind::Flare,
        because: vec![
            first,
            FLARE_ADVICE.into(),
            "At the end of the week the weekly review decides as usual.".into(),
            gentle.week_line(out.plan.week),
        ],
    };
}

/// Maintenance that listens, at once: a check-in in the current week, while the plan is in
/// maintenance, that says back pain limited what you do or gives pain clearly above the last or
/// the first score switches the rest of the week to the flare plan; the week's review then
/// keeps the flare plan (docs/plan-rules.md, "Maintenance").
fn checkin_within_week(
    out: &mut Replay,
    blocks: &Blocks<'_>,
    entries: &[Entry],
    this_week: Prescription,
    floor: u32,
    today: Date,
    kb: &KnowledgeBase,
) {
    if out.plan.status != Status::Maintenance || out.plan.walking.is_none() {
        return;
    }
    let index = out.plan.week.saturating_sub(1);
    let Some(lines) = blocks.checkins.get(&index).and_then(|cs| {
        cs.iter()
            .filter(|c| c.date <= today)
            .map(|c| checkin_alarm(entries, c, kb))
            .find(|a| !a.is_empty())
    }) else {
        return;
    };
    let gentle = fit_under(
        Prescription::gentle(floor),
        f64::from(this_week.weekly_minutes()),
        floor,
    );
    let mut because = lines;
    because.push(LEAVES_FOR_FLARE.into());
    because.push(FLARE_ADVICE.into());
    because.push(gentle.week_line(out.plan.week));
    out.plan.status = Status::Active;
    out.plan.walking = Some(gentle.into());
    out.current = Some(gentle);
    out.week_type = WeekType::Gentle;
    out.plan.decision = Decision {
        kind: DecisionKind::Flare,
        because,
    };
}

/// What to do in a flare, and when to contact a clinician.
pub(crate) const FLARE_ADVICE: &str = "Flares are common and usually settle. For now: short, easy walks, two a day. If it isn't settling within 1 to 2 weeks, or you're worried, contact your doctor or physiotherapist; if anything new appears, such as numbness or weakness, run the check-up again.";

/// An earlier plan the replay needs and has not got yet, by the index of its check-up in the
/// journal given to [`replay`].
#[derive(Debug, Clone, Copy)]
enum Need {
    /// The plan replayed from the entries before the check-up, as of its date.
    Plan(usize),
    /// The most the plan of the check-up may start with ([`Earlier::cap_at`]).
    Cap(usize),
}

/// Why a replay stopped: an error of the journal, or an earlier plan still to replay.
enum Stop {
    Error(PlanError),
    Need(Need),
}

impl From<PlanError> for Stop {
    fn from(e: PlanError) -> Stop {
        Stop::Error(e)
    }
}

impl From<Need> for Stop {
    fn from(n: Need) -> Stop {
        Stop::Need(n)
    }
}

/// The earlier plans of one journal, each replayed once, by check-up.
struct Earlier<'a> {
    entries: &'a [Entry],
    plans: HashMap<usize, Result<Replay, PlanError>>,
    caps: HashMap<usize, Option<Prescription>>,
    /// Each check-up's own answers assessed (tier and warning signs), once.
    warnings: RefCell<HashMap<usize, EarlierWarning>>,
}

impl<'a> Earlier<'a> {
    fn new(entries: &'a [Entry]) -> Earlier<'a> {
        Earlier {
            entries,
            plans: HashMap::new(),
            caps: HashMap::new(),
            warnings: RefCell::new(HashMap::new()),
        }
    }

    /// The tier and warning signs of check-up `a` at `index`, on its own answers.
    fn warning(&self, index: usize, a: &StoredAssessment, kb: &KnowledgeBase) -> EarlierWarning {
        if let Some(w) = self.warnings.borrow().get(&index) {
            return w.clone();
        }
        let x = assess(&a.answers, kb);
        let w = EarlierWarning {
            date: a.date,
            tier: x.tier(),
            flags: x.triage.flags.iter().map(|f| f.id.clone()).collect(),
        };
        self.warnings.borrow_mut().insert(index, w.clone());
        w
    }

    fn plan(&self, index: usize) -> Result<&Result<Replay, PlanError>, Need> {
        self.plans.get(&index).ok_or(Need::Plan(index))
    }

    fn cap(&self, index: usize) -> Result<Option<Prescription>, Need> {
        self.caps.get(&index).copied().ok_or(Need::Cap(index))
    }

    /// Replays what `need` asks for, and whatever that needs first, without recursion: every
    /// plan a check-up needs belongs to the same check-up or an earlier one.
    fn fill(&mut self, need: Need, kb: &KnowledgeBase) {
        let mut wanted = vec![need];
        while let Some(&next) = wanted.last() {
            let done = match next {
                Need::Plan(k) => self.plan_at(k, kb).map(|p| {
                    self.plans.insert(k, p);
                }),
                Need::Cap(k) => self.cap_at(k, kb).map(|c| {
                    self.caps.insert(k, c);
                }),
            };
            match done {
                Ok(()) => {
                    wanted.pop();
                }
                Err(first) => wanted.push(first),
            }
        }
    }

    /// The replay of the entries before check-up `index` dated up to `last_day`, as of `today`.
    fn replay_before(
        &self,
        index: usize,
        last_day: Date,
        today: Date,
        kb: &KnowledgeBase,
    ) -> Result<Result<Replay, PlanError>, Need> {
        let (part, origin): (Vec<Entry>, Vec<usize>) = self.entries
            [..index.min(self.entries.len())]
            .iter()
            .enumerate()
            .filter(|(_, e)| e.date() <= last_day)
            .map(|(j, e)| (e.clone(), j))
            .unzip();
        match replay_in(&part, &origin, today, kb, self) {
            Ok(r) => Ok(Ok(r)),
            Err(Stop::Error(e)) => Ok(Err(e)),
            Err(Stop::Need(n)) => Err(n),
        }
    }

    /// The plan as it stood on the date of check-up `index`, from the entries before it.
    fn plan_at(&self, index: usize, kb: &KnowledgeBase) -> Result<Result<Replay, PlanError>, Need> {
        match self.entries.get(index) {
            Some(e) => self.replay_before(index, e.date(), e.date(), kb),
            None => Ok(Err(PlanError::NoAssessment)),
        }
    }

    /// The most the plan of the check-up at `index` may start with: the week in effect before
    /// new symptoms (or a check-in's new warning sign) suspended the plan it replaces, carried
    /// on through a check-up that only paused the plan. `None` when nothing was suspended.
    fn cap_at(&self, index: usize, kb: &KnowledgeBase) -> Result<Option<Prescription>, Need> {
        let Ok(previous) = self.plan(index)? else {
            return Ok(None);
        };
        let Some(day) = previous.suspended_on else {
            return Ok((previous.plan.status == Status::Paused)
                .then_some(previous.restart_cap)
                .flatten());
        };
        let Ok(yesterday) = day.yesterday() else {
            return Ok(None);
        };
        let Ok(then) = self.replay_before(index, yesterday, day, kb)? else {
            return Ok(None);
        };
        let Some(week) = then.current else {
            return Ok(None);
        };
        Ok(Some(match then.restart_cap {
            Some(c) if c.weekly_minutes() < week.weekly_minutes() => c,
            _ => week,
        }))
    }
}

/// Every way a replayed plan breaks the caps of docs/plan-rules.md, in words (empty when none):
/// each week at most 20 % above the last full week (or one more minute per walk) and 30 % above
/// the full week before it; an easier or gentle week never above the last full week. Used by
/// the tests and the simulator to check every week.
pub fn cap_breaches(r: &Replay, tuning: &super::tuning::PlanTuning) -> Vec<String> {
    let s = &tuning.steps;
    let mut rows: Vec<(u32, u32, WeekType)> = r
        .history
        .iter()
        .map(|h| (h.planned_weekly_minutes, h.planned_walks, h.week_type))
        .collect();
    if let Some(w) = &r.plan.walking {
        rows.push((
            w.weekly_minutes,
            w.sessions_per_week.saturating_mul(w.bouts_per_session),
            r.week_type,
        ));
    }
    let allow = |(m, walks): (u32, u32), f: f64| {
        (f64::from(m) * f).max(f64::from(m.saturating_add(walks))) + 1e-9
    };
    let mut out = Vec::new();
    let mut full: Vec<(u32, u32)> = Vec::new();
    for (k, &(m, walks, ty)) in rows.iter().enumerate() {
        let week = k + 1;
        if let Some(&last) = full.last() {
            if f64::from(m) > allow(last, s.cap_one_week) {
                out.push(format!(
                    "week {week}: {m} minutes, over 20% above the last full week ({})",
                    last.0
                ));
            }
            if ty != WeekType::Full && m > last.0 {
                out.push(format!(
                    "week {week}: a {ty:?} week above the last full week"
                ));
            }
        }
        if full.len() >= 2 && f64::from(m) > allow(full[full.len() - 2], s.cap_two_weeks) {
            out.push(format!(
                "week {week}: {m} minutes, over 30% above the full week before the last"
            ));
        }
        if ty == WeekType::Full {
            full.push((m, walks));
        }
    }
    out
}
