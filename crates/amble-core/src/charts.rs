//! Progress charts as SVG text: weekly walking minutes against the plan and the target, and pain
//! before, during and the next morning over time with the plan's decisions marked. Pure string
//! building, so the web page and a printed report draw exactly the same chart.

use std::fmt::Write as _;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::journal::Entry;
use crate::plan::{DecisionKind, Replay, TARGET_MINUTES, TARGET_SESSIONS};

#[derive(Debug, Clone, PartialEq)]
pub struct WeekBar {
    pub week: u32,
    pub start: Date,
    pub planned: u32,
    pub walked: f64,
    /// The week under way (not yet reviewed).
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PainPoint {
    pub date: Date,
    pub before: Option<u8>,
    pub peak: Option<u8>,
    pub morning: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub date: Date,
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgressData {
    pub weeks: Vec<WeekBar>,
    pub pain: Vec<PainPoint>,
    pub markers: Vec<Marker>,
}

fn marker_label(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Start => "start",
        DecisionKind::Progress => "step up",
        DecisionKind::Hold => "hold",
        DecisionKind::Regress => "step back",
        DecisionKind::Flare => "flare",
        DecisionKind::Suspend => "suspended",
    }
}

/// Most labels an axis carries, so they never overlap on a phone.
pub const MAX_LABELS: usize = 16;

/// Every `k`-th of `n` items gets a label so that at most [`MAX_LABELS`] do, always including
/// the last one.
fn labelled(i: usize, n: usize) -> bool {
    let step = n.div_ceil(MAX_LABELS).max(1);
    i + 1 == n || (n - 1 - i).is_multiple_of(step) && (n - 1 - i) / step < MAX_LABELS - 1
}

/// The data behind the charts, from a replayed plan and the journal, up to `today`: the last
/// `weeks` weeks (the week under way included), or everything with `None`.
pub fn progress_data(
    r: &Replay,
    entries: &[Entry],
    today: Date,
    weeks: Option<u32>,
) -> ProgressData {
    // The first week shown: the week under way counts as one.
    let from = match weeks {
        None => r.start,
        Some(n) => {
            let past = (n as usize).saturating_sub(1);
            r.history
                .len()
                .checked_sub(past)
                .and_then(|i| r.history.get(i))
                .map_or(r.start, |h| h.start)
                .max(r.start)
        }
    };
    let recent = crate::journal::since(entries, from);
    let data = progress_all(r, recent, today);
    ProgressData {
        weeks: data.weeks.into_iter().filter(|w| w.start >= from).collect(),
        pain: data.pain.into_iter().filter(|p| p.date >= from).collect(),
        markers: data
            .markers
            .into_iter()
            .filter(|m| m.date >= from)
            .collect(),
    }
}

fn progress_all(r: &Replay, entries: &[Entry], today: Date) -> ProgressData {
    let mut weeks: Vec<WeekBar> = r
        .history
        .iter()
        .map(|h| WeekBar {
            week: h.week,
            start: h.start,
            planned: h.planned_weekly_minutes,
            walked: h.walked_minutes,
            current: false,
        })
        .collect();
    if let Some(w) = &r.plan.walking {
        let start = r.block_start();
        let walked: f64 = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Walk(x) if x.date >= start && x.date <= today => Some(x.minutes),
                _ => None,
            })
            .sum();
        // An empty sum is -0.0; add 0.0 so it reads "0".
        let walked = walked + 0.0;
        weeks.push(WeekBar {
            week: r.plan.week,
            start,
            planned: w.weekly_minutes,
            walked,
            current: true,
        });
    }
    let mut by_day: std::collections::BTreeMap<Date, PainPoint> = std::collections::BTreeMap::new();
    let mut rows: Vec<PainPoint> = Vec::new();
    for e in entries {
        match e {
            Entry::Walk(w) if w.date >= r.start && w.date <= today => rows.push(PainPoint {
                date: w.date,
                before: w.pain_before,
                peak: w.pain_peak,
                morning: None,
            }),
            Entry::Morning(m) if m.date >= r.start && m.date <= today => rows.push(PainPoint {
                date: m.date,
                before: None,
                peak: None,
                morning: Some(m.pain),
            }),
            _ => {}
        }
    }
    for PainPoint {
        date,
        before,
        peak,
        morning,
    } in rows
    {
        let p = by_day.entry(date).or_insert(PainPoint {
            date,
            before: None,
            peak: None,
            morning: None,
        });
        // Several walks a day: show the worst of the day.
        p.before = p.before.max(before);
        p.peak = p.peak.max(peak);
        p.morning = p.morning.or(morning);
    }
    let pain: Vec<PainPoint> = by_day.into_values().collect();
    let mut markers = vec![Marker {
        date: r.start,
        label: "start",
    }];
    for h in &r.history {
        markers.push(Marker {
            date: h.start.saturating_add(7.days()),
            label: marker_label(h.decision.kind),
        });
    }
    ProgressData {
        weeks,
        pain,
        markers,
    }
}

