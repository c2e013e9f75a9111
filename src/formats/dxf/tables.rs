//! TABLES entries the model needs: LAYER, LTYPE, and BLOCK_RECORD (handles of layout blocks).

use super::text::{Encoding, decode};
use super::tokenizer::Tag;
use crate::model::colour::Rgb;
use crate::model::{Layer, Linetype};

/// A LAYER entry: colour 62 (negative = off), flags 70 (1 frozen, 4 locked), linetype 6, lineweight 370,
/// plot 290, true colour 420.
pub fn layer(body: &[Tag<'_>], enc: Encoding) -> Layer {
    let mut l = Layer::new("");
    for t in body {
        match t.code {
            2 => l.name = decode(t.raw, enc),
            62 => {
                if let Some(c) = t.int() {
                    l.on = c >= 0;
                    let a = c.unsigned_abs();
                    // 0 and out-of-range colours are invalid for a layer: AutoCAD shows them as 7.
                    l.aci = if (1..=255).contains(&a) { a as u8 } else { 7 };
                }
            }
            70 => {
                let f = t.int().unwrap_or(0);
                l.frozen = f & 1 != 0;
                l.locked = f & 4 != 0;
            }
            6 => l.linetype = decode(t.raw, enc),
            370 => l.lineweight = t.int().and_then(|v| i16::try_from(v).ok()).unwrap_or(-3),
            290 => l.plot = t.int() != Some(0),
            420 => l.true_colour = t.int().map(|v| Rgb::from_u24(v as u32 & 0xFF_FFFF)),
            _ => {}
        }
    }
    l
}

/// An LTYPE entry: name 2, description 3, dash elements 49 (+ dash, − gap, 0 dot).
pub fn linetype(body: &[Tag<'_>], enc: Encoding) -> Linetype {
    let mut lt = Linetype::default();
    for t in body {
        match t.code {
            2 => lt.name = decode(t.raw, enc),
            3 => lt.description = decode(t.raw, enc),
            49 => {
                if let Some(v) = t.f64() {
                    lt.pattern.push(v);
                }
            }
            _ => {}
        }
    }
    lt
}

/// A BLOCK_RECORD entry: (handle, name).
pub fn block_record(body: &[Tag<'_>], enc: Encoding) -> (Option<String>, String) {
    let mut handle = None;
    let mut name = String::new();
    for t in body {
        match t.code {
            5 if handle.is_none() => handle = Some(decode(t.trimmed(), enc).to_ascii_uppercase()),
            2 => name = decode(t.raw, enc),
            _ => {}
        }
    }
    (handle, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::dxf::tokenizer::test_tags as body;

    #[test]
    fn layer_off_frozen_locked_true_colour() {
        let l = layer(&body("2\nWalls\n70\n5\n62\n-3\n6\nDASHED\n370\n35\n290\n0\n420\n255\n"), Encoding::Utf8);
        assert_eq!(l.name, "Walls");
        assert_eq!((l.aci, l.on, l.frozen, l.locked, l.plot), (3, false, true, true, false));
        assert_eq!(l.linetype, "DASHED");
        assert_eq!(l.lineweight, 35);
        assert_eq!(l.true_colour, Some(Rgb(0, 0, 255)));
    }

    #[test]
    fn linetype_pattern() {
        let lt = linetype(
            &body("2\nCENTER\n3\nCenter ____ _ ____\n73\n4\n40\n2.0\n49\n1.25\n49\n-0.25\n49\n0.25\n49\n-0.25\n"),
            Encoding::Utf8,
        );
        assert_eq!(lt.pattern, vec![1.25, -0.25, 0.25, -0.25]);
    }
}
