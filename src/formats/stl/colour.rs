//! Colours of binary STL (formats.md §7). Two incompatible conventions share the 16-bit attribute word:
//! VisCAM/SolidView (bit 15 set = colour valid, red in bits 10–14) and Materialise Magics (a `COLOR=` in the
//! header; bit 15 *clear* = the facet's own colour, red in bits 0–4). Colours are read only when the file
//! says which one it uses; anything else is ignored with a warning rather than guessed.

use super::facets::Facet;
use crate::model::Rgba;

/// How a file's attribute words are to be read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scheme {
    /// Attribute words are not colours (all zero, or no recognisable convention).
    None,
    VisCam,
    /// `default` is the header's `COLOR=` (the colour of facets without their own).
    Materialise {
        default: Option<Rgba>,
        per_facet: bool,
    },
}

impl Scheme {
    /// The part colour the scheme gives (only Materialise has one).
    pub fn part_colour(self) -> Option<Rgba> {
        match self {
            Scheme::Materialise { default, .. } => default,
            _ => None,
        }
    }

    /// The facet's own colour as an RGB 5:5:5 key (red high), `None` when it has none.
    pub fn facet_colour(self, facet: &Facet) -> Option<u16> {
        let word = facet.attribute;
        match self {
            Scheme::None | Scheme::Materialise { per_facet: false, .. } => None,
            Scheme::VisCam => (word & 0x8000 != 0).then_some(word & 0x7FFF),
            Scheme::Materialise { per_facet: true, .. } => {
                // Channels stored blue-high; swap to the red-high key.
                (word & 0x8000 == 0).then_some(((word & 0x1F) << 10) | (word & 0x03E0) | ((word >> 10) & 0x1F))
            }
        }
    }
}

/// Decides the scheme from the header and the attribute words; the `String` is a warning when words were
/// set but could not be read as colours.
pub fn scheme(header: &[u8], facets: &[Facet]) -> (Scheme, Option<String>) {
    let any_set = facets.iter().any(|f| f.attribute != 0);
    if let Some(at) = find(header, b"COLOR=") {
        let default =
            header.get(at + 6..at + 10).map(|c| Rgba { r: unit(c[0]), g: unit(c[1]), b: unit(c[2]), a: unit(c[3]) });
        // All words zero under a Magics header would mean "every facet black": far likelier an exporter
        // that wrote the header but not the words, so the header colour stands for all of them.
        return (Scheme::Materialise { default, per_facet: any_set }, None);
    }
    if !any_set {
        return (Scheme::None, None);
    }
    let unflagged = facets.iter().filter(|f| f.attribute != 0 && f.attribute & 0x8000 == 0).count();
    if unflagged == 0 {
        return (Scheme::VisCam, None);
    }
    let warning = format!(
        "{unflagged} facet attribute words are set without the VisCAM colour bit and the header has no \
         Materialise COLOR=: attribute words ignored (not read as colours)"
    );
    (Scheme::None, Some(warning))
}

fn unit(byte: u8) -> f32 {
    f32::from(byte) / 255.0
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_attribute(attribute: u16) -> Facet {
        Facet { normal: [0.0; 3], vertices: [[0.0; 3]; 3], attribute }
    }

    #[test]
    fn viscam_needs_bit_15_on_every_set_word() {
        let facets = [with_attribute(0x8000 | 0x7C00), with_attribute(0)];
        let (s, w) = scheme(b"exporter", &facets);
        assert_eq!((s, w), (Scheme::VisCam, None));
        assert_eq!(s.facet_colour(&facets[0]), Some(0x7C00));
        assert_eq!(s.facet_colour(&facets[1]), None);
    }

    #[test]
    fn mixed_words_without_a_magics_header_are_ignored() {
        let (s, w) = scheme(b"exporter", &[with_attribute(0x8001), with_attribute(0x0042)]);
        assert_eq!(s, Scheme::None);
        assert!(w.expect("a warning").starts_with("1 facet attribute words"));
    }

    #[test]
    fn magics_header_colour_and_swapped_channels() {
        let header = b"STLB ATF COLOR=\xFF\x00\x00\xFF rest";
        let facets = [with_attribute(0x001F), with_attribute(0x8000)];
        let (s, _) = scheme(header, &facets);
        assert_eq!(s.part_colour().map(|c| c.hex()), Some("#FF0000".to_owned()));
        // Red in the low bits under Magics becomes the red-high key; bit 15 set = use the default.
        assert_eq!(s.facet_colour(&facets[0]), Some(0x7C00));
        assert_eq!(s.facet_colour(&facets[1]), None);
        let (all_zero, _) = scheme(header, &[with_attribute(0)]);
        assert_eq!(all_zero.facet_colour(&with_attribute(0)), None);
    }
}