const W: f64 = 480.0;
const H: f64 = 260.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" class="chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

fn y_axis(out: &mut String, max: f64, ticks: &[f64], unit: &str) {
    let plot_h = H - TOP - BOTTOM;
    for t in ticks {
        let y = TOP + plot_h * (1.0 - t / max);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#d0d5dd" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="end" fill="#344054">{t}{unit}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
}

/// Bars of minutes walked per week, the plan's minutes as a marker on each, and the 150-minute
/// target (30 minutes on 5 days) as a dashed line.
pub fn weekly_minutes_svg(weeks: &[WeekBar]) -> String {
    let target = f64::from(TARGET_MINUTES * TARGET_SESSIONS);
    let mut out = String::new();
    let desc = if weeks.is_empty() {
        "No weeks yet.".to_string()
    } else {
        weeks
            .iter()
            .map(|w| {
                format!(
                    "Week {}: walked {:.0} of {} planned minutes{}.",
                    w.week,
                    w.walked,
                    w.planned,
                    if w.current { " so far" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    open(
        &mut out,
        "minutes",
        "Minutes walked each week, against the plan and the target",
        &desc,
    );
    let max_val = weeks
        .iter()
        .map(|w| w.walked.max(f64::from(w.planned)))
        .fold(target, f64::max);
    let max = (max_val / 50.0).ceil() * 50.0;
    let ticks: Vec<f64> = (0..=((max / 50.0) as u32))
        .map(|i| f64::from(i) * 50.0)
        .collect();
    y_axis(&mut out, max, &ticks, "");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = weeks.len().max(1) as f64;
    let slot = plot_w / n.max(4.0);
    let y_of = |v: f64| TOP + plot_h * (1.0 - v / max);
    let count = weeks.len();
    for (i, w) in weeks.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.2;
        let bw = slot * 0.6;
        let y = y_of(w.walked);
        let fill = if w.current { "#7fb8b2" } else { "#0e7c72" };
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="{fill}"><title>Week {}: {:.0} minutes walked</title></rect>"##,
            (TOP + plot_h - y).max(0.0),
            w.week,
            w.walked
        );
        let py = y_of(f64::from(w.planned));
        let _ = write!(
            out,
            r##"<line x1="{:.1}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}" stroke="#1d2939" stroke-width="3"><title>Week {}: {} minutes planned</title></line>"##,
            x - 3.0,
            x + bw + 3.0,
            w.week,
            w.planned
        );
        if labelled(i, count) {
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="#344054">W{}</text>"##,
                x + bw / 2.0,
                H - BOTTOM + 16.0,
                w.week
            );
        }
    }
    let ty = y_of(target);
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" x2="{:.1}" y1="{ty:.1}" y2="{ty:.1}" stroke="#b42318" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="end" fill="#b42318">target {target:.0} min</text>"##,
        W - RIGHT,
        W - RIGHT,
        ty - 5.0
    );
    let _ = write!(
        out,
        r##"<g font-size="13" fill="#344054"><rect x="{LEFT}" y="{:.1}" width="10" height="10" fill="#0e7c72"/><text x="{:.1}" y="{:.1}">walked</text><line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#1d2939" stroke-width="3"/><text x="{:.1}" y="{:.1}">planned</text></g>"##,
        H - 12.0,
        LEFT + 14.0,
        H - 3.0,
        LEFT + 80.0,
        LEFT + 94.0,
        H - 7.0,
        H - 7.0,
        LEFT + 100.0,
        H - 3.0
    );
    out.push_str("</svg>");
    out
}

/// Pain before walks, the worst during walks and next-morning pain (0-10) by date, with the
/// plan's weekly decisions as labelled vertical lines.
pub fn pain_svg(points: &[PainPoint], markers: &[Marker]) -> String {
    let mut out = String::new();
    let desc = if points.is_empty() {
        "No pain ratings yet.".to_string()
    } else {
        points
            .iter()
            .map(|p| {
                let f = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
                format!(
                    "{}: before {}, worst {}, morning {}.",
                    p.date,
                    f(p.before),
                    f(p.peak),
                    f(p.morning)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    open(
        &mut out,
        "pain",
        "Pain before and during walks, and the next morning (0 to 10)",
        &desc,
    );
    y_axis(&mut out, 10.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0], "");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let dates: Vec<Date> = points
        .iter()
        .map(|p| p.date)
        .chain(markers.iter().map(|m| m.date))
        .collect();
    let (Some(first), Some(last)) = (dates.iter().min().copied(), dates.iter().max().copied())
    else {
        out.push_str("</svg>");
        return out;
    };
    let span = ((last - first).get_days().max(1)) as f64;
    let x_of = |d: Date| LEFT + plot_w * ((d - first).get_days() as f64 / span);
    let y_of = |v: u8| TOP + plot_h * (1.0 - f64::from(v) / 10.0);
    // The amber ceiling of the traffic light: pain during a walk should stay at 5 or below.
    let y5 = y_of(5);
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" x2="{:.1}" y1="{y5:.1}" y2="{y5:.1}" stroke="#b54708" stroke-width="1.5" stroke-dasharray="2 3"/><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="end" fill="#b54708">keep walks at 5 or below</text>"##,
        W - RIGHT,
        W - RIGHT,
        y5 - 4.0
    );
    // Every decision gets a line; only the changes (not "hold") get a label, and at most
    // MAX_LABELS of those, the most recent kept.
    let named: Vec<&Marker> = markers.iter().filter(|m| m.label != "hold").collect();
    for m in markers {
        let x = x_of(m.date);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{:.1}" stroke="#98a2b3" stroke-width="1"><title>{}: {}</title></line>"##,
            TOP + plot_h,
            m.date,
            esc(m.label)
        );
    }
    for (i, m) in named.iter().enumerate() {
        if !labelled(i, named.len()) {
            continue;
        }
        let x = x_of(m.date);
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#475467" transform="rotate(90 {:.1} {:.1})">{}</text>"##,
            x + 4.0,
            TOP + 2.0,
            x + 4.0,
            TOP + 2.0,
            esc(m.label)
        );
    }
    type Series = (
        &'static str,
        &'static str,
        &'static str,
        fn(&PainPoint) -> Option<u8>,
    );
    let series: [Series; 3] = [
        ("before a walk", "#1570ef", "", |p| p.before),
        ("worst during", "#c4320a", "6 3", |p| p.peak),
        ("next morning", "#6941c6", "2 2", |p| p.morning),
    ];
    for (i, (label, colour, dash, get)) in series.iter().enumerate() {
        let pts: Vec<(f64, f64, Date, u8)> = points
            .iter()
            .filter_map(|p| get(p).map(|v| (x_of(p.date), y_of(v), p.date, v)))
            .collect();
        if pts.len() > 1 {
            let path: Vec<String> = pts
                .iter()
                .map(|(x, y, _, _)| format!("{x:.1},{y:.1}"))
                .collect();
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                path.join(" ")
            );
        }
        for (x, y, d, v) in &pts {
            let _ = write!(
                out,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{colour}"><title>{d}: {label} {v}/10</title></circle>"#
            );
        }
        let lx = LEFT + 140.0 * i as f64;
        let _ = write!(
            out,
            r#"<g font-size="13" fill="{colour}"><line x1="{lx:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}">{label}</text></g>"#,
            lx + 18.0,
            H - 7.0,
            H - 7.0,
            lx + 22.0,
            H - 3.0
        );
    }
    let _ = write!(
        out,
        r##"<text x="{LEFT}" y="{:.1}" font-size="13" fill="#344054">{first}</text><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="end" fill="#344054">{last}</text>"##,
        H - BOTTOM + 16.0,
        W - RIGHT,
        H - BOTTOM + 16.0
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn axes_never_carry_more_than_sixteen_labels() {
        for n in [1usize, 2, 15, 16, 17, 26, 52, 100, 261, 1000] {
            let count = (0..n).filter(|i| labelled(*i, n)).count();
            assert!(
                count <= MAX_LABELS && count >= n.min(2).min(MAX_LABELS),
                "{n}: {count}"
            );
            assert!(labelled(n - 1, n), "the latest is always labelled");
        }
        let weeks: Vec<WeekBar> = (1..=260)
            .map(|w| WeekBar {
                week: w,
                start: date(2026, 1, 5),
                planned: 100,
                walked: 90.0,
                current: false,
            })
            .collect();
        let svg = weekly_minutes_svg(&weeks);
        let labels = svg
            .split(">W")
            .skip(1)
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            .count();
        assert!((2..=MAX_LABELS).contains(&labels), "{labels}");
        assert!(svg.contains(">W260</text>"));
    }

    #[test]
    fn empty_charts_are_valid_svg() {
        let a = weekly_minutes_svg(&[]);
        assert!(a.starts_with("<svg") && a.ends_with("</svg>"));
        assert!(a.contains("No weeks yet."));
        let b = pain_svg(&[], &[]);
        assert!(b.starts_with("<svg") && b.ends_with("</svg>"));
    }

    #[test]
    fn daily_steps_chart() {
        let days = vec![
            DayBar {
                date: date(2024, 6, 3),
                steps: 40_670,
                speed_mps: Some(1.1018),
            },
            DayBar {
                date: date(2024, 6, 4),
                steps: 43_245,
                speed_mps: None,
            },
        ];
        let svg = daily_steps_svg(&days);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("2024-06-03: 40670 steps, walking speed 4.0 km/h."));
        assert!(svg.contains(">40k</text>") && svg.contains(">50k</text>"));
    }

    #[test]
    fn bars_and_lines_follow_the_data() {
        let weeks = vec![
            WeekBar {
                week: 1,
                start: date(2026, 1, 5),
                planned: 60,
                walked: 45.0,
                current: false,
            },
            WeekBar {
                week: 2,
                start: date(2026, 1, 12),
                planned: 72,
                walked: 10.0,
                current: true,
            },
        ];
        let svg = weekly_minutes_svg(&weeks);
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "two bars and the legend swatch"
        );
        assert!(svg.contains("Week 2: walked 10 of 72 planned minutes so far."));
        assert!(svg.contains("target 150 min"));
        let pts = vec![
            PainPoint {
                date: date(2026, 1, 5),
                before: Some(2),
                peak: Some(4),
                morning: None,
            },
            PainPoint {
                date: date(2026, 1, 6),
                before: Some(1),
                peak: Some(3),
                morning: Some(2),
            },
        ];
        let svg = pain_svg(
            &pts,
            &[Marker {
                date: date(2026, 1, 5),
                label: "start",
            }],
        );
        assert_eq!(
            svg.matches("<polyline").count(),
            2,
            "before and worst have two points; morning has one"
        );
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains(">start</text>"));
    }
}

