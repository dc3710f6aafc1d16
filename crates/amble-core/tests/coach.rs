//! The coach's alerts (contract §12): thresholds from `content/coach.toml`, a clinic's own
//! where it set them, each alert explained.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use amble_core::KnowledgeBase;
use amble_core::coach::{AlertThresholds, alerts};
use amble_core::journal::{Entry, Morning};
use jiff::civil::Date;

fn thresholds() -> AlertThresholds {
    KnowledgeBase::embedded()
        .expect("content")
        .coach
        .thresholds()
}

fn morning(n: usize, date: &str, pain: u8) -> Entry {
    Entry::Morning(Morning {
        id: format!("m-{n}"),
        date: date.parse().expect("date"),
        pain,
    })
}

fn day(s: &str) -> Date {
    s.parse().expect("date")
}

#[test]
fn a_rise_of_two_points_over_the_weeks_before_alerts() {
    let entries = vec![
        morning(1, "2026-03-01", 2),
        morning(2, "2026-03-08", 2),
        morning(3, "2026-03-20", 4),
    ];
    let a = alerts(&entries, None, day("2026-03-22"), thresholds());
    let texts: Vec<&str> = a.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(
        texts,
        ["pain rose by 2.0 points this week (alert at 2)"],
        "{a:?}"
    );
    // A rise of 1.5 is below the default, and alerts when a clinic asks for 1.
    let entries = vec![morning(1, "2026-03-08", 2), morning(2, "2026-03-20", 3)];
    assert!(alerts(&entries, None, day("2026-03-22"), thresholds()).is_empty());
    let strict = thresholds().with(Some(1), None, None);
    assert_eq!(alerts(&entries, None, day("2026-03-22"), strict).len(), 1);
}

#[test]
fn a_high_rating_this_week_alerts_but_not_one_from_before() {
    let t = thresholds();
    let high = vec![morning(1, "2026-03-20", 7)];
    let a = alerts(&high, None, day("2026-03-22"), t);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].tier, 2);
    assert_eq!(a[0].text, "pain of 7/10 this week (alert at 7)");
    // Eight days ago is outside "this week".
    assert!(alerts(&high, None, day("2026-03-28"), t).is_empty());
    let six = vec![morning(1, "2026-03-20", 6)];
    assert!(alerts(&six, None, day("2026-03-22"), t).is_empty());
}

#[test]
fn two_weeks_without_an_entry_is_gone_quiet() {
    let t = thresholds();
    let entries = vec![morning(1, "2026-03-01", 1)];
    assert!(alerts(&entries, None, day("2026-03-14"), t).is_empty());
    let a = alerts(&entries, None, day("2026-03-15"), t);
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].tier, a[0].text.as_str()),
        (3, "no entries for 14 days or more")
    );
    assert_eq!(alerts(&[], None, day("2026-03-15"), t).len(), 1);
    let relaxed = t.with(None, None, Some(30));
    assert!(alerts(&entries, None, day("2026-03-15"), relaxed).is_empty());
}

#[test]
fn alerts_come_most_urgent_first() {
    let entries = vec![morning(1, "2026-01-01", 2), morning(2, "2026-01-05", 9)];
    // Quiet (tier 3) and nothing high this week: only quiet.
    let a = alerts(&entries, None, day("2026-02-01"), thresholds());
    assert_eq!(a.iter().map(|a| a.tier).collect::<Vec<_>>(), [3]);
    let entries = vec![morning(1, "2026-01-05", 9)];
    let a = alerts(&entries, None, day("2026-01-06"), thresholds());
    assert_eq!(a.iter().map(|a| a.tier).collect::<Vec<_>>(), [2]);
}
