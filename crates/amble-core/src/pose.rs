//! The picture of an exercise as data: a stick figure with fixed segment lengths, seen from the
//! side or the front, in a start and an end position given as a few joint angles
//! (`[exercise.pose]` in `content/exercises.toml`). Pure geometry: [`Skeleton::of`] places the
//! joints, `charts::pose` draws them as a [`crate::charts::Figure`].

use serde::Deserialize;

/// Where the figure is seen from. Side: facing right, `other_` limbs are the far ones. Front:
/// facing the viewer, the plain limbs are the person's right (on the left of the picture) and
/// `other_` limbs the person's left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Side,
    Front,
}

/// A named point of the figure, as used in a keyframe's `floor` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Point {
    Pelvis,
    Waist,
    Neck,
    Head,
    Shoulder,
    Elbow,
    Hand,
    Hip,
    Knee,
    Heel,
    Toe,
    OtherShoulder,
    OtherElbow,
    OtherHand,
    OtherHip,
    OtherKnee,
    OtherHeel,
    OtherToe,
}

pub const POINTS: [Point; 18] = [
    Point::Pelvis,
    Point::Waist,
    Point::Neck,
    Point::Head,
    Point::Shoulder,
    Point::Elbow,
    Point::Hand,
    Point::Hip,
    Point::Knee,
    Point::Heel,
    Point::Toe,
    Point::OtherShoulder,
    Point::OtherElbow,
    Point::OtherHand,
    Point::OtherHip,
    Point::OtherKnee,
    Point::OtherHeel,
    Point::OtherToe,
];

/// One position: joint angles in degrees (all 0: standing straight, arms hanging) and the
/// points that rest on the floor. `other_*` angles default to the plain ones.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keyframe {
    #[serde(default)]
    pub trunk: f64,
    #[serde(default)]
    pub spine: f64,
    #[serde(default)]
    pub neck: f64,
    #[serde(default)]
    pub shoulder: f64,
    #[serde(default)]
    pub elbow: f64,
    #[serde(default)]
    pub hip: f64,
    #[serde(default)]
    pub knee: f64,
    #[serde(default)]
    pub ankle: f64,
    #[serde(default)]
    pub other_shoulder: Option<f64>,
    #[serde(default)]
    pub other_elbow: Option<f64>,
    #[serde(default)]
    pub other_hip: Option<f64>,
    #[serde(default)]
    pub other_knee: Option<f64>,
    #[serde(default)]
    pub other_ankle: Option<f64>,
    pub floor: Vec<Point>,
}

/// The picture of one exercise.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pose {
    pub view: View,
    pub start: Keyframe,
    pub end: Keyframe,
}

/// Segment lengths, in hundredths of the standing height.
pub const LOWER_TRUNK: f64 = 14.0;
pub const UPPER_TRUNK: f64 = 16.0;
pub const NECK: f64 = 4.0;
pub const HEAD_RADIUS: f64 = 6.5;
pub const UPPER_ARM: f64 = 17.0;
pub const FOREARM: f64 = 16.0;
pub const THIGH: f64 = 24.5;
pub const SHIN: f64 = 28.5;
pub const FOOT_SIDE: f64 = 13.0;
pub const FOOT_FRONT: f64 = 6.0;
pub const HALF_PELVIS: f64 = 6.0;
pub const HALF_SHOULDERS: f64 = 11.0;

/// How far (in hundredths of the height) a point listed in `floor` may be from the floor.
pub const FLOOR_TOLERANCE: f64 = 3.5;

/// The angles of a keyframe, in the order of [`JOINTS`].
pub const JOINTS: [&str; 13] = [
    "trunk",
    "spine",
    "neck",
    "shoulder",
    "elbow",
    "hip",
    "knee",
    "ankle",
    "other_shoulder",
    "other_elbow",
    "other_hip",
    "other_knee",
    "other_ankle",
];

