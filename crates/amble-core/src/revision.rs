//! The revision of a journal entry: a fingerprint of everything it holds, so an edit can say
//! which version of an entry it was made from. A correction carries the revision it was read
//! at; the store refuses it when the entry has changed since (another tab, another device, a
//! gait analysis writing back), instead of silently overwriting the newer values.
//!
//! The fingerprint is 64-bit FNV-1a over the entry's JSON (the same JSON the store keeps and
//! every export writes), shown as 16 hexadecimal digits. It needs no stored counter: two
//! entries that hold the same values have the same revision, which is what an edit needs to
//! know (nothing was changed under it).

use crate::journal::Entry;

/// An entry's revision, as 16 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Revision(String);

impl Revision {
    /// The revision of an entry as it is now.
    pub fn of(entry: &Entry) -> Revision {
        // Serializing an entry cannot fail (plain data, string keys); an empty text would only
        // make every edit of it look stale, never overwrite anything.
        let json = serde_json::to_vec(entry).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Revision(format!("{h:016x}"))
    }

    /// A revision sent back by a form or a client: 16 hexadecimal digits, or `None`.
    pub fn parse(text: &str) -> Option<Revision> {
        let t = text.trim();
        (t.len() == 16 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Revision(t.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `entry` is still what this revision was read from.
    pub fn matches(&self, entry: &Entry) -> bool {
        Revision::of(entry) == *self
    }
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Morning;

    fn morning(pain: u8) -> Entry {
        Entry::Morning(Morning {
            id: "m-1".into(),
            date: jiff::civil::date(2026, 1, 5),
            pain,
        })
    }

    #[test]
    fn a_revision_follows_the_content() {
        let r = Revision::of(&morning(3));
        assert_eq!(
            r,
            Revision::of(&morning(3)),
            "the same values, the same revision"
        );
        assert_ne!(r, Revision::of(&morning(4)));
        assert!(r.matches(&morning(3)) && !r.matches(&morning(4)));
        assert_eq!(r.as_str().len(), 16);
        assert_eq!(Revision::parse(&r.to_string().to_uppercase()), Some(r));
        assert_eq!(Revision::parse("xyz"), None);
        assert_eq!(Revision::parse("0123456789abcdeg"), None);
    }
}
