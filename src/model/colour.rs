//! Colours: the AutoCAD Color Index (ACI) palette, 24-bit colours, and how an entity's stored colour
//! resolves through its layer and enclosing insert.

use std::fmt;

/// A 24-bit sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    pub const BLACK: Rgb = Rgb(0, 0, 0);

    /// From DXF group 420 / DWG true colour: 0x00RRGGBB.
    pub fn from_u24(v: u32) -> Rgb {
        Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    pub fn to_u24(self) -> u32 {
        (u32::from(self.0) << 16) | (u32::from(self.1) << 8) | u32::from(self.2)
    }

    /// `#RRGGBB`, upper case, as both result schemas write colours.
    pub fn hex(self) -> String {
        self.hex_text().as_str().to_owned()
    }

    /// [`Rgb::hex`] without an allocation: the result writers write two colours per entity.
    pub fn hex_text(self) -> HexText {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let mut text = [b'#'; 7];
        for (i, v) in [self.0, self.1, self.2].into_iter().enumerate() {
            text[1 + 2 * i] = DIGITS[usize::from(v >> 4)];
            text[2 + 2 * i] = DIGITS[usize::from(v & 15)];
        }
        HexText(text)
    }

    /// The palette index (1–255) closest to this colour in RGB distance, as 2024-01 `color` wants.
    pub fn nearest_aci(self) -> u8 {
        // The palette from a table made once: the 2024-01 writer asks this for most entities, and deriving
        // 255 colours per call was a tenth of its time.
        static PALETTE: std::sync::OnceLock<[Rgb; 256]> = std::sync::OnceLock::new();
        let palette = PALETTE.get_or_init(|| std::array::from_fn(|i| aci_rgb(i as u8)));
        let mut best = (u32::MAX, 7u8);
        for (i, &c) in palette.iter().enumerate().skip(1) {
            let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2) as u32;
            let dist = d(c.0, self.0) + d(c.1, self.1) + d(c.2, self.2);
            if dist < best.0 {
                best = (dist, i as u8);
            }
        }
        best.1
    }
}

/// [`Rgb::nearest_aci`] remembered for the colours asked lately (a small direct-mapped table): the 2024-01
/// writer asks it for most entities, a drawing has few distinct colours, and the search walks the palette.
pub struct NearestAciCache {
    slots: [Option<(Rgb, u8)>; 64],
}

impl Default for NearestAciCache {
    fn default() -> Self {
        NearestAciCache { slots: [None; 64] }
    }
}

impl NearestAciCache {
    pub fn get(&mut self, rgb: Rgb) -> u8 {
        // The top six bits of a multiplicative hash of the 24 bits pick the slot.
        let slot = (rgb.to_u24().wrapping_mul(0x9E37_79B1) >> 26) as usize;
        match self.slots[slot] {
            Some((seen, aci)) if seen == rgb => aci,
            _ => {
                let aci = rgb.nearest_aci();
                self.slots[slot] = Some((rgb, aci));
                aci
            }
        }
    }
}

/// A colour as `#RRGGBB` text ([`Rgb::hex_text`]), serialised as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexText([u8; 7]);

impl HexText {
    pub fn as_str(&self) -> &str {
        // Only '#' and upper-case hex digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl serde::Serialize for HexText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// Greys 250–255 of the standard palette (not a simple ramp, so they are listed).
const GREYS: [u8; 6] = [0x33, 0x50, 0x69, 0x82, 0xBE, 0xFF];
/// Brightness levels of the hue rows 10–249: index % 10 / 2 selects one.
const LEVELS: [u32; 5] = [255, 204, 153, 127, 76];

/// The RGB of an ACI index 1–255 by the palette rule (formats.md §1): 1–9 fixed, 10–249 as 24 hues in 15°
/// steps × 5 brightness levels × {full, half saturation}, 250–255 greys. Index 7 is white here; renderers
/// invert it on light backgrounds. 0 and 256 (ByBlock/ByLayer) are not colours and give white.
pub fn aci_rgb(index: u8) -> Rgb {
    match index {
        1 => Rgb(255, 0, 0),
        2 => Rgb(255, 255, 0),
        3 => Rgb(0, 255, 0),
        4 => Rgb(0, 255, 255),
        5 => Rgb(0, 0, 255),
        6 => Rgb(255, 0, 255),
        8 => Rgb(128, 128, 128),
        9 => Rgb(192, 192, 192),
        10..=249 => hue_row_colour(index),
        250..=255 => {
            let g = GREYS[usize::from(index - 250)];
            Rgb(g, g, g)
        }
        _ => Rgb::WHITE,
    }
}

fn hue_row_colour(index: u8) -> Rgb {
    let i = u32::from(index);
    let hue_step = (i / 10 - 1) % 24; // 15° steps from red
    let shade = i % 10;
    let value = LEVELS[(shade / 2) as usize];
    // Odd shades are the pastel half: the minimum channel sits at half the value (integer, as the
    // reference palette truncates).
    let min = if shade % 2 == 1 { value / 2 } else { 0 };
    let sector = hue_step / 4; // 60° sectors
    let k = hue_step % 4; // position inside the sector in quarters
    let rising = min + (value - min) * k / 4;
    let falling = min + (value - min) * (4 - k) / 4;
    let (r, g, b) = match sector {
        0 => (value, rising, min),
        1 => (falling, value, min),
        2 => (min, value, rising),
        3 => (min, falling, value),
        4 => (rising, min, value),
        _ => (value, min, falling),
    };
    Rgb(r as u8, g as u8, b as u8)
}

/// The colour as a source stores it on an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourSpec {
    /// ACI 256 or absent: the layer's colour.
    #[default]
    ByLayer,
    /// ACI 0: the colour of the enclosing insert (white at top level).
    ByBlock,
    /// ACI 1–255.
    Aci(u8),
    /// A 24-bit colour (DXF 420), with the ACI written beside it when the file had one.
    True { rgb: Rgb, aci: Option<u8> },
}

impl ColourSpec {
    /// From a stored ACI code (DXF group 62): negative values (layer off) use their absolute value.
    pub fn from_aci_code(code: i32) -> ColourSpec {
        match code.unsigned_abs() {
            0 => ColourSpec::ByBlock,
            c @ 1..=255 => ColourSpec::Aci(c as u8),
            _ => ColourSpec::ByLayer,
        }
    }

