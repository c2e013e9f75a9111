//! The bundled fonts and their metrics, shared by the model's text measurement and the renderer, so that
//! the model never depends on rendering.
//!
//! Two faces of DejaVu 2.37 (Bitstream Vera / DejaVu licence, `assets/fonts/`):
//! - [`sans`] (DejaVu Sans) draws every string in previews.
//! - [`measuring`] (DejaVu Sans Condensed) measures text extents the way ezdxf 1.4 does on a machine with the
//!   DejaVu family installed: CAD styles name SHX or TTF fonts that are rarely present (txt.shx, arial.ttf),
//!   and ezdxf then falls back to the first of its `DEFAULT_FONTS` it finds — Arial Unicode, Arial, then
//!   DejaVu Sans **Condensed** (chosen there because its widths are close to Arial's). Measuring with the same
//!   face keeps the drawing extents comparable with that reference.
//!
//! Vertical metrics follow ezdxf's rule, not the OS/2 table: the baseline is the bottom of `x`, the cap
//! height the top of `A`, the descender the bottom of `p` (glyph boxes in font units).

use std::sync::OnceLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};

/// DejaVu Sans, embedded so that renders never depend on the machine's fonts.
pub static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Condensed, embedded for measuring (see the module comment).
pub static DEJAVU_SANS_CONDENSED: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed.ttf");

/// One parsed face and the metrics text layout needs, in font units.
pub struct Face {
    font: FontRef<'static>,
    metrics: GlyphMetrics<'static>,
    /// Advances of the printable ASCII range, looked up once: nearly every CAD string is ASCII.
    ascii: [f32; 128],
    baseline: f64,
    cap_height: f64,
    descender: f64,
}

impl Face {
    /// Parses `bytes`; `None` when the data is not a usable font (never for the bundled ones).
    pub fn parse(bytes: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(bytes).ok()?;
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let bounds = |ch: char| font.charmap().map(ch).and_then(|g| metrics.bounds(g));
        let (x, a, p) = (bounds('x')?, bounds('A')?, bounds('p')?);
        let baseline = f64::from(x.y_min);
        let cap_height = f64::from(a.y_max) - baseline;
        if cap_height.is_nan() || cap_height <= 0.0 {
            return None;
        }
        let mut face =
            Face { font, metrics, ascii: [0.0; 128], baseline, cap_height, descender: baseline - f64::from(p.y_min) };
        for i in 0..128u8 {
            face.ascii[usize::from(i)] = face.lookup(char::from(i));
        }
        Some(face)
    }

    fn lookup(&self, ch: char) -> f32 {
        // A character the font lacks is drawn (and measured) as `.notdef`, as ezdxf does.
        let gid = self.font.charmap().map(ch).unwrap_or(GlyphId::NOTDEF);
        self.metrics.advance_width(gid).unwrap_or(0.0)
    }

    /// The parsed font, for outlines.
    pub fn font(&self) -> &FontRef<'static> {
        &self.font
    }

    /// Advance width of one character in font units.
    pub fn advance(&self, ch: char) -> f64 {
        match self.ascii.get(ch as usize) {
            Some(w) => f64::from(*w),
            None => f64::from(self.lookup(ch)),
        }
    }

    /// Sum of the advances of `s` in font units (no kerning: ezdxf measures without it).
    pub fn advance_sum(&self, s: &str) -> f64 {
        s.chars().map(|c| self.advance(c)).sum()
    }

    /// Width of `s` at a cap height of 1 (multiply by the text height and the width factor).
    pub fn width_per_cap(&self, s: &str) -> f64 {
        self.advance_sum(s) / self.cap_height
    }

    /// The descender (bottom of `p` below the baseline) as a fraction of the cap height.
    pub fn descender_per_cap(&self) -> f64 {
        self.descender / self.cap_height
    }

    /// Cap height in font units (top of `A` above the baseline).
    pub fn cap_height(&self) -> f64 {
        self.cap_height
    }

    /// Baseline in font units (bottom of `x`; 0 for DejaVu).
    pub fn baseline(&self) -> f64 {
        self.baseline
    }
}

/// DejaVu Sans, parsed once.
pub fn sans() -> Option<&'static Face> {
    static FACE: OnceLock<Option<Face>> = OnceLock::new();
    FACE.get_or_init(|| Face::parse(DEJAVU_SANS)).as_ref()
}

/// The face text extents are measured with (DejaVu Sans Condensed), parsed once.
pub fn measuring() -> Option<&'static Face> {
    static FACE: OnceLock<Option<Face>> = OnceLock::new();
    FACE.get_or_init(|| Face::parse(DEJAVU_SANS_CONDENSED)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condensed_metrics_are_ezdxfs() {
        let f = measuring().expect("the bundled face parses");
        // DejaVu 2.37, 2048 units per em: `A` tops at 1493, `x` sits on 0, `p` reaches down to −426.
        assert_eq!((f.baseline(), f.cap_height()), (0.0, 1493.0));
        assert_eq!(f.descender_per_cap(), 426.0 / 1493.0);
        // "Hello World 123": 14745 units in the condensed face (fontTools' hmtx sum), 16391 in the regular.
        assert_eq!(f.advance_sum("Hello World 123"), 14745.0);
        assert_eq!(sans().expect("parses").advance_sum("Hello World 123"), 16391.0);
        // Outside ASCII through the character map; a missing character measures as `.notdef`.
        assert!(f.advance('é') > 0.0);
        assert_eq!(f.advance('\u{10FFFD}'), f.advance('\u{10FFFE}'));
    }
}