/// The allowed range of a joint's angle in degrees in a view (anatomical ranges of movement;
/// the trunk's angle is the figure's tilt, any direction).
pub fn range(view: View, joint: &str) -> (f64, f64) {
    let joint = joint.strip_prefix("other_").unwrap_or(joint);
    match (view, joint) {
        (_, "trunk") => (-180.0, 180.0),
        (View::Side, "spine") => (-30.0, 45.0),
        (View::Front, "spine") => (-40.0, 40.0),
        (View::Side, "neck") => (-45.0, 60.0),
        (View::Front, "neck") => (-45.0, 45.0),
        (View::Side, "shoulder") => (-60.0, 180.0),
        (View::Front, "shoulder") => (0.0, 180.0),
        (_, "elbow") => (0.0, 150.0),
        (View::Side, "hip") => (-30.0, 140.0),
        (View::Front, "hip") => (-30.0, 50.0),
        (_, "knee") => (0.0, 150.0),
        (View::Side, "ankle") => (-60.0, 40.0),
        // A foot seen from the front has no visible ankle angle.
        _ => (0.0, 0.0),
    }
}

impl Keyframe {
    /// The angles by name, in the order of [`JOINTS`] (the `other_` ones resolved).
    pub fn angles(&self) -> [(&'static str, f64); 13] {
        [
            ("trunk", self.trunk),
            ("spine", self.spine),
            ("neck", self.neck),
            ("shoulder", self.shoulder),
            ("elbow", self.elbow),
            ("hip", self.hip),
            ("knee", self.knee),
            ("ankle", self.ankle),
            (
                "other_shoulder",
                self.other_shoulder.unwrap_or(self.shoulder),
            ),
            ("other_elbow", self.other_elbow.unwrap_or(self.elbow)),
            ("other_hip", self.other_hip.unwrap_or(self.hip)),
            ("other_knee", self.other_knee.unwrap_or(self.knee)),
            ("other_ankle", self.other_ankle.unwrap_or(self.ankle)),
        ]
    }
}

/// The placed joints of one keyframe: y grows upwards and the lowest point of the figure (the
/// head's circle included) is on the floor at y = 0; the pelvis is at x = 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Skeleton {
    pub view: View,
    pub points: [(f64, f64); 18],
}

/// The bones as pairs of points, with their fixed lengths in a view.
pub fn bones(view: View) -> Vec<(Point, Point, f64)> {
    use Point::*;
    let (foot, pelvis, shoulders) = match view {
        View::Side => (FOOT_SIDE, 0.0, 0.0),
        View::Front => (FOOT_FRONT, HALF_PELVIS, HALF_SHOULDERS),
    };
    vec![
        (Pelvis, Waist, LOWER_TRUNK),
        (Waist, Neck, UPPER_TRUNK),
        (Neck, Head, NECK + HEAD_RADIUS),
        (Neck, Shoulder, shoulders),
        (Shoulder, Elbow, UPPER_ARM),
        (Elbow, Hand, FOREARM),
        (Neck, OtherShoulder, shoulders),
        (OtherShoulder, OtherElbow, UPPER_ARM),
        (OtherElbow, OtherHand, FOREARM),
        (Pelvis, Hip, pelvis),
        (Hip, Knee, THIGH),
        (Knee, Heel, SHIN),
        (Heel, Toe, foot),
        (Pelvis, OtherHip, pelvis),
        (OtherHip, OtherKnee, THIGH),
        (OtherKnee, OtherHeel, SHIN),
        (OtherHeel, OtherToe, foot),
    ]
}

/// The direction `deg` degrees from straight up, turning towards the front (side view) or the
/// person's left (front view).
fn towards(from: (f64, f64), len: f64, deg: f64) -> (f64, f64) {
    let r = deg.to_radians();
    (from.0 + len * r.sin(), from.1 + len * r.cos())
}

