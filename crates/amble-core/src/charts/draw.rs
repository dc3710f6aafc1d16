//! The three progress charts as [`Figure`]s: weekly minutes, pain over time, imported steps.

use jiff::civil::Date;

use super::figure::{Anchor, Figure, Pen, Shape};
use super::{DayBar, Marker, PainPoint, WeekBar, labelled};
use crate::plan::{TARGET_MINUTES, TARGET_SESSIONS};

pub(super) const W: f64 = 480.0;
pub(super) const H: f64 = 260.0;
pub(super) const LEFT: f64 = 40.0;
pub(super) const RIGHT: f64 = 16.0;
pub(super) const TOP: f64 = 16.0;
pub(super) const BOTTOM: f64 = 40.0;
pub(super) const PLOT_W: f64 = W - LEFT - RIGHT;
pub(super) const PLOT_H: f64 = H - TOP - BOTTOM;

pub(super) const INK: &str = "#344054";
pub(super) const GRID: &str = "#d0d5dd";
pub(super) const TEAL: &str = "#0e7c72";
pub(super) const TEAL_LIGHT: &str = "#7fb8b2";
pub(super) const DARK: &str = "#1d2939";
pub(super) const RED: &str = "#b42318";
pub(super) const AMBER: &str = "#b54708";

pub(super) fn figure(id: &'static str, title: &str, desc: String) -> Figure {
    Figure {
        id: id.into(),
        width: W,
        height: H,
        title: title.into(),
        desc,
        shapes: Vec::new(),
    }
}

pub(super) fn text(
    at: (f64, f64),
    size: f64,
    anchor: Anchor,
    fill: &'static str,
    s: String,
) -> Shape {
    Shape::Text {
        at,
        size,
        anchor,
        fill,
        turned: false,
        text: s,
    }
}

/// Grid lines and labels for `ticks` on an axis from `lo` to `max`.
pub(super) fn y_axis(f: &mut Figure, lo: f64, max: f64, ticks: &[f64], unit: &str) {
    for t in ticks {
        let y = TOP + PLOT_H * (1.0 - (t - lo) / (max - lo));
        f.shapes.push(Shape::Line {
            from: (LEFT, y),
            to: (W - RIGHT, y),
            pen: Pen::solid(GRID, 1.0),
            tip: None,
        });
        f.shapes.push(text(
            (LEFT - 6.0, y + 4.0),
            13.0,
            Anchor::End,
            INK,
            format!("{t}{unit}"),
        ));
    }
}

/// A labelled horizontal reference line across the plot (a target, a ceiling, a cut-off).
pub(super) fn reference_line(f: &mut Figure, y: f64, pen: Pen, label: String, lift: f64) {
    f.shapes.push(Shape::Line {
        from: (LEFT, y),
        to: (W - RIGHT, y),
        pen,
        tip: None,
    });
    f.shapes.push(text(
        (W - RIGHT, y - lift),
        13.0,
        Anchor::End,
        pen.colour,
        label,
    ));
}

/// A week of the minutes chart in words: by its number, or by its first day when numbers
/// repeat (`by_date`).
fn week_name(w: &WeekBar, by_date: bool) -> String {
    if by_date {
        format!("Week of {} (plan week {})", w.start, w.week)
    } else {
        format!("Week {}", w.week)
    }
}

