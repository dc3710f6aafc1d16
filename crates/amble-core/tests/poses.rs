//! The exercise pictures: every exercise has a pose; its figure keeps its proportions, stands
//! with its feet on the floor, bends only within anatomical ranges; broken poses are refused at
//! start-up.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use amble_core::charts::pose::exercise;
use amble_core::knowledge::{ContentFile, EMBEDDED, KnowledgeBase, KnowledgeError};
use amble_core::pose::{
    FLOOR_TOLERANCE, Keyframe, POINTS, Point, Pose, Skeleton, View, bones, range,
};
use proptest::prelude::*;

fn kb() -> KnowledgeBase {
    KnowledgeBase::embedded().unwrap()
}

/// Every (exercise id, view, which keyframe, keyframe).
fn keyframes(kb: &KnowledgeBase) -> Vec<(String, View, &'static str, Keyframe)> {
    let mut out = Vec::new();
    for e in &kb.exercises {
        let p = e.pose.as_ref().unwrap();
        out.push((e.id.clone(), p.view, "start", p.start.clone()));
        out.push((e.id.clone(), p.view, "end", p.end.clone()));
    }
    out
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

#[test]
fn every_exercise_has_a_pose() {
    let kb = kb();
    assert!(kb.exercises.len() >= 17);
    for e in &kb.exercises {
        let p = e
            .pose
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no pose", e.id));
        p.check().unwrap_or_else(|m| panic!("{}: {m}", e.id));
        assert_ne!(p.start, p.end, "{}: the end differs from the start", e.id);
    }
}

#[test]
fn segment_lengths_are_constant() {
    for (id, view, which, k) in keyframes(&kb()) {
        let s = Skeleton::of(view, &k);
        for (a, b, len) in bones(view) {
            let d = dist(s.at(a), s.at(b));
            assert!(
                (d - len).abs() < 1e-9,
                "{id} {which}: {a:?}-{b:?} is {d}, not {len}"
            );
        }
    }
}

#[test]
fn joints_stay_inside_anatomical_ranges() {
    for (id, view, which, k) in keyframes(&kb()) {
        for (joint, v) in k.angles() {
            let (lo, hi) = range(view, joint);
            assert!(
                (lo..=hi).contains(&v),
                "{id} {which}: {joint} {v} outside {lo}..{hi}"
            );
        }
    }
}

fn is_foot(p: Point) -> bool {
    matches!(
        p,
        Point::Heel | Point::Toe | Point::OtherHeel | Point::OtherToe
    )
}

#[test]
fn feet_are_on_the_floor_where_standing_and_nothing_is_below_it() {
    let mut standing = 0;
    for (id, view, which, k) in keyframes(&kb()) {
        let s = Skeleton::of(view, &k);
        // Nothing under the floor; something on it.
        let lowest = POINTS
            .iter()
            .filter(|p| **p != Point::Head)
            .map(|p| s.at(*p).1)
            .fold(f64::INFINITY, f64::min);
        assert!(lowest >= -1e-9, "{id} {which}: below the floor");
        for p in &k.floor {
            assert!(
                s.at(*p).1 <= FLOOR_TOLERANCE,
                "{id} {which}: {p:?} is off the floor"
            );
        }
        // Standing: the pelvis above both knees and the body upright.
        let pelvis = s.at(Point::Pelvis).1;
        let upright = k.trunk.abs() < 45.0
            && pelvis > s.at(Point::Knee).1
            && pelvis > s.at(Point::OtherKnee).1;
        if upright && k.floor.iter().all(|p| is_foot(*p)) {
            standing += 1;
            let feet = [Point::Heel, Point::Toe, Point::OtherHeel, Point::OtherToe]
                .iter()
                .map(|p| s.at(*p).1)
                .fold(f64::INFINITY, f64::min);
            assert!(
                feet <= 1e-9,
                "{id} {which}: standing, the lowest point is a foot"
            );
            assert!(
                k.floor
                    .iter()
                    .any(|p| matches!(p, Point::Heel | Point::Toe))
                    || k.floor
                        .iter()
                        .any(|p| matches!(p, Point::OtherHeel | Point::OtherToe)),
                "{id} {which}: standing on a foot"
            );
        }
        if pelvis > 40.0 {
            assert!(
                k.floor.iter().all(|p| is_foot(*p)
                    || *p == Point::Knee
                    || *p == Point::OtherKnee
                    || *p == Point::OtherToe),
                "{id} {which}: the pelvis is high, so only feet or a knee rest on the floor"
            );
            assert!(
                k.floor.iter().any(|p| is_foot(*p)),
                "{id} {which}: standing on the feet"
            );
        }
    }
    assert!(
        standing >= 5,
        "the standing exercises are covered: {standing}"
    );
}

#[test]
fn the_figure_is_an_accessible_picture_with_both_positions() {
    let kb = kb();
    let mut ids = std::collections::BTreeSet::new();
    for e in &kb.exercises {
        let f = exercise(e, e.pose.as_ref().unwrap());
        assert!(ids.insert(f.id.clone()), "unique ids");
        let svg = f.to_svg();
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(&format!(r#"aria-labelledby="pose-{0}-t pose-{0}-d""#, e.id)));
        assert!(f.title.contains(&e.name), "{}", f.title);
        assert!(f.desc.contains(&e.cues[0]));
        for class in ["pose-start", "pose-shadow", "pose-end"] {
            assert!(svg.contains(&format!(r#"<g class="{class}">"#)), "{class}");
        }
        assert!(svg.contains(">Start</text>") && svg.contains(">End</text>"));
        assert!(svg.contains(r#"stroke-width="7""#), "thick strokes");
        // Everything inside the picture's box.
        for cap in svg.split(" cx=\"").skip(1) {
            let x: f64 = cap.split('"').next().unwrap().parse().unwrap();
            assert!((0.0..=f.width).contains(&x), "{}: x {x}", e.id);
        }
        for cap in svg.split(" cy=\"").skip(1) {
            let y: f64 = cap.split('"').next().unwrap().parse().unwrap();
            assert!((0.0..=f.height).contains(&y), "{}: y {y}", e.id);
        }
    }
}

fn with_change(from: &str, to: &str) -> Result<KnowledgeBase, KnowledgeError> {
    let texts: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|f| {
            let text = if f.name.ends_with("exercises.toml") {
                assert!(f.text.contains(from), "exercises.toml contains {from:?}");
                f.text.replacen(from, to, 1)
            } else {
                f.text.to_string()
            };
            (f.name.to_string(), text)
        })
        .collect();
    let files: Vec<ContentFile<'_>> = texts
        .iter()
        .map(|(n, t)| ContentFile { name: n, text: t })
        .collect();
    KnowledgeBase::load(&files)
}

#[test]
fn broken_poses_are_refused_at_start_up() {
    let plank_end = r#"end = { trunk = 72, neck = -10, shoulder = 72, elbow = 90, knee = 90, floor = ["elbow", "hand", "knee"] }"#;
    for (to, needle) in [
        (
            plank_end.replace("knee = 90,", "knee = 170,"),
            "knee is 170 degrees, outside 0 to 150",
        ),
        (
            plank_end.replace("trunk = 72", "trunk = 40"),
            "should rest on the floor",
        ),
        (
            plank_end.replace(r#"floor = ["elbow", "hand", "knee"]"#, "floor = []"),
            "name the points",
        ),
        (plank_end.replace("neck = -10", "nose = 3"), "unknown field"),
    ] {
        let e = with_change(plank_end, &to).unwrap_err().to_string();
        assert!(e.contains(needle), "{e}");
        assert!(e.contains("exercises.toml"), "{e}");
    }
    let pose = "  [exercise.pose]\n  view = \"side\"\n  start = { trunk = 58,";
    let e = with_change(pose, "  [exercise.extra]\n  start = { trunk = 58,")
        .unwrap_err()
        .to_string();
    assert!(e.contains("exercises.toml"), "{e}");
}

#[test]
fn a_missing_pose_is_refused() {
    let texts: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|f| {
            let text = if f.name.ends_with("exercises.toml") {
                let i = f.text.find("  [exercise.pose]").unwrap();
                let j = i + f.text[i..].find("\n\n").unwrap();
                format!("{}{}", &f.text[..i], &f.text[j + 1..])
            } else {
                f.text.to_string()
            };
            (f.name.to_string(), text)
        })
        .collect();
    let files: Vec<ContentFile<'_>> = texts
        .iter()
        .map(|(n, t)| ContentFile { name: n, text: t })
        .collect();
    let e = KnowledgeBase::load(&files).unwrap_err().to_string();
    assert!(
        e.contains("exercise front_plank") && e.contains("no picture"),
        "{e}"
    );
}

fn angle(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (0u32..=100).prop_map(move |i| lo + (hi - lo) * f64::from(i) / 100.0)
}

fn keyframe(view: View) -> impl Strategy<Value = Keyframe> {
    let r = move |j: &str| {
        let (lo, hi) = range(view, j);
        angle(lo, hi)
    };
    (
        (r("trunk"), r("spine"), r("neck"), r("shoulder"), r("elbow")),
        (r("hip"), r("knee"), r("ankle")),
        (r("shoulder"), r("elbow"), r("hip"), r("knee"), r("ankle")),
    )
        .prop_map(
            |((trunk, spine, neck, shoulder, elbow), (hip, knee, ankle), o)| Keyframe {
                trunk,
                spine,
                neck,
                shoulder,
                elbow,
                hip,
                knee,
                ankle,
                other_shoulder: Some(o.0),
                other_elbow: Some(o.1),
                other_hip: Some(o.2),
                other_knee: Some(o.3),
                other_ankle: Some(o.4),
                floor: vec![Point::Pelvis],
            },
        )
}

proptest! {
    // No failure files in the tree (a case found would become a test of its own).
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]
    /// Any angles in range: the bones keep their lengths and the figure rests on the floor.
    #[test]
    fn any_pose_in_range_keeps_its_proportions(
        side in keyframe(View::Side),
        front in keyframe(View::Front),
    ) {
        for (view, k) in [(View::Side, side), (View::Front, front)] {
            let s = Skeleton::of(view, &k);
            for (a, b, len) in bones(view) {
                prop_assert!((dist(s.at(a), s.at(b)) - len).abs() < 1e-9);
            }
            let lowest = POINTS
                .iter()
                .map(|p| s.at(*p).1 - if *p == Point::Head { amble_core::pose::HEAD_RADIUS } else { 0.0 })
                .fold(f64::INFINITY, f64::min);
            prop_assert!(lowest.abs() < 1e-9);
            let pose = Pose { view, start: k.clone(), end: k };
            prop_assert!(pose.check().is_ok() || pose.check().unwrap_err().contains("floor"));
        }
    }
}
