//! `amble today`: what to do today, given the plan and what is already logged this block.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::journal::Entry;
use crate::words::count;

use super::types::{Plan, Replay, Status, WalkingOut};

/// `amble.today/1`: what to do today given what is already logged this week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Today {
    pub schema: &'static str,
    pub date: Date,
    pub week: u32,
    pub status: Status,
    /// Days left in this 7-day block, today included.
    pub days_left_in_week: i64,
    pub walks_done_this_week: u32,
    pub walks_left_this_week: u32,
    pub walked_today: bool,
    pub walk_today: bool,
    pub walking: Option<WalkingOut>,
    pub exercises_today: Vec<String>,
    pub message: String,
}

pub fn today_view(r: &Replay, entries: &[Entry], today: Date) -> Today {
    let plan: &Plan = &r.plan;
    let block_start = r.block_start();
    let block_end = block_start.saturating_add(7.days());
    let in_block = |d: Date| d >= block_start && d <= today && d < block_end && d >= r.start;
    let entries = crate::journal::since(entries, block_start);
    let walk_days: std::collections::BTreeSet<Date> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Walk(w) if in_block(w.date) => Some(w.date),
            _ => None,
        })
        .collect();
    let walked_today = walk_days.contains(&today);
    let done = walk_days.len() as u32;
    let days_left = (block_end - today).get_days().max(1) as i64;
    let sessions = plan.walking.as_ref().map_or(0, |w| w.sessions_per_week);
    let left = sessions.saturating_sub(done);
    let walk_today = plan.status != Status::Blocked && !walked_today && left > 0;
    let exercises_today: Vec<String> = plan
        .exercises
        .iter()
        .filter(|d| {
            let sessions_done = entries
                .iter()
                .filter(
                    |e| matches!(e, Entry::Exercise(x) if x.exercise == d.id && in_block(x.date)),
                )
                .count() as u32;
            let done_today = entries
                .iter()
                .any(|e| matches!(e, Entry::Exercise(x) if x.exercise == d.id && x.date == today));
            !done_today && sessions_done < d.days_per_week
        })
        .map(|d| d.id.clone())
        .collect();
    let message = match plan.status {
        Status::Blocked => plan.decision.because.join(" "),
        _ if walked_today => {
            "You've walked today. Log tomorrow morning's back pain, and rest or do your exercises."
                .into()
        }
        _ if left == 0 => format!(
            "You've done all {} for this week. A rest day, or gentle everyday walking, is fine.",
            count(sessions, "walking day", "walking days")
        ),
        _ if i64::from(left) < days_left => format!(
            "Walk today if you feel like it: {} left this week and {} to go.",
            count(left, "walking day", "walking days"),
            count(days_left.max(0) as u64, "day", "days")
        ),
        _ => format!(
            "Walk today: {} left this week and {} to go.",
            count(left, "walking day", "walking days"),
            count(days_left.max(0) as u64, "day", "days")
        ),
    };
    Today {
        schema: "amble.today/1",
        date: today,
        week: plan.week,
        status: plan.status,
        days_left_in_week: days_left,
        walks_done_this_week: done,
        walks_left_this_week: left,
        walked_today,
        walk_today,
        walking: plan.walking.clone(),
        exercises_today,
        message,
    }
}
