//! Scoring of validated questionnaires from item scores only (clinical brief §3). Item wording
//! is licensed and stays out of Amble (§3.8); the arithmetic here is generic.

use serde::Serialize;

use crate::answers::InstrumentItems;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartBackRisk {
    Low,
    Medium,
    High,
}

/// Keele STarT Back: items 1-8 agree = 1; item 9 "very much" (3) or "extremely" (4) = 1.
/// Total = items 1-9; psychosocial subscale = items 5-9. Low if total <= 3; high if
/// subscale >= 4; otherwise medium (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StartBack {
    pub total: u8,
    pub psychosocial: u8,
    pub risk: StartBackRisk,
}

pub fn score_startback(items: &[i64]) -> Option<StartBack> {
    if items.len() != 9 {
        return None;
    }
    let binary: Vec<u8> = items
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if i == 8 {
                u8::from(v >= 3)
            } else {
                u8::from(v >= 1)
            }
        })
        .collect();
    let total: u8 = binary.iter().sum();
    let psychosocial: u8 = binary[4..].iter().sum();
    let risk = if total <= 3 {
        StartBackRisk::Low
    } else if psychosocial >= 4 {
        StartBackRisk::High
    } else {
        StartBackRisk::Medium
    };
    Some(StartBack {
        total,
        psychosocial,
        risk,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OdiBand {
    Minimal,
    Moderate,
    Severe,
    VerySevere,
    Extreme,
}

/// Oswestry Disability Index: percent of the answered maximum, rounded to a whole percent;
/// not scored (`None`) with fewer than 8 answered sections (§3.2, our documented rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Odi {
    pub percent: Option<u8>,
    pub answered: u8,
    pub band: Option<OdiBand>,
}

pub const ODI_MIN_ANSWERED: u8 = 8;

pub fn score_odi(items: &[Option<i64>]) -> Odi {
    let answered: Vec<i64> = items.iter().flatten().copied().collect();
    let n = u8::try_from(answered.len()).unwrap_or(u8::MAX);
    if n < ODI_MIN_ANSWERED {
        return Odi {
            percent: None,
            answered: n,
            band: None,
        };
    }
    let sum: i64 = answered.iter().sum();
    // Round half up on exact integers: percent = round(100 * sum / (5 n)).
    let denom = 5 * i64::from(n);
    let percent = ((200 * sum + denom) / (2 * denom)).clamp(0, 100);
    let percent = u8::try_from(percent).unwrap_or(100);
    Odi {
        percent: Some(percent),
        answered: n,
        band: Some(odi_band(percent)),
    }
}

pub fn odi_band(percent: u8) -> OdiBand {
    match percent {
        0..=20 => OdiBand::Minimal,
        21..=40 => OdiBand::Moderate,
        41..=60 => OdiBand::Severe,
        61..=80 => OdiBand::VerySevere,
        _ => OdiBand::Extreme,
    }
}

/// Roland-Morris: the number of ticked statements, 0-24 (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rmdq {
    pub score: u8,
}

pub fn score_rmdq(items: &[i64]) -> Rmdq {
    let score = items.iter().filter(|&&v| v == 1).count();
    Rmdq {
        score: u8::try_from(score).unwrap_or(u8::MAX),
    }
}

/// Patient-Specific Functional Scale: mean of the activity scores, 0-10 (§3.5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Psfs {
    pub mean: f64,
}

pub fn score_psfs(scores: &[i64]) -> Option<Psfs> {
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().sum::<i64>() as f64 / scores.len() as f64;
    Some(Psfs {
        mean: (mean * 100.0).round() / 100.0,
    })
}

/// The PEG (brief §3.9): the mean of its three 0-10 items, higher is worse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Peg {
    pub score: f64,
}

pub fn score_peg(items: &[i64]) -> Option<Peg> {
    if items.len() != 3 {
        return None;
    }
    let mean = items.iter().sum::<i64>() as f64 / 3.0;
    Some(Peg {
        score: (mean * 100.0).round() / 100.0,
    })
}

/// The instrument block of `amble.assessment/1`: a key appears only when its items were given.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InstrumentScores {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startback: Option<StartBack>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub odi: Option<Odi>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rmdq: Option<Rmdq>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psfs: Option<Psfs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peg: Option<Peg>,
}