    /// The ACI code as stored: 0 ByBlock, 1–255, 256 ByLayer.
    pub fn aci_code(&self) -> u16 {
        match self {
            ColourSpec::ByLayer => 256,
            ColourSpec::ByBlock => 0,
            ColourSpec::Aci(i) => u16::from(*i),
            ColourSpec::True { aci: Some(i), .. } => u16::from(*i),
            ColourSpec::True { aci: None, .. } => 256,
        }
    }

    pub fn true_colour(&self) -> Option<Rgb> {
        match self {
            ColourSpec::True { rgb, .. } => Some(*rgb),
            _ => None,
        }
    }

    /// Resolves to RGB: true colour wins, then ACI; ByLayer takes `layer`, ByBlock takes `block`.
    pub fn resolve(&self, layer: Rgb, block: Rgb) -> Rgb {
        match self {
            ColourSpec::ByLayer => layer,
            ColourSpec::ByBlock => block,
            ColourSpec::Aci(i) => aci_rgb(*i),
            ColourSpec::True { rgb, .. } => *rgb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_rows_follow_the_hue_rule() {
        assert_eq!(aci_rgb(10).hex(), "#FF0000");
        assert_eq!(aci_rgb(11).hex(), "#FF7F7F");
        assert_eq!(aci_rgb(12).hex(), "#CC0000");
        assert_eq!(aci_rgb(19).hex(), "#4C2626");
        assert_eq!(aci_rgb(20).hex(), "#FF3F00");
        assert_eq!(aci_rgb(21).hex(), "#FF9F7F");
        assert_eq!(aci_rgb(50).hex(), "#FFFF00");
        assert_eq!(aci_rgb(90).hex(), "#00FF00");
        assert_eq!(aci_rgb(130).hex(), "#00FFFF");
        assert_eq!(aci_rgb(170).hex(), "#0000FF");
        assert_eq!(aci_rgb(210).hex(), "#FF00FF");
        assert_eq!(aci_rgb(250).hex(), "#333333");
        assert_eq!(aci_rgb(255).hex(), "#FFFFFF");
    }

    #[test]
    fn true_colour_wins_and_bylayer_follows_the_layer() {
        let t = ColourSpec::True { rgb: Rgb(1, 2, 3), aci: Some(5) };
        assert_eq!(t.resolve(Rgb::BLACK, Rgb::BLACK), Rgb(1, 2, 3));
        assert_eq!(ColourSpec::ByLayer.resolve(Rgb(9, 9, 9), Rgb::BLACK), Rgb(9, 9, 9));
        assert_eq!(ColourSpec::from_aci_code(-3), ColourSpec::Aci(3));
        assert_eq!(Rgb(250, 5, 5).nearest_aci(), 1);
        assert_eq!(Rgb(128, 128, 129).nearest_aci(), 8);
        // Every palette colour finds itself (the first index of that colour where the palette repeats one).
        for i in 1..=255u8 {
            let found = aci_rgb(i).nearest_aci();
            assert_eq!(aci_rgb(found), aci_rgb(i), "ACI {i}");
            assert!(found <= i, "ACI {i} found {found}");
        }
    }

    #[test]
    fn hex_text_is_upper_case_hash_rrggbb() {
        assert_eq!(Rgb(0, 0, 0).hex_text().as_str(), "#000000");
        assert_eq!(Rgb(0xAB, 0x0C, 0xF1).hex_text().as_str(), "#AB0CF1");
        assert_eq!(Rgb(0xAB, 0x0C, 0xF1).hex(), "#AB0CF1");
        assert_eq!(serde_json::to_string(&Rgb(255, 127, 1).hex_text()).ok().as_deref(), Some(r##""#FF7F01""##));
    }

    #[test]
    fn the_nearest_aci_cache_answers_as_the_search_does() {
        let mut cache = NearestAciCache::default();
        // Twice over a spread of colours, many sharing a slot: hits and evictions alike give the search's answer.
        for _ in 0..2 {
            for v in (0..=0xFF_FFFFu32).step_by(0x1_0101 * 7) {
                let rgb = Rgb::from_u24(v);
                assert_eq!(cache.get(rgb), rgb.nearest_aci(), "{rgb}");
            }
        }
        assert_eq!(cache.get(Rgb(250, 5, 5)), 1);
        assert_eq!(cache.get(Rgb(128, 128, 129)), 8);
    }
}
