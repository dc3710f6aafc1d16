//! What a gait analysis needs from the person and what it shows them, written once for the
//! command line and the web app: the sensor's height from body height, the bounds of both, and
//! how many walking bouts a result lists.

/// A sensor worn at the lower back sits at about this share of body height (the pelvis height
/// used by the inverted-pendulum step length; docs/gait.md).
pub const SENSOR_HEIGHT_PER_BODY_HEIGHT: f64 = 0.53;

/// Body heights accepted, in centimetres.
pub const BODY_HEIGHT_CM: std::ops::RangeInclusive<f64> = 100.0..=230.0;

/// Sensor heights accepted when given directly, in metres.
pub const SENSOR_HEIGHT_M: std::ops::RangeInclusive<f64> = 0.4..=1.5;

/// Bouts listed on a result (the longest first; all of them are in the JSON document).
pub const SHOWN_BOUTS: usize = 12;

/// A body height or sensor height outside its bounds, naming the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct HeightError {
    pub field: String,
    pub message: String,
}

/// A number echoed in a message: scientific when very large or small (as `words::number`;
/// this module imports nothing of the core).
fn short(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The sensor's height in metres for a body height in centimetres (checked).
pub fn sensor_height_from_body(field: &str, height_cm: f64) -> Result<f64, HeightError> {
    if height_cm.is_finite() && BODY_HEIGHT_CM.contains(&height_cm) {
        Ok(SENSOR_HEIGHT_PER_BODY_HEIGHT * height_cm / 100.0)
    } else {
        Err(HeightError {
            field: field.into(),
            message: format!(
                "your height in centimetres, {:.0} to {:.0} (stride length needs it), found {}",
                BODY_HEIGHT_CM.start(),
                BODY_HEIGHT_CM.end(),
                short(height_cm)
            ),
        })
    }
}

/// A body height in centimetres from text (a form field).
pub fn parse_body_height(field: &str, text: &str) -> Result<f64, HeightError> {
    match text.trim().parse::<f64>() {
        Ok(h) if h.is_finite() && BODY_HEIGHT_CM.contains(&h) => Ok(h),
        _ => Err(HeightError {
            field: field.into(),
            message: format!(
                "your height in centimetres, {:.0} to {:.0} (stride length needs it)",
                BODY_HEIGHT_CM.start(),
                BODY_HEIGHT_CM.end()
            ),
        }),
    }
}

/// A sensor height given directly, in metres (checked).
pub fn check_sensor_height(field: &str, metres: f64) -> Result<f64, HeightError> {
    if metres.is_finite() && SENSOR_HEIGHT_M.contains(&metres) {
        Ok(metres)
    } else {
        Err(HeightError {
            field: field.into(),
            message: format!(
                "expected {} to {} m, found {}",
                SENSOR_HEIGHT_M.start(),
                SENSOR_HEIGHT_M.end(),
                short(metres)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_are_bounded_and_named() {
        assert_eq!(sensor_height_from_body("h", 100.0), Ok(0.53));
        assert!(sensor_height_from_body("h", 99.0).is_err());
        assert!(sensor_height_from_body("h", f64::NAN).is_err());
        assert_eq!(parse_body_height("height_cm", " 170 "), Ok(170.0));
        let e = parse_body_height("height_cm", "2000").err();
        assert_eq!(e.map(|e| e.field), Some("height_cm".to_string()));
        assert_eq!(check_sensor_height("--sensor-height-m", 0.9), Ok(0.9));
        let e = check_sensor_height("--sensor-height-m", 2.0).err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("--sensor-height-m: expected 0.4 to 1.5 m, found 2".to_string())
        );
    }
}