pub fn score_all(items: &InstrumentItems) -> InstrumentScores {
    InstrumentScores {
        startback: items.startback.as_deref().and_then(score_startback),
        odi: items.odi.as_deref().map(score_odi),
        rmdq: items.rmdq.as_deref().map(score_rmdq),
        psfs: items
            .psfs
            .as_ref()
            .and_then(|p| score_psfs(&p.iter().map(|i| i.score).collect::<Vec<_>>())),
        peg: items.peg.as_deref().and_then(score_peg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peg_is_the_mean_of_three_items() {
        assert_eq!(score_peg(&[5, 4, 6]).map(|p| p.score), Some(5.0));
        assert_eq!(score_peg(&[7, 6, 6]).map(|p| p.score), Some(6.33));
        assert_eq!(score_peg(&[1, 2]), None);
    }

    #[test]
    fn startback_cut_offs() {
        // total 3 -> low even with psychosocial items
        assert_eq!(
            score_startback(&[0, 0, 0, 0, 1, 1, 1, 0, 0]).map(|s| s.risk),
            Some(StartBackRisk::Low)
        );
        // total 4, subscale 3 -> medium
        let s = score_startback(&[1, 0, 0, 0, 1, 1, 1, 0, 0]);
        assert_eq!(
            s,
            Some(StartBack {
                total: 4,
                psychosocial: 3,
                risk: StartBackRisk::Medium
            })
        );
        // subscale 4 -> high
        let s = score_startback(&[0, 0, 0, 0, 1, 1, 1, 1, 0]);
        assert_eq!(
            s.map(|s| (s.total, s.psychosocial, s.risk)),
            Some((4, 4, StartBackRisk::High))
        );
        // item 9: 2 (moderately) counts 0, 3 (very much) counts 1
        assert_eq!(
            score_startback(&[0, 0, 0, 0, 0, 0, 0, 0, 2]).map(|s| s.total),
            Some(0)
        );
        assert_eq!(
            score_startback(&[0, 0, 0, 0, 0, 0, 0, 0, 3]).map(|s| s.psychosocial),
            Some(1)
        );
        assert_eq!(
            score_startback(&[1; 9]).map(|s| (s.total, s.risk)),
            Some((8, StartBackRisk::High))
        );
        assert_eq!(score_startback(&[0; 8]), None);
    }

    #[test]
    fn odi_full_missing_and_unscorable() {
        let all = score_odi(&[Some(2); 10]);
        assert_eq!(
            all,
            Odi {
                percent: Some(40),
                answered: 10,
                band: Some(OdiBand::Moderate)
            }
        );
        // 16 of 45 -> 35.6 -> 36 %
        let nine = score_odi(&[
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(0),
            None,
        ]);
        assert_eq!(nine.percent, Some(36));
        assert_eq!(nine.answered, 9);
        let seven = score_odi(&[
            Some(5),
            Some(5),
            Some(5),
            Some(5),
            Some(5),
            Some(5),
            Some(5),
            None,
            None,
            None,
        ]);
        assert_eq!(
            seven,
            Odi {
                percent: None,
                answered: 7,
                band: None
            }
        );
        assert_eq!(score_odi(&[Some(5); 10]).band, Some(OdiBand::Extreme));
        assert_eq!(score_odi(&[Some(0); 10]).percent, Some(0));
    }

    #[test]
    fn odi_band_edges() {
        assert_eq!(odi_band(20), OdiBand::Minimal);
        assert_eq!(odi_band(21), OdiBand::Moderate);
        assert_eq!(odi_band(40), OdiBand::Moderate);
        assert_eq!(odi_band(41), OdiBand::Severe);
        assert_eq!(odi_band(60), OdiBand::Severe);
        assert_eq!(odi_band(61), OdiBand::VerySevere);
        assert_eq!(odi_band(80), OdiBand::VerySevere);
        assert_eq!(odi_band(81), OdiBand::Extreme);
    }

    #[test]
    fn odi_rounds_half_up() {
        // 9 answered, sum 9 -> 20.0 %; sum 19 of 45 -> 42.2 -> 42; 8 answered sum 15 of 40 -> 37.5 -> 38
        let eight = [
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(1),
            None,
            None,
        ];
        assert_eq!(score_odi(&eight).percent, Some(38));
    }

    #[test]
    fn rmdq_and_psfs() {
        let mut items = vec![0; 24];
        items[0] = 1;
        items[23] = 1;
        assert_eq!(score_rmdq(&items).score, 2);
        assert_eq!(score_psfs(&[3, 5]).map(|p| p.mean), Some(4.0));
        assert_eq!(score_psfs(&[3, 4, 4]).map(|p| p.mean), Some(3.67));
        assert_eq!(score_psfs(&[]), None);
    }
}
