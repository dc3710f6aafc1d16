//! Reminders for a calendar (contract §11): the planned walking days of the coming weeks and
//! the check-ins due, as plain events with stable ids, so a subscribed calendar updates them
//! instead of adding copies. Event text says nothing about health: calendars are shared and
//! synced.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::checkin;
use crate::journal::Entry;
use crate::knowledge::KnowledgeBase;
use crate::plan::{self, Status};

/// Days the reminders cover, from today.
pub const WINDOW_DAYS: i64 = 28;

/// Which days of a plan week (0 = the week's first day) to walk, for a number of walks a week:
/// spread out, with rest days between where there is room.
pub fn planned_days(sessions: u32) -> &'static [u32] {
    match sessions {
        0 => &[],
        1 => &[0],
        2 => &[0, 3],
        3 => &[0, 2, 4],
        4 => &[0, 1, 3, 5],
        5 => &[0, 1, 2, 4, 5],
        6 => &[0, 1, 2, 3, 4, 5],
        _ => &[0, 1, 2, 3, 4, 5, 6],
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across runs for the same journal and day: `amble-walk-2026-03-02-<journal>`.
    pub uid: String,
    pub date: Date,
    /// "Walk" or "Amble check-in": nothing about health.
    pub summary: &'static str,
}

/// A short stable tag for the journal (from its first check-up), so two people's feeds in one
/// calendar never share an id.
fn journal_tag(entries: &[Entry]) -> String {
    let key = entries
        .iter()
        .find_map(|e| match e {
            Entry::Assessment(a) if !a.rescreen => Some(format!("{}|{}", a.id, a.date)),
            _ => None,
        })
        .unwrap_or_default();
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:012x}", h & 0xFFFF_FFFF_FFFF)
}

/// The events from `today` for [`WINDOW_DAYS`] days: walking days of the current plan (none
/// while it is blocked) and the check-ins due. Empty without a check-up.
pub fn events(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> Vec<Event> {
    let Ok(r) = plan::replay(entries, today, kb) else {
        return Vec::new();
    };
    let tag = journal_tag(entries);
    let end = today.saturating_add(WINDOW_DAYS.days());
    let mut out = Vec::new();
    if let (Some(w), true) = (&r.plan.walking, r.plan.status != Status::Blocked) {
        let days = planned_days(w.sessions_per_week);
        let mut week = r.block_start();
        while week < end {
            for d in days {
                let date = week.saturating_add(i64::from(*d).days());
                if date >= today && date < end {
                    out.push(Event {
                        uid: format!("amble-walk-{date}-{tag}"),
                        date,
                        summary: "Walk",
                    });
                }
            }
            week = week.saturating_add(7.days());
        }
    }
    // Check-ins: the next one due (today if overdue), then one each period after it, with the
    // trial milestones in their place.
    let maintenance = r.plan.status == Status::Maintenance;
    if r.plan.status != Status::Blocked
        && let Some(due) = checkin::next_due(entries, today, maintenance)
    {
        let every = if maintenance { 28 } else { 7 };
        let mut date = due.date.max(today);
        let first = entries
            .iter()
            .find_map(|e| match e {
                Entry::Assessment(a) if !a.rescreen => Some(a.date),
                _ => None,
            })
            .unwrap_or(today);
        let milestones: Vec<Date> = checkin::MILESTONES
            .iter()
            .map(|(d, _)| first.saturating_add(d.days()))
            .filter(|d| *d >= today && *d < end)
            .collect();
        while date < end {
            let near_milestone = milestones.iter().any(|m| (*m - date).get_days().abs() <= 3);
            if !near_milestone {
                out.push(Event {
                    uid: format!("amble-checkin-{date}-{tag}"),
                    date,
                    summary: "Amble check-in",
                });
            }
            date = date.saturating_add(every.days());
        }
        for m in milestones {
            out.push(Event {
                uid: format!("amble-checkin-{m}-{tag}"),
                date: m,
                summary: "Amble check-in",
            });
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.summary.cmp(b.summary)));
    out.dedup_by(|a, b| a.uid == b.uid);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_days_are_spread_and_counted() {
        for n in 0..=7u32 {
            let d = planned_days(n);
            assert_eq!(d.len(), n as usize);
            assert!(d.windows(2).all(|w| w[0] < w[1]) && d.iter().all(|x| *x < 7));
        }
        // Up to three walks a week, never two days in a row.
        for n in 1..=3u32 {
            assert!(planned_days(n).windows(2).all(|w| w[1] - w[0] >= 2), "{n}");
        }
    }

    #[test]
    fn no_checkup_no_events_and_a_blocked_plan_no_walks() {
        let kb = KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
        let today = jiff::civil::date(2026, 3, 2);
        assert!(events(&[], today, &kb).is_empty());
        let mut answers = crate::Answers::default();
        answers.red_flags.saddle_numbness = Some(true);
        let j = vec![Entry::Assessment(Box::new(
            crate::journal::StoredAssessment {
                id: "a-1".into(),
                date: today,
                answers,
                rescreen: false,
                keep_level: false,
            },
        ))];
        assert!(events(&j, today, &kb).iter().all(|e| e.summary != "Walk"));
    }
}
