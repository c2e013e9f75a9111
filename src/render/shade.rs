//! Colours and lighting of 3D previews (formats.md §9): which colour a triangle has (instance override, face,
//! solid, part, else a neutral grey-blue) and how bright it is (ambient + a Lambert key light fixed to the
//! camera + a headlight). Normals are in view coordinates: x right, y up, z into the screen.

use crate::model::{Rgb, Rgba};

/// The colour of parts that carry none: a light grey-blue, readable on white and on black.
pub const DEFAULT_COLOUR: [f32; 3] = [0.64, 0.69, 0.78];

/// Light that reaches every face, so faces turned from both lights are not black.
const AMBIENT: f32 = 0.25;
/// A key light above-left of the camera: without it the three faces of a cube seen iso would be equally
/// bright (the headlight alone lights them the same), and the corner would not read.
const KEY_WEIGHT: f32 = 0.5;
const KEY_DIR: [f32; 3] = [-0.456, 0.655, -0.603];
/// The headlight (towards the eye): faces seen head-on are bright whatever the key light does.
const HEAD_WEIGHT: f32 = 0.4;
/// Back faces (the inside of open shells, or misoriented triangles) are drawn this much darker.
const BACK_FACTOR: f32 = 0.75;
/// Feature edges are the face colour darkened to this fraction.
const EDGE_FACTOR: f32 = 0.3;

/// The colour a triangle is drawn in. An occurrence's override wins (STEP's over-riding styled items
/// restyle everything in the occurrence), then the most specific style: face, solid, part.
pub fn base_colour(instance: Option<Rgba>, face: Option<Rgba>, solid: Option<Rgba>, part: Option<Rgba>) -> [f32; 3] {
    instance.or(face).or(solid).or(part).map_or(DEFAULT_COLOUR, |c| {
        let ch = |v: f32| if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.5 };
        [ch(c.r), ch(c.g), ch(c.b)]
    })
}

/// The colour of wires that carry none: a dark slate, so a wireframe reads on the default white
/// background (and on faces of the light default colour).
pub const WIRE_DEFAULT: [f32; 3] = [0.16, 0.18, 0.24];

/// The colour a wire (or free point) is drawn in: its own or its occurrence's, else its part's, else
/// [`WIRE_DEFAULT`]. Wires are unlit lines.
pub fn wire_colour(own: Option<Rgba>, part: Option<Rgba>) -> [f32; 3] {
    own.or(part).map_or(WIRE_DEFAULT, |c| {
        let ch = |v: f32| if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.5 };
        [ch(c.r), ch(c.g), ch(c.b)]
    })
}

/// A face normal turned towards the eye, and whether it had to be turned (the face shows its back).
pub fn facing(n: [f32; 3]) -> ([f32; 3], bool) {
    if n[2] > 0.0 { ([-n[0], -n[1], -n[2]], true) } else { (n, false) }
}

/// Brightness of a surface with unit normal `n` (view coordinates, turned towards the eye by [`facing`]);
/// `back` faces are darker. A zero or NaN normal gets ambient light only.
pub fn intensity(n: [f32; 3], back: bool) -> f32 {
    let key = (n[0] * KEY_DIR[0] + n[1] * KEY_DIR[1] + n[2] * KEY_DIR[2]).max(0.0);
    let head = (-n[2]).max(0.0);
    let i = AMBIENT + KEY_WEIGHT * key + HEAD_WEIGHT * head;
    let i = if i.is_finite() { i.min(1.0) } else { AMBIENT };
    if back { i * BACK_FACTOR } else { i }
}

/// `base × intensity` as an opaque RGBA sample (bytes r, g, b, a in memory order).
pub fn lit(base: [f32; 3], intensity: f32) -> u32 {
    pack(base.map(|c| c * intensity))
}

/// The colour of a feature edge on a face of colour `base`.
pub fn edge(base: [f32; 3]) -> u32 {
    pack(base.map(|c| c * EDGE_FACTOR))
}

/// An opaque sample from 0…1 channels.
pub fn pack(c: [f32; 3]) -> u32 {
    let b = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    u32::from_le_bytes([b(c[0]), b(c[1]), b(c[2]), 255])
}

/// A background sample: opaque for a solid colour, all zero (premultiplied transparent) otherwise.
pub fn background(solid: Option<Rgb>) -> u32 {
    solid.map_or(0, |c| u32::from_le_bytes([c.0, c.1, c.2, 255]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iso_cube_faces_differ_in_brightness() {
        // Unit normals of a cube's top, +X and +Y faces in the iso view's coordinates.
        let (a, b) = (0.816_496_6, 0.577_350_3);
        let top = intensity([0.0, a, -b], false);
        let h = std::f32::consts::FRAC_1_SQRT_2;
        let x_face = intensity([-h, -0.408_248_3, -b], false);
        let y_face = intensity([h, -0.408_248_3, -b], false);
        assert!(top > x_face + 0.1 && x_face > y_face + 0.1, "{top} {x_face} {y_face}");
        assert!(y_face >= AMBIENT);
    }

    #[test]
    fn back_faces_are_darker_and_nan_is_ambient() {
        let (n, back) = facing([0.0, 0.0, 1.0]);
        assert_eq!((n, back), ([-0.0, -0.0, -1.0], true));
        assert!((intensity(n, back) - BACK_FACTOR * intensity([0.0, 0.0, -1.0], false)).abs() < 1e-6);
        assert_eq!(intensity([f32::NAN; 3], false), AMBIENT);
        assert_eq!(intensity([0.0; 3], false), AMBIENT);
    }

    #[test]
    fn colour_precedence_and_packing() {
        let red = Some(Rgba::opaque(1.0, 0.0, 0.0));
        let blue = Some(Rgba::opaque(0.0, 0.0, 1.0));
        assert_eq!(base_colour(None, red, None, blue), [1.0, 0.0, 0.0]);
        assert_eq!(base_colour(blue, red, None, None), [0.0, 0.0, 1.0]);
        assert_eq!(base_colour(None, None, None, None), DEFAULT_COLOUR);
        assert_eq!(lit([1.0, 0.5, 0.0], 1.0).to_le_bytes(), [255, 128, 0, 255]);
        assert_eq!(background(None), 0);
    }
}
