//! Display colours: how an entity's stored colour becomes the RGB drawn on a given background.
//!
//! Colour correction rule (QCAD calls it colour correction; formats.md §9):
//! - ACI 7 (and ByBlock at top level, which AutoCAD draws as 7) is the foreground: black on a light
//!   background, white on a dark one. A background is light when its luminance is ≥ 0.5.
//! - On a light background, a colour whose luminance Y (Rec. 709 weights on 0–1 sRGB channels:
//!   0.2126 R + 0.7152 G + 0.0722 B) exceeds [`LIGHT_MAX_LUMA`] is scaled towards black until Y equals it,
//!   keeping its hue: yellow `FFFF00` becomes `A5A500`, white `FFFFFF` becomes `999999`.
//! - On a dark background, a colour with Y below [`DARK_MIN_LUMA`] is inverted (as CAD viewers do for
//!   black-on-black), so it stays visible.

use crate::model::{ColourSpec, Layer, Rgb};

/// The largest luminance drawn on a light background: yellow and cyan stay readable on white.
pub const LIGHT_MAX_LUMA: f64 = 0.6;
/// The smallest luminance drawn on a dark background before inverting.
pub const DARK_MIN_LUMA: f64 = 0.12;

/// Relative luminance of an sRGB colour by Rec. 709 weights on the 0–1 channel values.
pub fn luma(c: Rgb) -> f64 {
    (0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)) / 255.0
}

pub fn is_light(bg: Rgb) -> bool {
    luma(bg) >= 0.5
}

/// The resolved colour of an entity before correction: either the foreground (ACI 7) or an RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Foreground,
    Rgb(Rgb),
}

/// Resolves an (already ByBlock-inherited) colour spec against the entity's layer. ByBlock left at top
/// level and layers without a table entry draw as the foreground.
pub fn resolve(spec: ColourSpec, layer: Option<&Layer>) -> Paint {
    match spec {
        ColourSpec::ByLayer => match layer {
            Some(l) => match l.true_colour {
                Some(rgb) => Paint::Rgb(rgb),
                None => aci_paint(l.aci),
            },
            None => Paint::Foreground,
        },
        ColourSpec::ByBlock => Paint::Foreground,
        ColourSpec::Aci(i) => aci_paint(i),
        ColourSpec::True { rgb, .. } => Paint::Rgb(rgb),
    }
}

fn aci_paint(i: u8) -> Paint {
    if i == 7 || i == 0 { Paint::Foreground } else { Paint::Rgb(crate::model::colour::aci_rgb(i)) }
}

/// The colour drawn for `paint` on background `bg`, by the rule in the module comment.
pub fn display(paint: Paint, bg: Rgb) -> Rgb {
    let light = is_light(bg);
    let c = match paint {
        Paint::Foreground => return if light { Rgb::BLACK } else { Rgb::WHITE },
        Paint::Rgb(c) => c,
    };
    let y = luma(c);
    if light && y > LIGHT_MAX_LUMA {
        let k = LIGHT_MAX_LUMA / y;
        let scale = |v: u8| (f64::from(v) * k).round().clamp(0.0, 255.0) as u8;
        Rgb(scale(c.0), scale(c.1), scale(c.2))
    } else if !light && y < DARK_MIN_LUMA {
        Rgb(255 - c.0, 255 - c.1, 255 - c.2)
    } else {
        c
    }
}

/// A light tint of `c` for pattern hatches drawn as a fill: 25 % colour, 75 % background.
pub fn tint(c: Rgb, bg: Rgb) -> Rgb {
    let mix = |a: u8, b: u8| ((f64::from(a) * 0.25 + f64::from(b) * 0.75).round()) as u8;
    Rgb(mix(c.0, bg.0), mix(c.1, bg.1), mix(c.2, bg.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aci_7_is_black_on_white_and_white_on_black() {
        let p = resolve(ColourSpec::Aci(7), None);
        assert_eq!(display(p, Rgb::WHITE), Rgb::BLACK);
        assert_eq!(display(p, Rgb::BLACK), Rgb::WHITE);
        // ByBlock at top level and a missing layer are the foreground too.
        assert_eq!(display(resolve(ColourSpec::ByBlock, None), Rgb::WHITE), Rgb::BLACK);
        assert_eq!(display(resolve(ColourSpec::ByLayer, None), Rgb(0x20, 0x20, 0x20)), Rgb::WHITE);
    }

    #[test]
    fn bylayer_takes_the_layers_true_colour_then_its_aci() {
        let mut layer = Layer::new("A");
        layer.aci = 1;
        assert_eq!(resolve(ColourSpec::ByLayer, Some(&layer)), Paint::Rgb(Rgb(255, 0, 0)));
        layer.true_colour = Some(Rgb(1, 2, 3));
        assert_eq!(resolve(ColourSpec::ByLayer, Some(&layer)), Paint::Rgb(Rgb(1, 2, 3)));
        layer.true_colour = None;
        layer.aci = 7;
        assert_eq!(resolve(ColourSpec::ByLayer, Some(&layer)), Paint::Foreground);
    }

    #[test]
    fn light_colours_are_darkened_on_white_only() {
        // Yellow: Y = 0.9278 → scaled by 0.6 / 0.9278 = 0.6467 → 165.
        assert_eq!(display(Paint::Rgb(Rgb(255, 255, 0)), Rgb::WHITE), Rgb(165, 165, 0));
        assert_eq!(display(Paint::Rgb(Rgb::WHITE), Rgb::WHITE), Rgb(153, 153, 153));
        // Red (Y 0.2126) and blue stay as they are on white.
        assert_eq!(display(Paint::Rgb(Rgb(255, 0, 0)), Rgb::WHITE), Rgb(255, 0, 0));
        assert_eq!(display(Paint::Rgb(Rgb(255, 255, 0)), Rgb::BLACK), Rgb(255, 255, 0));
        // Dark blue on black inverts.
        assert_eq!(display(Paint::Rgb(Rgb(0, 0, 80)), Rgb::BLACK), Rgb(255, 255, 175));
        assert_eq!(tint(Rgb(0, 0, 0), Rgb::WHITE), Rgb(191, 191, 191));
    }
}