impl Skeleton {
    pub fn of(view: View, k: &Keyframe) -> Skeleton {
        let a = k.angles();
        let get = |i: usize| a[i].1;
        let t = k.trunk;
        let pelvis = (0.0, 0.0);
        let waist = towards(pelvis, LOWER_TRUNK, t);
        let upper = t + k.spine;
        let neck = towards(waist, UPPER_TRUNK, upper);
        let head = towards(neck, NECK + HEAD_RADIUS, upper + k.neck);
        let mut points = [(0.0, 0.0); 18];
        points[0] = pelvis;
        points[1] = waist;
        points[2] = neck;
        points[3] = head;
        // (first index of the limb's points, its angles' offset in `a`, side sign)
        for (first, off, sign) in [(4usize, 3usize, -1.0f64), (11, 8, 1.0)] {
            let (shoulder, elbow, hip, knee, ankle) = if off == 3 {
                (get(3), get(4), get(5), get(6), get(7))
            } else {
                (get(8), get(9), get(10), get(11), get(12))
            };
            let (sh, hp, arm, fore, thigh, shin, foot, foot_len) = match view {
                View::Side => {
                    let arm = upper + 180.0 - shoulder;
                    let thigh = t + 180.0 - hip;
                    let shin = thigh + knee;
                    (
                        neck,
                        pelvis,
                        arm,
                        arm - elbow,
                        thigh,
                        shin,
                        shin - 90.0 - ankle,
                        FOOT_SIDE,
                    )
                }
                View::Front => {
                    let sh = towards(neck, HALF_SHOULDERS, upper + 90.0 * sign);
                    let hp = towards(pelvis, HALF_PELVIS, t + 90.0 * sign);
                    let arm = upper + 180.0 - sign * shoulder;
                    let thigh = t + 180.0 - sign * hip;
                    let shin = thigh + sign * knee;
                    (
                        sh,
                        hp,
                        arm,
                        arm + sign * elbow,
                        thigh,
                        shin,
                        shin - sign * 90.0,
                        FOOT_FRONT,
                    )
                }
            };
            let e = towards(sh, UPPER_ARM, arm);
            let h = towards(e, FOREARM, fore);
            let kn = towards(hp, THIGH, thigh);
            let he = towards(kn, SHIN, shin);
            let to = towards(he, foot_len, foot);
            points[first..first + 7].copy_from_slice(&[sh, e, h, hp, kn, he, to]);
        }
        let lowest = points
            .iter()
            .enumerate()
            .map(|(i, p)| if i == 3 { p.1 - HEAD_RADIUS } else { p.1 })
            .fold(f64::INFINITY, f64::min);
        for p in &mut points {
            p.1 -= lowest;
        }
        Skeleton { view, points }
    }

    pub fn at(&self, p: Point) -> (f64, f64) {
        self.points[p as usize]
    }
}

impl Pose {
    /// Every angle inside its range and every `floor` point on the floor, or what is wrong in
    /// words.
    pub fn check(&self) -> Result<(), String> {
        for (which, k) in [("start", &self.start), ("end", &self.end)] {
            for (joint, v) in k.angles() {
                let (lo, hi) = range(self.view, joint);
                if !v.is_finite() || v < lo || v > hi {
                    return Err(format!(
                        "{which}: {joint} is {v} degrees, outside {lo} to {hi} for this view"
                    ));
                }
            }
            if k.floor.is_empty() {
                return Err(format!("{which}: name the points that rest on the floor"));
            }
            let s = Skeleton::of(self.view, k);
            for p in &k.floor {
                let y = s.at(*p).1;
                if y > FLOOR_TOLERANCE {
                    let name = format!("{p:?}")
                        .chars()
                        .flat_map(|c| {
                            let lower = c.to_ascii_lowercase();
                            if c.is_ascii_uppercase() {
                                vec!['_', lower]
                            } else {
                                vec![c]
                            }
                        })
                        .skip(1)
                        .collect::<String>();
                    return Err(format!(
                        "{which}: the {name} should rest on the floor but is {y:.1} above it"
                    ));
                }
            }
        }
        Ok(())
    }
}