/// The minutes chart's text alternative: every week, and where a new check-up restarted the plan.
fn minutes_desc(weeks: &[WeekBar], restarts: &[bool], by_date: bool) -> String {
    if weeks.is_empty() {
        return "No weeks yet.".to_string();
    }
    weeks
        .iter()
        .zip(restarts)
        .map(|(w, restart)| {
            let restart = if *restart {
                format!("A new check-up on {} started the plan again. ", w.start)
            } else {
                String::new()
            };
            let name = week_name(w, by_date);
            if w.suspended {
                format!(
                    "{restart}{name}: the plan was suspended; walked {:.0} minutes.",
                    w.walked
                )
            } else {
                format!(
                    "{restart}{name}: walked {:.0} of {} planned minutes{}.",
                    w.walked,
                    w.planned,
                    if w.current { " so far" } else { "" }
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A dashed vertical line at `x` with the label of a new check-up on `day`.
fn restart_line(f: &mut Figure, x: f64, day: Date) {
    f.shapes.push(Shape::Line {
        from: (x, TOP),
        to: (x, TOP + PLOT_H),
        pen: Pen {
            colour: "#475467",
            width: 1.5,
            dash: &[4.0, 3.0],
        },
        tip: Some(format!("{day}: a new check-up started the plan again")),
    });
    f.shapes.push(Shape::Text {
        at: (x + 4.0, TOP + 2.0),
        size: 12.0,
        anchor: Anchor::Start,
        fill: "#475467",
        turned: true,
        text: super::new_checkup_label(day),
    });
}

/// Bars of minutes walked per week, the plan's minutes as a marker on each, and the 150-minute
/// target (30 minutes on 5 days) as a dashed line. When a new check-up started the plan again
/// inside the weeks shown, the weeks are named by their first day (week numbers would repeat)
/// and a vertical line marks the restart.
pub fn weekly_minutes(weeks: &[WeekBar]) -> Figure {
    let target = f64::from(TARGET_MINUTES * TARGET_SESSIONS);
    let restarts = super::restarts(weeks);
    let by_date = restarts.contains(&true);
    let name = |w: &WeekBar| week_name(w, by_date);
    let desc = minutes_desc(weeks, &restarts, by_date);
    let mut f = figure(
        "minutes",
        "Minutes walked each week, against the plan and the target",
        desc,
    );
    let max_val = weeks
        .iter()
        .map(|w| w.walked.max(f64::from(w.planned)))
        .fold(target, f64::max);
    let max = (max_val / 50.0).ceil() * 50.0;
    let ticks: Vec<f64> = (0..=((max / 50.0) as u32))
        .map(|i| f64::from(i) * 50.0)
        .collect();
    y_axis(&mut f, 0.0, max, &ticks, "");
    let n = weeks.len().max(1) as f64;
    let slot = PLOT_W / n.max(4.0);
    let y_of = |v: f64| TOP + PLOT_H * (1.0 - v / max);
    let count = weeks.len();
    for (i, w) in weeks.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.2;
        let bw = slot * 0.6;
        let y = y_of(w.walked);
        f.shapes.push(Shape::Rect {
            x,
            y,
            w: bw,
            h: (TOP + PLOT_H - y).max(0.0),
            fill: if w.current { TEAL_LIGHT } else { TEAL },
            tip: Some(format!(
                "{}: {:.0} minutes walked{}",
                name(w),
                w.walked,
                if w.suspended {
                    " (the plan was suspended)"
                } else {
                    ""
                }
            )),
        });
        if !w.suspended {
            let py = y_of(f64::from(w.planned));
            f.shapes.push(Shape::Line {
                from: (x - 3.0, py),
                to: (x + bw + 3.0, py),
                pen: Pen::solid(DARK, 3.0),
                tip: Some(format!("{}: {} minutes planned", name(w), w.planned)),
            });
        }
        if restarts[i] {
            restart_line(&mut f, LEFT + slot * i as f64, w.start);
        }
        if labelled(i, count) {
            f.shapes.push(text(
                (x + bw / 2.0, H - BOTTOM + 16.0),
                13.0,
                Anchor::Middle,
                INK,
                if by_date {
                    super::short_date(w.start)
                } else {
                    format!("W{}", w.week)
                },
            ));
        }
    }
    reference_line(
        &mut f,
        y_of(target),
        Pen {
            colour: RED,
            width: 2.0,
            dash: &[6.0, 4.0],
        },
        format!("target {target:.0} min"),
        5.0,
    );
    // The legend.
    f.shapes.push(Shape::Rect {
        x: LEFT,
        y: H - 12.0,
        w: 10.0,
        h: 10.0,
        fill: TEAL,
        tip: None,
    });
    f.shapes.push(text(
        (LEFT + 14.0, H - 3.0),
        13.0,
        Anchor::Start,
        INK,
        "walked".into(),
    ));
    f.shapes.push(Shape::Line {
        from: (LEFT + 80.0, H - 7.0),
        to: (LEFT + 94.0, H - 7.0),
        pen: Pen::solid(DARK, 3.0),
        tip: None,
    });
    f.shapes.push(text(
        (LEFT + 100.0, H - 3.0),
        13.0,
        Anchor::Start,
        INK,
        "planned".into(),
    ));
    f
}

/// Pain before walks, the worst during walks and next-morning pain (0-10) by date, with the
/// plan's weekly decisions as labelled vertical lines.
pub fn pain(points: &[PainPoint], markers: &[Marker]) -> Figure {
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
    let mut f = figure(
        "pain",
        "Pain before and during walks, and the next morning (0 to 10)",
        desc,
    );
    y_axis(&mut f, 0.0, 10.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0], "");
    let dates: Vec<Date> = points
        .iter()
        .map(|p| p.date)
        .chain(markers.iter().map(|m| m.date))
        .collect();
    let (Some(first), Some(last)) = (dates.iter().min().copied(), dates.iter().max().copied())
    else {
        return f;
    };
    let span = ((last - first).get_days().max(1)) as f64;
    let x_of = |d: Date| LEFT + PLOT_W * ((d - first).get_days() as f64 / span);
    let y_of = |v: u8| TOP + PLOT_H * (1.0 - f64::from(v) / 10.0);
    // The amber ceiling of the traffic light: pain during a walk should stay at 5 or below.
    reference_line(
        &mut f,
        y_of(5),
        Pen {
            colour: AMBER,
            width: 1.5,
            dash: &[2.0, 3.0],
        },
        "keep walks at 5 or below".into(),
        4.0,
    );
    // Every decision gets a line; only the changes (not "hold") get a label: at most
    // MAX_LABELS of those, the most recent kept, each at least a turned label's height (drawn
    // at 15 px on a phone) from the next, so that none overlaps another.
    for m in markers {
        let x = x_of(m.date);
        f.shapes.push(Shape::Line {
            from: (x, TOP),
            to: (x, TOP + PLOT_H),
            pen: Pen::solid("#98a2b3", 1.0),
            tip: Some(format!("{}: {}", m.date, m.label)),
        });
    }
    // A new check-up's label comes first: the restart is always named.
    const MARKER_GAP: f64 = 18.0;
    let named: Vec<&Marker> = markers.iter().filter(|m| m.label != "hold").collect();
    let restart = |m: &Marker| m.label.starts_with("new check-up");
    let mut kept: Vec<(usize, f64)> = named
        .iter()
        .enumerate()
        .filter(|(_, m)| restart(m))
        .map(|(i, m)| (i, x_of(m.date)))
        .collect();
    for (i, m) in named.iter().enumerate().rev() {
        let x = x_of(m.date);
        if !restart(m)
            && labelled(i, named.len())
            && kept.iter().all(|(_, k)| (k - x).abs() >= MARKER_GAP)
        {
            kept.push((i, x));
        }
    }
    kept.sort_by_key(|(i, _)| *i);
    for (i, x) in kept {
        f.shapes.push(Shape::Text {
            at: (x + 4.0, TOP + 2.0),
            size: 12.0,
            anchor: Anchor::Start,
            fill: "#475467",
            turned: true,
            text: named[i].label.clone(),
        });
    }
    type Series = (
        &'static str,
        &'static str,
        &'static [f64],
        fn(&PainPoint) -> Option<u8>,
    );
    let series: [Series; 3] = [
        ("before a walk", "#1570ef", &[], |p| p.before),
        ("worst during", "#c4320a", &[6.0, 3.0], |p| p.peak),
        ("next morning", "#6941c6", &[2.0, 2.0], |p| p.morning),
    ];
    for (i, (label, colour, dash, get)) in series.iter().enumerate() {
        let pen = Pen {
            colour,
            width: 2.0,
            dash,
        };
        let pts: Vec<(f64, f64, Date, u8)> = points
            .iter()
            .filter_map(|p| get(p).map(|v| (x_of(p.date), y_of(v), p.date, v)))
            .collect();
        if pts.len() > 1 {
            f.shapes.push(Shape::Polyline {
                points: pts.iter().map(|(x, y, _, _)| (*x, *y)).collect(),
                pen,
            });
        }
        for (x, y, d, v) in &pts {
            f.shapes.push(Shape::Dot {
                at: (*x, *y),
                r: 3.0,
                fill: colour,
                tip: Some(format!("{d}: {label} {v}/10")),
            });
        }
        let lx = LEFT + 140.0 * i as f64;
        f.shapes.push(Shape::Line {
            from: (lx, H - 7.0),
            to: (lx + 18.0, H - 7.0),
            pen,
            tip: None,
        });
        f.shapes.push(text(
            (lx + 22.0, H - 3.0),
            13.0,
            Anchor::Start,
            colour,
            (*label).into(),
        ));
    }
    date_ends(&mut f, first, last);
    f
}

pub(super) fn date_ends(f: &mut Figure, first: Date, last: Date) {
    f.shapes.push(text(
        (LEFT, H - BOTTOM + 16.0),
        13.0,
        Anchor::Start,
        INK,
        first.to_string(),
    ));
    f.shapes.push(text(
        (W - RIGHT, H - BOTTOM + 16.0),
        13.0,
        Anchor::End,
        INK,
        last.to_string(),
    ));
}

/// Daily steps as bars (from a watch or phone), with walking speed in the description.
pub fn daily_steps(days: &[DayBar]) -> Figure {
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
    let mut f = figure("steps", "Steps each day, from your watch or phone", desc);
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
    y_axis(&mut f, 0.0, max / 1000.0, &ticks, "k");
    let slot = PLOT_W / (days.len().max(7) as f64);
    for (i, d) in days.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let h = PLOT_H * (d.steps as f64 / max);
        f.shapes.push(Shape::Rect {
            x,
            y: TOP + PLOT_H - h,
            w: slot * 0.7,
            h,
            fill: TEAL,
            tip: Some(format!("{}: {} steps", d.date, d.steps)),
        });
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        date_ends(&mut f, first.date, last.date);
    }
    f
}

/// One score over time (pain, ODI, RMDQ, PSFS) with a band around the first score as wide as
/// the smallest change people notice (changes inside it are not important), and the
/// "recovered" cut-off where there is one.
pub fn outcome(
    m: &crate::outcomes::Measure,
    recovered_at: Option<f64>,
    points: &[(Date, f64)],
) -> Figure {
    let unit = if m.unit == "%" { "%" } else { "" };
    let desc = points
        .iter()
        .map(|(d, v)| {
            if (v - v.round()).abs() < 0.05 {
                format!("{d}: {v:.0}{unit}")
            } else {
                format!("{d}: {v:.1}{unit}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut f = Figure {
        id: match m.id.as_str() {
            "nprs" => "outcome-nprs",
            "odi" => "outcome-odi",
            "rmdq" => "outcome-rmdq",
            "peg" => "outcome-peg",
            _ => "outcome-psfs",
        }
        .into(),
        width: W,
        height: H,
        title: format!("{} at each check-up and check-in", m.name),
        desc: if desc.is_empty() {
            "No scores yet.".into()
        } else {
            format!(
                "{desc}. The band shows changes smaller than {} points from the first score.",
                m.important_points
            )
        },
        shapes: Vec::new(),
    };
    let (lo, hi) = (m.min, m.max);
    let step = if hi - lo > 50.0 {
        20.0
    } else if hi - lo > 12.0 {
        4.0
    } else {
        2.0
    };
    let ticks: Vec<f64> = (0..)
        .map(|i| lo + f64::from(i) * step)
        .take_while(|t| *t <= hi + 1e-9)
        .collect();
    let y_of = |v: f64| TOP + PLOT_H * (1.0 - (v - lo) / (hi - lo));
    if let Some(&(_, first)) = points.first() {
        let top = y_of((first + m.important_points).min(hi));
        let bottom = y_of((first - m.important_points).max(lo));
        f.shapes.push(Shape::Rect {
            x: LEFT,
            y: top,
            w: PLOT_W,
            h: (bottom - top).max(0.0),
            fill: "#e4e7ec",
            tip: Some("Smaller than a change people notice".into()),
        });
    }
    y_axis(&mut f, lo, hi, &ticks, unit);
    if let Some(r) = recovered_at {
        reference_line(
            &mut f,
            y_of(r),
            Pen {
                colour: TEAL,
                width: 1.5,
                dash: &[4.0, 3.0],
            },
            "recovered".into(),
            4.0,
        );
    }
    let (Some(first), Some(last)) = (points.first().map(|p| p.0), points.last().map(|p| p.0))
    else {
        return f;
    };
    let span = ((last - first).get_days().max(1)) as f64;
    let x_of = |d: Date| {
        if points.len() == 1 {
            LEFT + PLOT_W / 2.0
        } else {
            LEFT + PLOT_W * ((d - first).get_days() as f64 / span)
        }
    };
    let pts: Vec<(f64, f64)> = points.iter().map(|(d, v)| (x_of(*d), y_of(*v))).collect();
    if pts.len() > 1 {
        f.shapes.push(Shape::Polyline {
            points: pts.clone(),
            pen: Pen::solid(DARK, 2.0),
        });
    }
    for ((d, v), at) in points.iter().zip(pts) {
        f.shapes.push(Shape::Dot {
            at,
            r: 4.0,
            fill: DARK,
            tip: Some(format!("{d}: {v:.0}{unit}")),
        });
    }
    date_ends(&mut f, first, last);
    f.shapes.push(text(
        (LEFT, H - 3.0),
        13.0,
        Anchor::Start,
        INK,
        format!(
            "{} is better; the grey band: less than a change people notice",
            if m.higher_is_better {
                "higher"
            } else {
                "lower"
            }
        ),
    ));
    f
}
