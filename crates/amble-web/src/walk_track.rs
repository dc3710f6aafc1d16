//! The guided walk's audio track: the whole session as an MP3 file with a spoken cue at the
//! start of every segment and at the end, so cues keep coming while the screen is locked.
//!
//! No encoder runs on the server. Every frame is MPEG-2 Layer III, 24 kHz, mono, 24 kbit/s:
//! 72 bytes and 576 samples (24 ms), decodable on its own (no bit reservoir). The track is
//! silent frames with the cue clips (`assets/walk/*.mp3`, made by `scripts/make-walk-cues.sh`)
//! laid over them at their offsets, so its length is the session's to within half a frame
//! (exactly, for whole minutes: 2,500 frames) and a cue at second `t` starts at frame
//! `round(t / 0.024)`. The closing cue ends with the track.

use amble_core::plan::{CueKind, Segment, cues};

/// Bytes in one frame.
pub const FRAME_BYTES: usize = 72;
/// Milliseconds in one frame.
pub const FRAME_MS: u64 = 24;

/// A frame of silence: the header (MPEG-2 Layer III, 24 kbit/s, 24 kHz, mono, no CRC), side
/// information of zeros (no bits of main data, so every value decodes to 0), zero padding.
const SILENCE: [u8; FRAME_BYTES] = {
    let mut f = [0u8; FRAME_BYTES];
    f[0] = 0xFF;
    f[1] = 0xF3;
    f[2] = 0x34;
    f[3] = 0xC4;
    f
};

const START: &[u8] = include_bytes!("../assets/walk/start.mp3");
const REST: &[u8] = include_bytes!("../assets/walk/rest.mp3");
const AGAIN: &[u8] = include_bytes!("../assets/walk/again.mp3");
const DONE: &[u8] = include_bytes!("../assets/walk/done.mp3");

/// The clip for a cue: whole frames of the track's format.
pub fn clip(kind: CueKind) -> &'static [u8] {
    match kind {
        CueKind::Start => START,
        CueKind::Rest => REST,
        CueKind::Again => AGAIN,
        CueKind::Done => DONE,
    }
}

/// Frames from the start to second `seconds`, rounded to the nearest frame.
pub fn frames_at(seconds: u32) -> u64 {
    (u64::from(seconds) * 1000 + FRAME_MS / 2) / FRAME_MS
}

/// A session's track, described by where each clip lies; bytes are made on demand.
pub struct Track {
    frames: u64,
    /// (first frame, clip), in order; a later clip covers an earlier one where they meet.
    placed: Vec<(u64, &'static [u8])>,
}

impl Track {
    pub fn new(segments: &[Segment]) -> Track {
        let total: u32 = segments.iter().map(|s| s.seconds).sum();
        let frames = frames_at(total);
        let placed = cues(segments)
            .into_iter()
            .map(|c| {
                let clip = clip(c.kind);
                let len = (clip.len() / FRAME_BYTES) as u64;
                let at = if c.kind == CueKind::Done {
                    frames.saturating_sub(len)
                } else {
                    frames_at(c.at_seconds)
                };
                (at, clip)
            })
            .collect();
        Track { frames, placed }
    }

    /// Length in bytes.
    pub fn len(&self) -> u64 {
        self.frames * FRAME_BYTES as u64
    }

    pub fn is_empty(&self) -> bool {
        self.frames == 0
    }

    /// The bytes of frame `n`.
    fn frame(&self, n: u64) -> &[u8] {
        for &(at, clip) in self.placed.iter().rev() {
            let len = (clip.len() / FRAME_BYTES) as u64;
            if n >= at && n < at + len {
                let i = ((n - at) as usize) * FRAME_BYTES;
                return &clip[i..i + FRAME_BYTES];
            }
        }
        &SILENCE
    }

    /// Bytes `start..=end` (inclusive, as in an HTTP range), clipped to the track.
    pub fn bytes(&self, start: u64, end: u64) -> Vec<u8> {
        let end = end.min(self.len().saturating_sub(1));
        if self.is_empty() || start > end {
            return Vec::new();
        }
        let mut out = Vec::with_capacity((end - start + 1) as usize);
        let fb = FRAME_BYTES as u64;
        for n in start / fb..=end / fb {
            let f = self.frame(n);
            let from = if n == start / fb {
                (start % fb) as usize
            } else {
                0
            };
            let to = if n == end / fb {
                (end % fb) as usize + 1
            } else {
                FRAME_BYTES
            };
            out.extend_from_slice(&f[from..to]);
        }
        out
    }
}

/// One byte range of `len` bytes from a `Range` header: `Ok(None)` for the whole file (no
/// header, or one this server does not take apart, such as several ranges), `Err` when the
/// range lies outside the file.
pub fn range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| s.parse::<u64>().map_err(|_| ());
    let (start, end) = match (a.is_empty(), b.is_empty()) {
        (false, true) => (num(a)?, len.saturating_sub(1)),
        (false, false) => (num(a)?, num(b)?.min(len.saturating_sub(1))),
        (true, false) => {
            let n = num(b)?;
            if n == 0 {
                return Err(());
            }
            (len.saturating_sub(n), len.saturating_sub(1))
        }
        (true, true) => return Err(()),
    };
    if len == 0 || start >= len || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use amble_core::plan::parse_segments_spec;

    #[test]
    fn clips_are_whole_frames_of_the_track_format_without_a_bit_reservoir() {
        for kind in [CueKind::Start, CueKind::Rest, CueKind::Again, CueKind::Done] {
            let c = clip(kind);
            assert!(
                !c.is_empty() && c.len().is_multiple_of(FRAME_BYTES),
                "{kind:?}"
            );
            for f in c.chunks(FRAME_BYTES) {
                assert_eq!(&f[..4], &SILENCE[..4], "{kind:?}: same header");
                assert_eq!(f[4], 0, "{kind:?}: main_data_begin is 0");
            }
        }
    }

    #[test]
    fn ranges_are_read_as_http_says() {
        assert_eq!(range(None, 100), Ok(None));
        assert_eq!(range(Some("bytes=0-"), 100), Ok(Some((0, 99))));
        assert_eq!(range(Some("bytes=10-19"), 100), Ok(Some((10, 19))));
        assert_eq!(range(Some("bytes=90-500"), 100), Ok(Some((90, 99))));
        assert_eq!(range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(range(Some("bytes=5-2"), 100), Err(()));
        assert_eq!(range(Some("bytes=x-"), 100), Err(()));
        assert_eq!(range(Some("bytes=0-1,5-6"), 100), Ok(None));
    }

    #[test]
    fn a_range_is_the_same_bytes_as_the_whole() {
        let t = Track::new(&parse_segments_spec("w60-r30-w60").unwrap());
        assert_eq!(t.len(), frames_at(150) * FRAME_BYTES as u64);
        let all = t.bytes(0, t.len() - 1);
        assert_eq!(all.len() as u64, t.len());
        for (a, b) in [
            (0, 0),
            (5, 200),
            (71, 72),
            (1000, 5000),
            (t.len() - 3, t.len() + 10),
        ] {
            let part = t.bytes(a, b);
            let b = b.min(t.len() - 1);
            assert_eq!(part, all[a as usize..=b as usize], "{a}-{b}");
        }
        assert!(t.bytes(10, 5).is_empty());
    }
}
