//! The current plan as a pure function of the journal and today's date: the check-up starts a
//! plan, and each 7-day block that has ended gets one decision, applied in order.
//!
//! The plan keeps a *level* (what a full week would be) apart from each *week's prescription*:
//! easier weeks, flare weeks and the caps change the week, never the level, so holding really
//! holds. Caps are measured against the last full weeks.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::assessment::{Strength, assess};
use crate::journal::{Entry, StoredAssessment};
use crate::knowledge::KnowledgeBase;
use crate::tier::Tier;

use super::care::{AnsweredIn, Care, Sighting};
use super::exercises::ExercisePlan;
use super::lights::{Light, Mornings, classify};
use super::maintenance::{FLARE_ADVICE, LEAVES_FOR_FLARE, checkin_alarm};
use super::progression::fit_under;
use super::start::{
    choose_exercises, current_weekly_minutes, floor_bout, frequency_first, is_older, start_plan,
    starting_prescription, strength_at_least,
};
use super::types::{
    Decision, DecisionKind, EarlierWarning, Excluded, Mode, PLAN_SCHEMA, Plan, PlanError,
    Prescription, Replay, Status, WeekType, words_minutes,
};

mod state;

use state::{Blocks, ReplayState, Setting};

/// Whole days from `from` to `to` (negative when `to` is earlier): what `from.until(to)` counts,
/// by integer arithmetic (a replay asks once per entry).
fn days_between(from: Date, to: Date) -> i64 {
    day_number(to) - day_number(from)
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
fn day_number(d: Date) -> i64 {
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The 7-day block (0-based) a date falls in, counted from `start`.
fn block_of(start: Date, d: Date) -> Option<u32> {
    u32::try_from(days_between(start, d).div_euclid(7)).ok()
}

/// The current plan from the journal as of `today` (contract §4). Entries must be in journal
/// order (oldest first). Same journal and date give the same plan.
///
/// A check-up may need the plan that stood before it (a restart cap, a kept level), which in
/// turn may need the one before that: those earlier plans are replayed once each, the oldest
/// first, so the cost grows with the number of check-ups and the stack stays flat.
pub fn replay(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Result<Replay, PlanError> {
    replay_top(entries, today, kb, &mut None)
}

/// [`replay`], keeping the replay's state at the start of every week it reviewed
/// ([`Checkpoints`]; `None` when the plan is blocked or suspended, with no weeks to keep).
pub fn replay_kept(
    entries: &[Entry],
    today: Date,
    kb: &KnowledgeBase,
) -> Result<(Replay, Option<Checkpoints>), PlanError> {
    let mut keeping = Some(Keeping {
        resume: None,
        kept: None,
    });
    let r = replay_top(entries, today, kb, &mut keeping)?;
    Ok((r, keeping.and_then(|k| k.kept)))
}

/// The same plan as [`replay`] gives, replayed from the checkpoint of `kept` (made from an
/// earlier version of the journal) nearest before the earliest change, instead of from week 1.
/// `changed_from` is the earliest date of an entry added, removed or corrected since `kept` was
/// made (for a correction, the earlier of its old and new date); `None` when the entries are
/// the same (only `today` moved). Whatever changes the plan's beginning (another check-up or
/// re-screen, other answers, a change dated before the checkpoint, another knowledge base)
/// replays from the start.
pub fn replay_from(
    entries: &[Entry],
    today: Date,
    kb: &KnowledgeBase,
    kept: &Checkpoints,
    changed_from: Option<Date>,
) -> Result<(Replay, Option<Checkpoints>), PlanError> {
    let mut keeping = Some(Keeping {
        resume: Some((kept, changed_from)),
        kept: None,
    });
    let r = replay_top(entries, today, kb, &mut keeping)?;
    Ok((r, keeping.and_then(|k| k.kept)))
}

fn replay_top(
    entries: &[Entry],
    today: Date,
    kb: &KnowledgeBase,
    keeping: &mut Option<Keeping<'_>>,
) -> Result<Replay, PlanError> {
    let origin: Vec<usize> = (0..entries.len()).collect();
    let mut earlier = Earlier::new(entries);
    loop {
        match replay_in(entries, &origin, today, kb, &earlier, keeping.as_mut()) {
            Ok(r) => return Ok(r),
            Err(Stop::Error(e)) => return Err(e),
            Err(Stop::Need(need)) => earlier.fill(need, kb),
        }
    }
}

/// The replay's state at the start of each week reviewed, kept so that a changed journal can
/// be replayed from the week of its earliest change ([`replay_from`]). Cheap to clone.
#[derive(Clone)]
pub struct Checkpoints(Arc<Kept>);

impl std::fmt::Debug for Checkpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoints")
            .field("today", &self.0.today)
            .field("weeks", &self.0.states.len())
            .finish()
    }
}

impl Checkpoints {
    /// The date the checkpoints were replayed as of.
    pub fn today(&self) -> Date {
        self.0.today
    }

    /// The weeks the replay reached (each reviewed week, and the current one).
    pub fn weeks(&self) -> usize {
        self.0.weeks
    }

    /// The week the replay that made these resumed from (`None`: it replayed from week 1).
    pub fn resumed_at(&self) -> Option<u32> {
        self.0.resumed.and_then(|k| u32::try_from(k).ok())
    }
}

struct Kept {
    /// The knowledge base the states were replayed with (by address: one per process).
    kb: usize,
    today: Date,
    beginning: Beginning,
    /// (week, the state before it was reviewed), by week: every [`CHECKPOINT_EVERY`]th week
    /// from week 1 and each of the last [`CHECKPOINTS_RECENT`].
    states: Vec<(usize, Arc<ReplayState>)>,
    /// The weeks the replay reached.
    weeks: usize,
    /// The weeks reviewed (`history[..k]` came before `states[k]`).
    history: Vec<crate::plan::WeekRecord>,
    /// The week this replay resumed from, if it did.
    resumed: Option<usize>,
}

/// Everything the first state and the unchanging part of a replay are made of, besides the
/// entries: two replays with the same beginning and the same entries up to a week review that
/// week the same way.
#[derive(PartialEq)]
struct Beginning {
    start: Date,
    start_index: usize,
    assessment_id: String,
    answers: crate::answers::Answers,
    assessment: crate::assessment::Assessment,
    first: Prescription,
    because: Vec<String>,
    floor: u32,
    paused: bool,
    waiting_for_answers: bool,
    frequency_first: bool,
    slow_start: bool,
    walked_before: Option<f64>,
}

/// Days between the end of a checkpoint's last reviewed week and anything that may change: a
/// week's review reads the mornings up to two days after it, so a whole week is a safe margin.
const CHECKPOINT_MARGIN_DAYS: i64 = 7;

/// Checkpoints kept for the older weeks: one a quarter (a correction months back replays at
/// most that many weeks more), and one for each recent week (where writes land).
const CHECKPOINT_EVERY: usize = 13;
const CHECKPOINTS_RECENT: usize = 8;

impl Kept {
    /// Where in `states` the latest week whose starting state holds for a journal changed from
    /// `changed_from` on, replayed as of `today`, is; `None` when only week 1 would.
    fn resume_week(&self, start: Date, today: Date, changed_from: Option<Date>) -> Option<usize> {
        let mut limit = today.min(self.today);
        if let Some(c) = changed_from {
            limit = limit.min(c);
        }
        let weeks_clear = days_between(start, limit) - CHECKPOINT_MARGIN_DAYS;
        if weeks_clear < 7 {
            return None;
        }
        // The state before week k holds when start + 7 (k - 1) + margin <= limit: the latest
        // such week kept.
        let k = usize::try_from(weeks_clear.div_euclid(7) + 1).ok()?;
        let at = self
            .states
            .partition_point(|(w, _)| *w <= k)
            .checked_sub(1)?;
        (self.states[at].0 >= 2).then_some(at)
    }
}

/// What the top-level replay resumes from and keeps (the replays of earlier plans do neither).
struct Keeping<'k> {
    resume: Option<(&'k Checkpoints, Option<Date>)>,
    kept: Option<Checkpoints>,
}

/// The replay of `entries` (a part of the journal given to [`replay`]; `origin` holds each
/// entry's index there), reading earlier plans from `earlier`; stops with what is missing.
fn replay_in(
    entries: &[Entry],
    origin: &[usize],
    today: Date,
    kb: &KnowledgeBase,
    earlier: &Earlier<'_>,
    keeping: Option<&mut Keeping<'_>>,
) -> Result<Replay, Stop> {
    let (mut out, begun) = begin(entries, origin, today, kb, earlier)?;
    let signs = answered_signs(entries, &out, &begun, today, kb);
    // Warning signs that need a clinician today or now, at the check-up: no plan starts.
    if begun.checkup.plan_status == crate::tier::PlanStatus::Blocked {
        block_at_start(&mut out, signs, kb);
        return Ok(out);
    }
    let (blocks, screens, suspended_by) = gather(entries, &out, &begun, today, kb);
    // New symptoms, or warning signs at a check-in or a re-screen, suspend the plan at once,
    // until a new check-up.
    if let Some(by) = suspension(suspended_by, &signs) {
        suspend(&mut out, by, signs, today, kb);
        return Ok(out);
    }
    if out.plan.status == Status::Blocked {
        return Ok(out);
    }
    let tuning = &kb.plan;
    let floor = floor_bout(&out.answers, tuning);
    let first = first_week(&mut out, &begun, entries, origin, floor, kb, earlier)?;
    let (base_exercises, excluded) = choose_exercises(&out.assessment, &out.answers, kb);
    let cx = Setting {
        entries,
        kb,
        tuning,
        today,
        start: out.start,
        blocks,
        screens,
        mornings: Mornings::new_until(entries, &out.answers, today),
        floor,
        paused: out.plan.status == Status::Paused,
        waiting_for_answers: out.assessment.waiting_for_answers(),
        frequency_first: frequency_first(&out.assessment, &out.answers),
        slow_start: strength_at_least(&out.assessment, "overload", Strength::Moderate),
        walked_before: current_weekly_minutes(&out.answers),
    };
    let exercises = ExercisePlan::new(base_exercises, kb, is_older(&out.answers));
    let mut state = ReplayState::new(first, out.plan.decision.because.clone(), exercises);
    match keeping {
        None => {
            while let Some(record) = state.week(&cx) {
                out.history.push(record);
            }
        }
        Some(keeping) => {
            let beginning = Beginning {
                start: out.start,
                start_index: begun.start_index,
                assessment_id: out.assessment_id.clone(),
                answers: out.answers.clone(),
                assessment: out.assessment.clone(),
                first,
                because: out.plan.decision.because.clone(),
                floor,
                paused: cx.paused,
                waiting_for_answers: cx.waiting_for_answers,
                frequency_first: cx.frequency_first,
                slow_start: cx.slow_start,
                walked_before: cx.walked_before,
            };
            weeks_kept(&mut out, &mut state, &cx, keeping, beginning);
        }
    }
    finish(&mut out, &state, excluded, cx.paused);
    let bound = state.gentle_bound();
    checkin_within_week(&mut out, &cx, bound);
    flare_within_week(&mut out, &cx, state.this_week, state.this_type, bound);
    Ok(out)
}

/// The weeks reviewed, from the checkpoint `keeping` resumes from when it holds for this
/// journal (the same beginning and knowledge base, a week clear of the earliest change), else
/// from week 1; keeps the state at the start of every week for the next replay.
fn weeks_kept(
    out: &mut Replay,
    state: &mut ReplayState,
    cx: &Setting<'_>,
    keeping: &mut Keeping<'_>,
    beginning: Beginning,
) {
    let kb_at = std::ptr::from_ref(cx.kb) as usize;
    let mut states: Vec<(usize, Arc<ReplayState>)> = Vec::new();
    let mut resumed = None;
    if let Some((Checkpoints(kept), changed_from)) = keeping.resume
        && kept.kb == kb_at
        && kept.beginning == beginning
        && let Some(at) = kept.resume_week(out.start, cx.today, changed_from)
    {
        let (k, from) = &kept.states[at];
        states.extend(kept.states[..at].iter().cloned());
        *state = (**from).clone();
        out.history = kept.history[..k - 1].to_vec();
        resumed = Some(*k);
    }
    let mut week = out.history.len() + 1;
    loop {
        states.push((week, Arc::new(state.clone())));
        let Some(record) = state.week(cx) else {
            break;
        };
        out.history.push(record);
        week += 1;
    }
    let weeks = week;
    states.retain(|(k, _)| (k - 1) % CHECKPOINT_EVERY == 0 || k + CHECKPOINTS_RECENT > weeks);
    keeping.kept = Some(Checkpoints(Arc::new(Kept {
        kb: kb_at,
        today: cx.today,
        beginning,
        states,
        weeks,
        history: out.history.clone(),
        resumed,
    })));
}

/// What the start of a replay found besides the plan: the check-up's index, and the re-screen
/// that lifted a suspension by earlier new symptoms (its date and index).
struct Begun {
    start_index: usize,
    lifted_after: Option<(Date, usize)>,
    /// The check-up's own assessment (with the journal's new symptoms), whatever later
    /// re-screens answered.
    checkup: crate::assessment::Assessment,
    /// A full check-up, or a re-screen when there is none.
    checkup_in: AnsweredIn,
}

/// The plan of the check-up that starts it: the latest full check-up stored on or before
/// today (a re-screen alone never restarts it; with no full check-up, the latest re-screen
/// starts it), read with a later re-screen's answers and the journal's new symptoms.
fn begin(
    entries: &[Entry],
    origin: &[usize],
    today: Date,
    kb: &KnowledgeBase,
    earlier: &Earlier<'_>,
) -> Result<(Replay, Begun), Stop> {
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
    let checkup = match rescreen {
        Some(_) => {
            crate::new_symptoms::with_journal(assess(&stored.answers, kb), entries, start_index)
        }
        None => assessment.clone(),
    };
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
        care: None,
        suspended_by: None,
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
    // A clean re-screen (every warning sign answered no) lifts a suspension by earlier new
    // symptoms; new symptoms logged after it suspend the plan again.
    let lifted_after = rescreen
        .filter(|_| out.assessment.triage.unanswered.is_empty() && current_tier < Tier::Soon)
        .map(|(i, r)| (r.date, i));
    Ok((
        out,
        Begun {
            start_index,
            lifted_after,
            checkup,
            checkup_in: if stored.rescreen {
                AnsweredIn::Rescreen
            } else {
                AnsweredIn::Checkup
            },
        },
    ))
}

/// What suspended the plan first: new symptoms after a walk, or a check-in with a new warning
/// sign (its date and the flags' titles).
type SuspendedBy = Option<(Date, Option<Vec<String>>)>;

/// The warning signs answered since the plan's check-up that need a clinician, oldest first:
/// the check-up's own when they block the plan; each re-screen's and each check-in's new
/// ones. Signs at "soon" count only after the latest clean re-screen (which lifts a
/// suspension); signs at urgent or emergency always count: only a new check-up ends them
/// (brief §2.4).
fn answered_signs(
    entries: &[Entry],
    out: &Replay,
    begun: &Begun,
    today: Date,
    kb: &KnowledgeBase,
) -> Vec<Sighting> {
    let (start, start_index) = (out.start, begun.start_index);
    let mut signs = Vec::new();
    if begun.checkup.plan_status == crate::tier::PlanStatus::Blocked {
        signs.extend(Sighting::new(
            start,
            begun.checkup_in,
            &begun.checkup.triage.flags,
            kb,
        ));
    }
    for (i, e) in entries.iter().enumerate() {
        let d = e.date();
        if d > today || (d, i) <= (start, start_index) {
            continue;
        }
        let found = match e {
            Entry::Assessment(a) if a.rescreen => Sighting::new(
                d,
                AnsweredIn::Rescreen,
                &assess(&a.answers, kb).triage.flags,
                kb,
            ),
            Entry::Checkin(c) => {
                let now = assess(&crate::checkin::merged_answers(&out.answers, c), kb);
                let new = crate::checkin::new_warning_signs(&out.assessment, &now);
                Sighting::new(d, AnsweredIn::Checkin, &new, kb)
            }
            _ => None,
        };
        let after_lift = begun.lifted_after.is_none_or(|lift| (d, i) > lift);
        signs.extend(found.filter(|s| s.tier >= Tier::Urgent || after_lift));
    }
    signs
}

/// What suspends the plan, if anything: the first of new symptoms after a walk (or a check-in's
/// new warning sign) and warning signs at urgent or emergency (a re-screen's or a check-in's).
fn suspension(walk_or_checkin: SuspendedBy, signs: &[Sighting]) -> Option<Suspended> {
    let blocking = signs.iter().find(|s| s.tier >= Tier::Urgent);
    match (walk_or_checkin, blocking) {
        (Some((d, _)), Some(s)) if s.date < d => Some(Suspended::Signs(s.clone())),
        (Some((d, None)), _) => Some(Suspended::Walk(d)),
        (Some((d, Some(titles))), _) => Some(Suspended::Signs(
            signs
                .iter()
                .find(|s| s.date == d && s.answered_in == AnsweredIn::Checkin)
                .cloned()
                .unwrap_or_else(|| Sighting {
                    date: d,
                    answered_in: AnsweredIn::Checkin,
                    tier: Tier::Soon,
                    flags: titles
                        .into_iter()
                        .map(|t| (String::new(), Tier::Soon, t))
                        .collect(),
                }),
        )),
        (None, Some(s)) => Some(Suspended::Signs(s.clone())),
        (None, None) => None,
    }
}

/// What suspended the plan.
enum Suspended {
    /// New symptoms logged with a walk on that day.
    Walk(Date),
    /// Warning signs answered yes at a check-in or a re-screen.
    Signs(Sighting),
}

/// A check-up whose warning signs block the plan: no plan starts; the plan leads with the care
/// message and names the signs with their days.
fn block_at_start(out: &mut Replay, signs: Vec<Sighting>, kb: &KnowledgeBase) {
    let care = Care::new(signs, kb);
    let mut because: Vec<String> = care.iter().map(Care::lead).collect();
    because.extend(care.iter().flat_map(Care::sign_lines));
    because.push(super::care::NOT_STARTED.into());
    out.plan = Plan {
        schema: PLAN_SCHEMA,
        status: Status::Blocked,
        week: 1,
        decision: Decision {
            kind: DecisionKind::Start,
            because,
        },
        walking: None,
        exercises: Vec::new(),
        excluded: out.plan.excluded.clone(),
    };
    out.care = care;
}

/// The entries that count (after the check-up, by date then journal order, up to today), one
/// at a time into their blocks; the screens (check-ins and re-screens, with the warning-sign
/// questions they left unanswered) and what suspended the plan, if anything.
fn gather<'a>(
    entries: &'a [Entry],
    out: &Replay,
    begun: &Begun,
    today: Date,
    kb: &KnowledgeBase,
) -> (Blocks<'a>, Vec<(Date, usize)>, SuspendedBy) {
    let (start, start_index) = (out.start, begun.start_index);
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
    let mut suspended_by: SuspendedBy = None;
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
        let after_lift = |d: Date| begun.lifted_after.is_none_or(|lift| (d, i) > lift);
        match e {
            Entry::Walk(w) => {
                if w.new_symptoms && suspended_by.is_none() && after_lift(w.date) {
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
            Entry::Checkin(c) if suspended_by.is_none() && after_lift(c.date) => {
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
    (blocks, screens, suspended_by)
}

/// The plan suspended on the day `by` names, until a new check-up. With warning signs
/// answered, it leads with the most urgent one's care message and names each with its day;
/// after new symptoms alone it says what each may need.
fn suspend(out: &mut Replay, by: Suspended, signs: Vec<Sighting>, today: Date, kb: &KnowledgeBase) {
    let days = days_between(out.start, today).max(0);
    let (date, walk) = match &by {
        Suspended::Walk(d) => (*d, Some(*d)),
        Suspended::Signs(s) => (s.date, None),
    };
    let care = Care::new(signs, kb);
    let because = match &care {
        None => vec![
            format!("On {date} you logged new symptoms after a walk."),
            format!(
                "{} {NEW_SYMPTOMS_SAFETY}",
                super::care::SUSPENDED_UNTIL_CHECKUP
            ),
        ],
        Some(care) => {
            let mut lines: Vec<(Date, String)> = walk
                .map(|d| (d, format!("On {d} you logged new symptoms after a walk.")))
                .into_iter()
                .collect();
            lines.extend(care.signs.iter().map(|s| (s.date, s.line())));
            lines.sort_by_key(|(d, _)| *d);
            let mut because = vec![care.lead()];
            because.extend(lines.into_iter().map(|(_, l)| l));
            let mut last = super::care::SUSPENDED_UNTIL.to_string();
            // New symptoms after the last answers: what they need is not known yet.
            if walk.is_some_and(|w| care.signs.iter().all(|s| s.date < w))
                && care.tier < Tier::Emergency
            {
                last = format!("{last} {NEW_SYMPTOMS_SAFETY}");
            }
            because.push(last);
            because
        }
    };
    out.suspended_on = Some(date);
    out.suspended_by = match by {
        Suspended::Signs(s) => Some(s),
        Suspended::Walk(_) => None,
    };
    out.care = care;
    out.plan = Plan {
        schema: PLAN_SCHEMA,
        status: Status::Blocked,
        week: u32::try_from(days / 7 + 1).unwrap_or(u32::MAX),
        decision: Decision {
            kind: DecisionKind::Suspend,
            because,
        },
        walking: None,
        exercises: Vec::new(),
        excluded: out.plan.excluded.clone(),
    };
}

/// What new symptoms after a walk may need at once, before the warning signs are answered.
const NEW_SYMPTOMS_SAFETY: &str = "If you have numbness around the genitals or back passage, new bladder or bowel trouble, or new symptoms in both legs, go to an emergency department now.";

/// Week 1's prescription: the starting one, no higher than the week before new symptoms
/// (§2.5), or the level a new check-up keeps. Sets the plan's walking and words to match.
fn first_week(
    out: &mut Replay,
    begun: &Begun,
    entries: &[Entry],
    origin: &[usize],
    floor: u32,
    kb: &KnowledgeBase,
    earlier: &Earlier<'_>,
) -> Result<Prescription, Stop> {
    let (mut first, _) = starting_prescription(&out.assessment, &out.answers, &kb.plan);
    // After new symptoms the plan restarts no higher than the week before them (§2.5).
    if let Some(cap) = out.restart_cap
        && first.weekly_minutes() > cap.weekly_minutes()
    {
        // The same shape, shortened to fit (a plan that can build again, not a flare week).
        first = fit_under(first, f64::from(cap.weekly_minutes()), floor);
        if out.plan.walking.is_some() {
            out.plan.walking = Some(first.into());
            let because = &mut out.plan.decision.because;
            because.retain(|b| !b.starts_with("Week 1:"));
            because.push(format!(
                "After the new symptoms, the plan restarts no higher than where it was before them ({} a week).",
                words_minutes(&cap)
            ));
            because.push(first.week_line(1));
        }
    }
    // A new check-up with nothing new keeps the level reached, when the person chose so.
    let start_index = begun.start_index;
    if out.restart_cap.is_none()
        && out.plan.walking.is_some()
        && super::keep::asks_to_keep(entries, start_index, &out.assessment)
        && let Ok(before) = earlier.plan(origin[start_index])?
        && let Some(k) = super::keep::kept_level(before, &out.assessment, &out.answers, first, kb)
    {
        first = k.level;
        out.plan.walking = Some(k.level.into());
        let mut because = super::keep::kept_because(&k);
        because.push(k.level.week_line(1));
        out.plan.decision.because = because;
        out.kept = Some(k);
    }
    out.current = out.plan.walking.is_some().then_some(first);
    Ok(first)
}

/// The plan after the last week reviewed: its level, week type and the week in effect.
fn finish(out: &mut Replay, state: &ReplayState, excluded: Vec<Excluded>, paused: bool) {
    out.level = Some(state.level);
    out.week_type = state.this_type;
    if state.week <= 1 {
        return;
    }
    out.current = Some(state.this_week);
    out.plan = Plan {
        schema: PLAN_SCHEMA,
        status: if state.maintenance && out.plan.status == Status::Active {
            Status::Maintenance
        } else {
            out.plan.status
        },
        week: state.week,
        decision: Decision {
            kind: state.last_kind,
            because: state.last_because.clone(),
        },
        walking: Some(state.this_week.into()),
        exercises: if paused {
            Vec::new()
        } else {
            state.exercises.doses()
        },
        excluded,
    };
}

/// A flare answered within days: two red walks, or two mornings clearly above the baseline,
/// in the week so far switch the rest of the week to gentle walking with the flare advice at
/// once; the weekly review at the end of the week then decides as usual [heuristic].
fn flare_within_week(
    out: &mut Replay,
    cx: &Setting<'_>,
    this_week: Prescription,
    this_type: WeekType,
    bound: f64,
) {
    let (blocks, mornings, floor, today, kb) =
        (&cx.blocks, &cx.mornings, cx.floor, cx.today, cx.kb);
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
    // Never more than this week, nor than the last full week before it (caps).
    let gentle = fit_under(Prescription::gentle(floor), bound, floor);
    // In maintenance, the flare leaves it now, as a check-in's concern does; the week's review
    // then reads the week as a flare week.
    let leaves = out.plan.status == Status::Maintenance;
    let mut because = vec![first];
    if leaves {
        out.plan.status = Status::Active;
        because.push(LEAVES_FOR_FLARE.into());
    }
    because.push(FLARE_ADVICE.into());
    if !leaves {
        because.push("At the end of the week the weekly review decides as usual.".into());
    }
    because.push(gentle.week_line(out.plan.week));
    out.plan.walking = Some(gentle.into());
    out.current = Some(gentle);
    out.week_type = WeekType::Gentle;
    out.plan.decision = Decision {
        kind: DecisionKind::Flare,
        because,
    };
}

/// Maintenance that listens, at once: a check-in in the current week, while the plan is in
/// maintenance, that says back pain limited what you do or gives pain clearly above the last or
/// the first score switches the rest of the week to the flare plan; the week's review then
/// keeps the flare plan (docs/plan-rules.md, "Maintenance"). The gentle week is bounded as a
/// flare found within the week is (`bound`: this week, and the last full week before it).
fn checkin_within_week(out: &mut Replay, cx: &Setting<'_>, bound: f64) {
    let (blocks, entries, floor, today, kb) = (&cx.blocks, cx.entries, cx.floor, cx.today, cx.kb);
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
    let gentle = fit_under(Prescription::gentle(floor), bound, floor);
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
        match replay_in(&part, &origin, today, kb, self, None) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_between_counts_as_jiff_does() {
        let days = [
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2024, 2, 28),
            date(2024, 3, 1),
            date(2026, 1, 5),
            date(2030, 12, 31),
            date(-44, 3, 15),
            date(9999, 12, 31),
            date(1, 1, 1),
        ];
        for a in days {
            for b in days {
                let jiff = a.until(b).map_or(0, |s| i64::from(s.get_days()));
                assert_eq!(days_between(a, b), jiff, "{a} -> {b}");
            }
        }
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        let mut d = date(2023, 12, 1);
        for _ in 0..800 {
            let next = d.tomorrow().unwrap_or(d);
            assert_eq!(days_between(d, next), 1, "{d}");
            d = next;
        }
    }
}
