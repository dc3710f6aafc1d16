//! Progress charts as SVG text: weekly walking minutes against the plan and the target, and pain
//! before, during and the next morning over time with the plan's decisions marked. Pure string
//! building, so the web page and a printed report draw exactly the same chart: the data here,
//! the geometry in [`draw`], the SVG (and, in `amble-pdf`, the PDF) from one [`Figure`].

use jiff::ToSpan;
use jiff::civil::Date;

use crate::journal::Entry;
use crate::plan::DecisionKind;

pub mod draw;
pub mod figure;
pub mod gait;
pub mod pose;

pub use figure::{Anchor, Figure, Pen, Shape};

#[derive(Debug, Clone, PartialEq)]
pub struct WeekBar {
    pub week: u32,
    pub start: Date,
    pub planned: u32,
    pub walked: f64,
    /// The week under way (not yet reviewed).
    pub current: bool,
    /// A week of a plan that new symptoms or a warning sign had suspended or stopped: nothing
    /// was planned and the plan did not review it; its walks are still counted.
    pub suspended: bool,
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
    /// A plan decision ("step up", see [`decision_label`]), "start" for the first check-up, or
    /// [`new_checkup_label`] for a later one.
    pub label: String,
}

/// The marker of a check-up after the first, which starts the plan again at week 1.
pub fn new_checkup_label(date: Date) -> String {
    format!("new check-up {}", short_date(date))
}

/// A date in a few characters for an axis or a marker ("20 Oct"; the year is in the chart's
/// text alternative).
pub fn short_date(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .get(usize::try_from(d.month() - 1).unwrap_or(0))
        .copied()
        .unwrap_or("");
    format!("{} {month}", d.day())
}

/// Whether each week begins a new plan: its week number does not follow the week before (a
/// new check-up started the plan again at week 1).
pub fn restarts(weeks: &[WeekBar]) -> Vec<bool> {
    (0..weeks.len())
        .map(|i| i > 0 && weeks[i].week <= weeks[i - 1].week)
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgressData {
    pub weeks: Vec<WeekBar>,
    pub pain: Vec<PainPoint>,
    pub markers: Vec<Marker>,
}

/// A plan decision in one or two words ("step up", "flare").
pub fn marker_label(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Start => "start",
        DecisionKind::Progress => "step up",
        DecisionKind::Hold => "hold",
        DecisionKind::Regress => "step back",
        DecisionKind::Flare => "flare",
        DecisionKind::Suspend => "suspended",
    }
}

/// A decision's marker label: a decision followed by an easier week is labelled as the easier
/// week (never "step up").
pub fn decision_label(d: &crate::plan::Decision) -> &'static str {
    if d.because
        .iter()
        .any(|b| b.contains(crate::plan::EASIER_WEEK))
    {
        "easier week"
    } else {
        marker_label(d.kind)
    }
}

/// Most labels an axis carries, so they never overlap on a phone: drawn 354 px wide with the
/// 15 px labels of a phone screen, eight labels stay a label's width or more apart.
pub const MAX_LABELS: usize = 8;

/// Every `k`-th of `n` items gets a label so that at most [`MAX_LABELS`] do, always including
/// the last one.
fn labelled(i: usize, n: usize) -> bool {
    let step = n.div_ceil(MAX_LABELS).max(1);
    i + 1 == n || (n - 1 - i).is_multiple_of(step) && (n - 1 - i) / step < MAX_LABELS - 1
}

