//! Gait charts: walking speed per week (with cadence and stride in the words), and speed over
//! one walk with the moment it began to slow.

use super::draw::{
    AMBER, BOTTOM, H, INK, LEFT, PLOT_H, PLOT_W, RIGHT, TEAL, TOP, W, date_ends, figure, text,
    y_axis,
};
use super::figure::{Anchor, Figure, Pen, Shape};
use crate::gait::{GaitWeek, WalkGait};

/// A speed axis in km/h from 0 to a whole number at least 6 above every value.
fn speed_axis(f: &mut Figure, speeds_kmh: impl Iterator<Item = f64>) -> f64 {
    let max = speeds_kmh.fold(6.0, f64::max).ceil();
    let step = if max > 8.0 { 2.0 } else { 1.0 };
    let ticks: Vec<f64> = (0..=((max / step) as u32))
        .map(|i| f64::from(i) * step)
        .collect();
    let max = ticks.last().copied().unwrap_or(max);
    y_axis(f, 0.0, max, &ticks, "");
    max
}

/// Walking speed per week from the walks with a gait recording.
pub fn weekly_speed(weeks: &[GaitWeek]) -> Figure {
    let words = |w: &GaitWeek| {
        format!(
            "week of {}: {:.1} km/h, {:.0} steps a minute, strides of {:.2} m ({})",
            w.week,
            w.speed_mps * 3.6,
            w.cadence_spm,
            w.stride_length_m,
            crate::words::count(w.walks as u64, "walk", "walks")
        )
    };
    let desc = if weeks.is_empty() {
        "No walks with a gait recording yet.".to_string()
    } else {
        weeks.iter().map(words).collect::<Vec<_>>().join("; ") + "."
    };
    let mut f = figure(
        "gait-weeks",
        "Walking speed each week (km/h), from your gait recordings",
        desc,
    );
    let max = speed_axis(&mut f, weeks.iter().map(|w| w.speed_mps * 3.6));
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return f;
    };
    let span = ((last.week - first.week).get_days().max(1)) as f64;
    let at = |w: &GaitWeek| {
        let x = if weeks.len() == 1 {
            LEFT + PLOT_W / 2.0
        } else {
            LEFT + PLOT_W * ((w.week - first.week).get_days() as f64 / span)
        };
        (x, TOP + PLOT_H * (1.0 - w.speed_mps * 3.6 / max))
    };
    f.shapes.push(Shape::Polyline {
        points: weeks.iter().map(at).collect(),
        pen: Pen::solid(TEAL, 2.0),
    });
    for w in weeks {
        f.shapes.push(Shape::Dot {
            at: at(w),
            r: 4.0,
            fill: TEAL,
            tip: Some(words(w)),
        });
    }
    if weeks.len() > 1 {
        date_ends(&mut f, first.week, last.week);
    } else {
        f.shapes.push(text(
            (LEFT + PLOT_W / 2.0, H - BOTTOM + 16.0),
            13.0,
            Anchor::Middle,
            INK,
            first.week.to_string(),
        ));
    }
    f
}

/// Speed in each minute-long window of one walk, and when it began to slow for good.
pub fn walk_speed(g: &WalkGait) -> Figure {
    let desc = if g.windows.is_empty() {
        "Under 3 minutes of walking: no change over the walk is shown.".to_string()
    } else {
        g.windows
            .iter()
            .map(|w| {
                format!(
                    "minute {:.0}: {:.1} km/h, {:.0} steps a minute, strides of {:.2} m",
                    w.start_s / 60.0,
                    w.speed_mps * 3.6,
                    w.cadence_spm,
                    w.stride_length_m
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
            + "."
    };
    let mut f = figure("gait-walk", "Walking speed over this walk (km/h)", desc);
    let max = speed_axis(&mut f, g.windows.iter().map(|w| w.speed_mps * 3.6));
    let (Some(first), Some(last)) = (g.windows.first(), g.windows.last()) else {
        return f;
    };
    let span = (last.start_s - first.start_s).max(1.0);
    let x_of = |t: f64| LEFT + PLOT_W * ((t - first.start_s) / span);
    let points: Vec<(f64, f64)> = g
        .windows
        .iter()
        .map(|w| {
            (
                x_of(w.start_s),
                TOP + PLOT_H * (1.0 - w.speed_mps * 3.6 / max),
            )
        })
        .collect();
    f.shapes.push(Shape::Polyline {
        points: points.clone(),
        pen: Pen::solid(TEAL, 2.0),
    });
    for p in points {
        f.shapes.push(Shape::Dot {
            at: p,
            r: 3.0,
            fill: TEAL,
            tip: None,
        });
    }
    if let Some(t) = g.deterioration_onset_s {
        let x = x_of(t);
        f.shapes.push(Shape::Line {
            from: (x, TOP),
            to: (x, TOP + PLOT_H),
            pen: Pen {
                colour: AMBER,
                width: 2.0,
                dash: &[5.0, 4.0],
            },
            tip: Some("began to slow".into()),
        });
        f.shapes.push(text(
            (x - 4.0, TOP + 12.0),
            13.0,
            Anchor::End,
            AMBER,
            "began to slow".into(),
        ));
    }
    for (t, anchor, x) in [
        (first.start_s, Anchor::Start, LEFT),
        (last.start_s, Anchor::End, W - RIGHT),
    ] {
        f.shapes.push(text(
            (x, H - BOTTOM + 16.0),
            13.0,
            anchor,
            INK,
            format!("minute {:.0}", t / 60.0),
        ));
    }
    f
}
