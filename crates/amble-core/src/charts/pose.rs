//! The picture of an exercise: its start and end positions side by side, drawn from the pose
//! in the content as thick lines, the far (or left) limbs lighter, the start position as a
//! faint shadow behind the end one. The same [`Figure`] becomes SVG on the web and paths in
//! the PDF.

use super::figure::{Anchor, Figure, Pen, Shape};
use crate::knowledge::Exercise;
use crate::pose::{HEAD_RADIUS, Point, Pose, Skeleton, View, bones};

const PANEL_W: f64 = 170.0;
const GAP: f64 = 16.0;
const W: f64 = PANEL_W * 2.0 + GAP;
/// Room above the figure for the panel's label, and the tallest a figure is drawn.
const TOP: f64 = 26.0;
const TALLEST: f64 = 110.0;
const MARGIN: f64 = 8.0;
const SCALE: f64 = 1.4;
const STROKE: f64 = 7.0;

const NEAR: &str = "#1d2939";
const FAR: &str = "#667085";
const SHADOW: &str = "#d0d5dd";
const FLOOR: &str = "#98a2b3";
const LABEL: &str = "#344054";

fn is_other(p: Point) -> bool {
    matches!(
        p,
        Point::OtherShoulder
            | Point::OtherElbow
            | Point::OtherHand
            | Point::OtherHip
            | Point::OtherKnee
            | Point::OtherHeel
            | Point::OtherToe
    )
}

/// The lines and joints of one skeleton, placed by `to` (figure units to the picture).
fn body(
    s: &Skeleton,
    to: &dyn Fn((f64, f64)) -> (f64, f64),
    scale: f64,
    colours: (&'static str, &'static str),
) -> Vec<Shape> {
    let mut far = Vec::new();
    let mut near = Vec::new();
    for (a, b, len) in bones(s.view) {
        if len == 0.0 {
            continue;
        }
        let colour = if is_other(b) { colours.1 } else { colours.0 };
        let out = if is_other(b) && s.view == View::Side {
            &mut far
        } else {
            &mut near
        };
        let (from, end) = if b == Point::Head {
            // The neck stops at the head's circle.
            let n = s.at(a);
            let h = s.at(b);
            let f = 1.0 - HEAD_RADIUS / (crate::pose::NECK + HEAD_RADIUS);
            (n, (n.0 + (h.0 - n.0) * f, n.1 + (h.1 - n.1) * f))
        } else {
            (s.at(a), s.at(b))
        };
        out.push(Shape::Line {
            from: to(from),
            to: to(end),
            pen: Pen::solid(colour, STROKE),
            tip: None,
        });
        // Round joints (and ends) so the thick lines meet cleanly.
        for p in [from, end] {
            out.push(Shape::Dot {
                at: to(p),
                r: STROKE / 2.0,
                fill: colour,
                tip: None,
            });
        }
    }
    far.append(&mut near);
    far.push(Shape::Dot {
        at: to(s.at(Point::Head)),
        r: HEAD_RADIUS * scale + 1.5,
        fill: colours.0,
        tip: None,
    });
    far
}

/// The picture of an exercise; its SVG ids (`pose-<exercise>`) are unique on a page.
pub fn exercise(e: &Exercise, pose: &Pose) -> Figure {
    let start = Skeleton::of(pose.view, &pose.start);
    let end = Skeleton::of(pose.view, &pose.end);
    let (mut lo_x, mut hi_x, mut hi_y) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
    for s in [&start, &end] {
        for (i, p) in s.points.iter().enumerate() {
            let r = if i == Point::Head as usize {
                HEAD_RADIUS
            } else {
                0.0
            };
            lo_x = lo_x.min(p.0 - r);
            hi_x = hi_x.max(p.0 + r);
            hi_y = hi_y.max(p.1 + r);
        }
    }
    // As large as the panel's width allows, no taller than `TALLEST`; the picture is as tall as
    // its taller position needs.
    let scale = SCALE
        .min((PANEL_W - 2.0 * MARGIN) / (hi_x - lo_x).max(1.0))
        .min(TALLEST / hi_y.max(1.0));
    let floor_y = (TOP + hi_y * scale).ceil();
    let h = floor_y + 10.0;
    let centre = (lo_x + hi_x) / 2.0;
    let place = |panel: f64| {
        let left = panel * (PANEL_W + GAP);
        move |p: (f64, f64)| {
            (
                left + PANEL_W / 2.0 + (p.0 - centre) * scale,
                floor_y - p.1 * scale,
            )
        }
    };
    let mut f = Figure {
        id: format!("pose-{}", e.id),
        width: W,
        height: h,
        title: format!("{}: start and end positions", e.name),
        desc: e.cues.join(" "),
        shapes: Vec::new(),
    };
    for (panel, label) in [(0.0, "Start"), (1.0, "End")] {
        let left = panel * (PANEL_W + GAP);
        f.shapes.push(Shape::Line {
            from: (left + 2.0, floor_y + STROKE / 2.0 + 1.0),
            to: (left + PANEL_W - 2.0, floor_y + STROKE / 2.0 + 1.0),
            pen: Pen::solid(FLOOR, 2.0),
            tip: None,
        });
        f.shapes.push(Shape::Text {
            at: (left + 4.0, 15.0),
            size: 14.0,
            anchor: Anchor::Start,
            fill: LABEL,
            turned: false,
            text: label.into(),
        });
    }
    let far = if pose.view == View::Side { FAR } else { NEAR };
    f.shapes.push(Shape::Group {
        class: "pose-start",
        shapes: body(&start, &place(0.0), scale, (NEAR, far)),
    });
    f.shapes.push(Shape::Group {
        class: "pose-shadow",
        shapes: body(&start, &place(1.0), scale, (SHADOW, SHADOW)),
    });
    f.shapes.push(Shape::Group {
        class: "pose-end",
        shapes: body(&end, &place(1.0), scale, (NEAR, far)),
    });
    f
}
