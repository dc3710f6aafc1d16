//! Gait sequences: stretches of periodic walking found before the bouts, so that fidgeting next
//! to a walk does not join it (after the gait-sequence detection of Paraschiv-Ionescu et al.,
//! J NeuroEng Rehabil 16:24, 2019, as mobgap's `GsdIonescu` sets it: trains of strong step
//! peaks, each step closer to the last than the train's mean step time plus 1.5 s, at least 5
//! steps, padded by three quarters of a step at each end, sequences closer than 3.5 s merged;
//! mobgap, Apache-2.0, <https://github.com/mobilise-d/mobgap>, `gait_sequences/_gsd_ionescu.py`;
//! this code is Amble's own). The step peaks are Amble's contacts; a strong one stands out of
//! the recording's typical swing (mobgap filters the acceleration's norm into the step band and
//! takes its peaks over a threshold from the active stretches).

/// A contact at least this strong (its peak over the signal's typical swing) is a step of a
/// gait sequence.
pub const STRONG: f64 = 0.7;
/// The margin over the train's mean step time before a gap ends it (s).
const STEP_MARGIN_S: f64 = 1.5;
/// Fewest strong steps in a sequence.
const MIN_STEPS: usize = 5;
/// Padding at each end, in mean step times.
const PADDING: f64 = 0.75;
/// Sequences closer than this are one (s).
const MAX_GAP_S: f64 = 3.5;

/// Gait sequences (start and end, s) from contacts (time in s, strength).
pub(crate) fn gait_sequences(contacts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let peaks: Vec<f64> = contacts
        .iter()
        .filter(|(_, a)| *a >= STRONG)
        .map(|(t, _)| *t)
        .collect();
    let mut trains: Vec<(f64, f64, usize)> = Vec::new();
    let mut i = 0;
    while i + 1 < peaks.len() {
        if peaks[i + 1] - peaks[i] < STEP_MARGIN_S {
            let start = peaks[i];
            let mut j = i + 1;
            while j + 1 < peaks.len() {
                let mean = (peaks[j] - start) / (j - i) as f64;
                if peaks[j + 1] - peaks[j] > mean + STEP_MARGIN_S {
                    break;
                }
                j += 1;
            }
            trains.push((start, peaks[j], j - i + 1));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (s, e, n) in trains {
        if n < MIN_STEPS {
            continue;
        }
        let pad = PADDING * (e - s) / (n - 1) as f64;
        let (s, e) = (s - pad, e + pad);
        match out.last_mut() {
            Some(last) if s - last.1 < MAX_GAP_S => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Gait sequences widened over the turns that touch them (turning is part of walking: the
/// reference counts a bout's turns in it, and the trunk's rotation makes a turn's steps weak in
/// the vertical acceleration), merged where they then meet.
pub(crate) fn over_turns(sequences: &[(f64, f64)], turns: &[(f64, f64)]) -> Vec<(f64, f64)> {
    // One sweep in time order: stretches (sequences and turns) within reach of each other are
    // joined; a joined stretch is kept when it holds a sequence (turns alone are no walking).
    let mut items: Vec<(f64, f64, bool)> = sequences
        .iter()
        .map(|&(s, e)| (s, e, true))
        .chain(turns.iter().map(|&(s, e)| (s, e, false)))
        .collect();
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut cur: Option<(f64, f64, bool)> = None;
    for (s, e, walk) in items {
        match cur.as_mut() {
            Some(c) if s <= c.1 + TURN_REACH_S => {
                c.1 = c.1.max(e);
                c.2 |= walk;
            }
            _ => {
                if let Some((cs, ce, true)) = cur {
                    out.push((cs, ce));
                }
                cur = Some((s, e, walk));
            }
        }
    }
    if let Some((cs, ce, true)) = cur {
        out.push((cs, ce));
    }
    out
}

/// A turn this close to a gait sequence widens it (s).
const TURN_REACH_S: f64 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    fn train(from: f64, n: usize, step: f64, strength: f64) -> Vec<(f64, f64)> {
        (0..n).map(|k| (from + k as f64 * step, strength)).collect()
    }

    #[test]
    fn a_walk_is_a_sequence_and_fidgeting_next_to_it_is_not() {
        // Weak, irregular contacts (fidgeting), 12 strong steps of 0.55 s, weak ones again.
        let mut c = vec![(1.0, 0.4), (1.9, 0.5), (2.3, 0.3)];
        c.extend(train(4.0, 12, 0.55, 2.0));
        c.extend([(11.0, 0.4), (12.2, 0.5), (12.9, 0.3), (14.1, 0.6)]);
        let s = gait_sequences(&c);
        assert_eq!(s.len(), 1, "{s:?}");
        // Padded by three quarters of a step at each end.
        assert!((s[0].0 - (4.0 - 0.75 * 0.55)).abs() < 1e-9, "{s:?}");
        assert!(
            (s[0].1 - (4.0 + 11.0 * 0.55 + 0.75 * 0.55)).abs() < 1e-9,
            "{s:?}"
        );
        // Four strong steps are too few; two walks 2 s apart are one sequence.
        assert!(gait_sequences(&train(0.0, 4, 0.5, 2.0)).is_empty());
        let mut two = train(0.0, 6, 0.5, 2.0);
        two.extend(train(6.0, 6, 0.5, 2.0));
        assert_eq!(gait_sequences(&two).len(), 1);
        // Weak contacts alone make none.
        assert!(gait_sequences(&train(0.0, 30, 0.5, STRONG / 2.0)).is_empty());
    }

    #[test]
    fn a_turn_touching_a_sequence_widens_it() {
        let s = vec![(4.0, 10.0), (20.0, 30.0)];
        // A turn from 9 to 13 s widens the first; one from 15 to 16 s touches neither.
        let out = over_turns(&s, &[(9.0, 13.0), (15.0, 16.0)]);
        assert_eq!(out, vec![(4.0, 13.0), (20.0, 30.0)]);
        // A turn bridging the two joins them.
        let out = over_turns(&s, &[(9.5, 20.2)]);
        assert_eq!(out, vec![(4.0, 30.0)]);
        // A turn widening the first into reach of a second turn takes that one in as well.
        let out = over_turns(&s, &[(10.2, 12.0), (12.3, 14.0)]);
        assert_eq!(out, vec![(4.0, 14.0), (20.0, 30.0)]);
    }
}
