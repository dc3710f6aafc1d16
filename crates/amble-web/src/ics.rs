//! The calendar feed (RFC 5545) for `amble remind --ics` and `/calendar.ics`: the events of
//! [`amble_core::reminders`], written with the `icalendar` crate as all-day events.

use icalendar::{Calendar, Component, EventLike};
use jiff::civil::Date;

use amble_core::journal::Entry;
use amble_core::knowledge::KnowledgeBase;
use amble_core::reminders;

fn naive(d: Date) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        u32::try_from(d.month()).ok()?,
        u32::try_from(d.day()).ok()?,
    )
}

/// The coming weeks' walks and check-ins as an iCalendar document. Same journal and day, same
/// text: the stamp is the day's start (UTC), not the clock.
pub fn calendar(entries: &[Entry], today: Date, kb: &KnowledgeBase) -> String {
    let stamp = naive(today)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or_default();
    let mut cal = Calendar::empty();
    cal.append_property(icalendar::Property::new("VERSION", "2.0"))
        .append_property(icalendar::Property::new(
            "PRODID",
            "-//Amble//Amble reminders//EN",
        ))
        .append_property(icalendar::Property::new("CALSCALE", "GREGORIAN"))
        .name("Amble");
    for e in reminders::events(entries, today, kb) {
        let (Some(start), Some(end)) = (naive(e.date), naive(e.date.tomorrow().unwrap_or(e.date)))
        else {
            continue;
        };
        cal.push(
            icalendar::Event::new()
                .uid(&e.uid)
                .summary(e.summary)
                .starts(start)
                .ends(end)
                .timestamp(stamp)
                .done(),
        );
    }
    cal.done().to_string()
}
