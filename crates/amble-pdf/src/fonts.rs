//! The report's typeface (DejaVu Sans Condensed, regular and bold, under the Bitstream Vera
//! licence in `fonts/`), built into the program so a PDF never depends on installed fonts, and
//! its advance widths for line breaking.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::PdfError;

pub const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
pub const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// Advance widths of one face, in em.
#[derive(Debug, Clone)]
pub struct Widths {
    /// Printable ASCII, looked up directly.
    ascii: [f32; 95],
    font: &'static [u8],
    upem: f32,
}

impl Widths {
    pub fn new(font: &'static [u8]) -> Result<Widths, PdfError> {
        let f = FontRef::new(font).map_err(|_| PdfError::Font)?;
        let upem = f32::from(
            f.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let mut w = Widths {
            ascii: [0.0; 95],
            font,
            upem,
        };
        for (i, slot) in w.ascii.iter_mut().enumerate() {
            let c = char::from(b' ' + i as u8);
            *slot = Self::lookup(&f, upem, c);
        }
        Ok(w)
    }

    fn lookup(f: &FontRef<'_>, upem: f32, c: char) -> f32 {
        let gm = f.glyph_metrics(Size::unscaled(), LocationRef::default());
        let gid = f.charmap().map(c).unwrap_or_default();
        gm.advance_width(gid).unwrap_or(0.0) / upem
    }

    /// The width of `text` at `size` points (no kerning: a hair wide, which is the safe side).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut em = 0.0;
        let mut other: Option<FontRef<'_>> = None;
        for c in text.chars() {
            let code = c as u32;
            em += if (0x20..0x7f).contains(&code) {
                self.ascii[(code - 0x20) as usize]
            } else {
                let f = match &other {
                    Some(f) => f,
                    None => match FontRef::new(self.font) {
                        Ok(f) => other.insert(f),
                        Err(_) => continue,
                    },
                };
                Self::lookup(f, self.upem, c)
            };
        }
        em * size
    }
}

/// Both faces.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub regular: Widths,
    pub bold: Widths,
}

impl Metrics {
    pub fn new() -> Result<Metrics, PdfError> {
        Ok(Metrics {
            regular: Widths::new(REGULAR)?,
            bold: Widths::new(BOLD)?,
        })
    }

    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        if bold {
            self.bold.width(text, size)
        } else {
            self.regular.width(text, size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_plausible() {
        let m = Metrics::new().unwrap_or_else(|e| panic!("{e}"));
        let w = m.width("Walking", 10.0, false);
        assert!((25.0..45.0).contains(&w), "{w}");
        assert!(m.width("Walking", 10.0, true) > w);
        assert!(m.width("WW", 10.0, false) > m.width("ii", 10.0, false));
        // Beyond ASCII: a middle dot and an en dash have a width.
        assert!(m.width("·–≤", 10.0, false) > 5.0);
        assert_eq!(m.width("", 10.0, false), 0.0);
    }
}