/// One day of imported walking data for the steps chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DayBar {
    pub date: Date,
    pub steps: u64,
    pub speed_mps: Option<f64>,
}

/// The last `days` days of imported daily metrics (Apple Health), oldest first.
pub fn daily_steps(entries: &[Entry], today: Date, days: i64) -> Vec<DayBar> {
    let from = today.saturating_sub(days.days());
    let mut out: Vec<DayBar> = crate::journal::since(entries, from)
        .iter()
        .filter_map(|e| match e {
            Entry::DailyMetrics(d) if d.date > from && d.date <= today => {
                d.steps.map(|steps| DayBar {
                    date: d.date,
                    steps,
                    speed_mps: d.walking_speed_mps,
                })
            }
            _ => None,
        })
        .collect();
    out.sort_by_key(|d| d.date);
    out
}

/// Daily steps as bars (from a watch or phone), with walking speed in the description.
pub fn daily_steps_svg(days: &[DayBar]) -> String {
    let mut out = String::new();
    let desc = if days.is_empty() {
        "No imported daily steps.".to_string()
    } else {
        days.iter()
            .map(|d| match d.speed_mps {
                Some(v) => format!(
                    "{}: {} steps, walking speed {:.1} km/h.",
                    d.date,
                    d.steps,
                    v * 3.6
                ),
                None => format!("{}: {} steps.", d.date, d.steps),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    open(
        &mut out,
        "steps",
        "Steps each day, from your watch or phone",
        &desc,
    );
    let max_val = days.iter().map(|d| d.steps as f64).fold(10_000.0, f64::max);
    let step = if max_val > 20_000.0 {
        10_000.0
    } else {
        5_000.0
    };
    let max = (max_val / step).ceil() * step;
    // Ticks in thousands ("20k") so the labels fit.
    let ticks: Vec<f64> = (0..=((max / step) as u32))
        .map(|i| f64::from(i) * step / 1000.0)
        .collect();
    y_axis(&mut out, max / 1000.0, &ticks, "k");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / (days.len().max(7) as f64);
    for (i, d) in days.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let h = plot_h * (d.steps as f64 / max);
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="#0e7c72"><title>{}: {} steps</title></rect>"##,
            TOP + plot_h - h,
            slot * 0.7,
            d.date,
            d.steps
        );
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            out,
            r##"<text x="{LEFT}" y="{:.1}" font-size="13" fill="#344054">{}</text><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="end" fill="#344054">{}</text>"##,
            H - BOTTOM + 16.0,
            first.date,
            W - RIGHT,
            H - BOTTOM + 16.0,
            last.date
        );
    }
    out.push_str("</svg>");
    out
}