/// Pain before and at worst during walks (the worst of the day) and the next morning, per
/// day from `from` to `today`.
pub fn pain_points(entries: &[Entry], from: Date, today: Date) -> Vec<PainPoint> {
    let mut by_day: std::collections::BTreeMap<Date, PainPoint> = std::collections::BTreeMap::new();
    let mut rows: Vec<PainPoint> = Vec::new();
    for e in entries {
        match e {
            Entry::Walk(w) if w.date >= from && w.date <= today => rows.push(PainPoint {
                date: w.date,
                before: w.pain_before,
                peak: w.pain_peak,
                morning: None,
            }),
            Entry::Morning(m) if m.date >= from && m.date <= today => rows.push(PainPoint {
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
    by_day.into_values().collect()
}

/// [`draw::weekly_minutes`] as SVG.
pub fn weekly_minutes_svg(weeks: &[WeekBar]) -> String {
    draw::weekly_minutes(weeks).to_svg()
}

/// [`draw::pain`] as SVG.
pub fn pain_svg(points: &[PainPoint], markers: &[Marker]) -> String {
    draw::pain(points, markers).to_svg()
}

/// [`draw::daily_steps`] as SVG.
pub fn daily_steps_svg(days: &[DayBar]) -> String {
    draw::daily_steps(days).to_svg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn axes_never_carry_more_than_eight_labels() {
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
                suspended: false,
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
    fn a_restart_names_weeks_by_date_and_is_marked() {
        let bar = |week: u32, start: Date, suspended: bool| WeekBar {
            week,
            start,
            planned: if suspended { 0 } else { 60 },
            walked: 30.0,
            current: false,
            suspended,
        };
        let weeks = vec![
            bar(1, date(2026, 9, 1), false),
            bar(2, date(2026, 9, 8), true),
            bar(1, date(2026, 9, 21), false),
        ];
        assert_eq!(restarts(&weeks), [false, false, true]);
        let svg = weekly_minutes_svg(&weeks);
        assert!(!svg.contains(">W1</text>"), "{svg}");
        assert!(svg.contains(">1 Sep</text>") && svg.contains(">21 Sep</text>"));
        assert!(svg.contains("A new check-up on 2026-09-21 started the plan again. Week of 2026-09-21 (plan week 1): walked 30 of 60 planned minutes."));
        assert!(svg.contains(
            "Week of 2026-09-08 (plan week 2): the plan was suspended; walked 30 minutes."
        ));
        assert_eq!(svg.matches(">new check-up 21 Sep</text>").count(), 1);
        // Two planned marks: none for the suspended week.
        assert_eq!(svg.matches("minutes planned</title>").count(), 2, "{svg}");
        // A restart's label on the pain chart is kept even among many decisions.
        let mut markers: Vec<Marker> = (0..30)
            .map(|w| Marker {
                date: date(2026, 1, 5).saturating_add(jiff::ToSpan::days(w * 7)),
                label: "step up".into(),
            })
            .collect();
        markers.push(Marker {
            date: date(2026, 3, 3),
            label: new_checkup_label(date(2026, 3, 3)),
        });
        let svg = pain_svg(&[], &markers);
        assert!(svg.contains(">new check-up 3 Mar</text>"), "{svg}");
    }

    #[test]
    fn decision_labels_keep_apart() {
        let start = date(2025, 8, 4);
        let points: Vec<PainPoint> = (0..210)
            .step_by(2)
            .map(|d| PainPoint {
                date: start.saturating_add(jiff::ToSpan::days(d)),
                before: Some(2),
                peak: Some(3),
                morning: None,
            })
            .collect();
        // A decision every week for 30 weeks: labels on neighbouring weeks would overlap.
        let markers: Vec<Marker> = (0..30)
            .map(|w| Marker {
                date: start.saturating_add(jiff::ToSpan::days(w * 7)),
                label: "step up".into(),
            })
            .collect();
        let f = draw::pain(&points, &markers);
        let xs: Vec<f64> = f
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text {
                    at, turned: true, ..
                } => Some(at.0),
                _ => None,
            })
            .collect();
        assert!((2..=MAX_LABELS).contains(&xs.len()), "{xs:?}");
        assert!(xs.windows(2).all(|p| p[1] - p[0] >= 18.0), "{xs:?}");
    }

    #[test]
    fn an_outcome_chart_has_the_band_and_the_cut_off() {
        let kb = crate::KnowledgeBase::embedded().unwrap_or_else(|e| panic!("{e}"));
        let m = kb
            .outcomes
            .measure("rmdq")
            .cloned()
            .unwrap_or_else(|| panic!("rmdq"));
        let pts = [
            (date(2026, 1, 5), 12.0),
            (date(2026, 2, 16), 7.0),
            (date(2026, 4, 6), 2.0),
        ];
        let f = draw::outcome(&m, Some(2.0), &pts);
        let svg = f.to_svg();
        assert!(svg.contains("Smaller than a change people notice"));
        assert!(svg.contains(">recovered</text>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("2026-02-16: 7"));
        // The band spans 5 points either side of the first score, 12.
        let band = f.shapes.iter().find_map(|s| match s {
            Shape::Rect { h, .. } => Some(*h),
            _ => None,
        });
        let per_point = (260.0 - 16.0 - 40.0) / 24.0;
        assert!(
            band.is_some_and(|h| (h - 10.0 * per_point).abs() < 1e-6),
            "{band:?}"
        );
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
                suspended: false,
            },
            WeekBar {
                week: 2,
                start: date(2026, 1, 12),
                planned: 72,
                walked: 10.0,
                current: true,
                suspended: false,
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
                label: "start".into(),
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
