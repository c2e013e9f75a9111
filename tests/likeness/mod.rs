//! Ink masks and their F1 score: how much of one picture's drawing the other has, within a small tolerance.
//!
//! Ink is every pixel visibly apart from the background in some channel (by at least [`INK_MIN`]: on white, a
//! darkest channel ≤ 223), so a yellow line is ink as much as a black one: the two renderers correct colours
//! differently and the score is about *where* the drawing is, not its colour. The bar is low because ezdxf
//! draws lineweight-0 lines 0.2 px wide, which anti-alias to a grey of about 205 that a person sees as a line. A pixel of one picture counts as
//! matched when the other picture has ink within [`DILATE_PX`] pixels (its mask dilated by a (2·2+1)² square),
//! so anti-aliasing and sub-pixel placement do not count but a line moved by a few pixels does.
//! precision = our matched ink / our ink, recall = their matched ink / their ink, F1 their harmonic mean.
#![allow(dead_code)]

/// A pixel is ink when a channel differs from the background's by at least this (12.5 % of full scale).
pub const INK_MIN: u8 = 32;
/// Matching tolerance in pixels (Chebyshev distance).
pub const DILATE_PX: usize = 2;

/// A binary picture, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Mask {
    pub width: usize,
    pub height: usize,
    pub bits: Vec<bool>,
}

impl Mask {
    /// The ink of an 8-bit picture on a grey background `bg` (255 white, 0 black) with `channels` samples per
    /// pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA); alpha composites over the background, as pictures are shown.
    pub fn ink(width: usize, height: usize, channels: usize, data: &[u8], bg: u8) -> Mask {
        let bits = data
            .chunks_exact(channels.max(1))
            .take(width * height)
            .map(|px| {
                let (colour, alpha) = match channels {
                    1 => (&px[..1], 255),
                    2 => (&px[..1], px[1]),
                    3 => (&px[..3], 255),
                    _ => (&px[..3], px[3]),
                };
                colour.iter().any(|&c| over(c, alpha, bg).abs_diff(bg) >= INK_MIN)
            })
            .collect();
        Mask { width, height, bits }
    }

    pub fn count(&self) -> usize {
        self.bits.iter().filter(|b| **b).count()
    }

    /// Every pixel within `r` (Chebyshev) of an ink pixel: a box dilation, rows then columns. Each pass
    /// spreads only from ink pixels (a drawing is mostly background), which keeps it fast in a debug build.
    pub fn dilate(&self, r: usize) -> Mask {
        let (w, h) = (self.width, self.height);
        let mut rows = vec![false; w * h];
        for (i, _) in self.bits.iter().enumerate().filter(|(_, b)| **b) {
            let (x, y) = (i % w, i / w);
            rows[y * w + x.saturating_sub(r)..y * w + (x + r + 1).min(w)].fill(true);
        }
        let mut bits = vec![false; w * h];
        for (i, _) in rows.iter().enumerate().filter(|(_, b)| **b) {
            let (x, y) = (i % w, i / w);
            for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                bits[yy * w + x] = true;
            }
        }
        Mask { width: w, height: h, bits }
    }

    /// The top-left `width × height` of the mask (PyMuPDF rounds a page of 768 px up to 769 now and then).
    pub fn crop(&self, width: usize, height: usize) -> Mask {
        let (w, h) = (width.min(self.width), height.min(self.height));
        let bits = (0..h).flat_map(|y| self.bits[y * self.width..y * self.width + w].iter().copied()).collect();
        Mask { width: w, height: h, bits }
    }

    /// Ink pixels of `self` that `other` covers.
    fn matched_by(&self, other: &Mask) -> usize {
        self.bits.iter().zip(&other.bits).filter(|(a, b)| **a && **b).count()
    }
}

/// A straight-alpha sample (as PNG stores it) composited over a grey background.
fn over(v: u8, alpha: u8, bg: u8) -> u8 {
    let a = u32::from(alpha);
    ((u32::from(v) * a + u32::from(bg) * (255 - a) + 127) / 255) as u8
}

/// The likeness of two pictures of one size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Scores `ours` against the reference `theirs` (same size). Two blank pictures are alike (F1 1); a blank
/// picture against a drawn one is not (F1 0).
pub fn score(ours: &Mask, theirs: &Mask) -> Score {
    assert_eq!((ours.width, ours.height), (theirs.width, theirs.height), "pictures of one size");
    let (n_ours, n_theirs) = (ours.count(), theirs.count());
    if n_ours == 0 || n_theirs == 0 {
        let same = n_ours == n_theirs;
        let v = if same { 1.0 } else { 0.0 };
        return Score {
            precision: if n_ours == 0 { 1.0 } else { v },
            recall: if n_theirs == 0 { 1.0 } else { v },
            f1: v,
        };
    }
    let precision = ours.matched_by(&theirs.dilate(DILATE_PX)) as f64 / n_ours as f64;
    let recall = theirs.matched_by(&ours.dilate(DILATE_PX)) as f64 / n_theirs as f64;
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Score { precision, recall, f1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(w: usize, h: usize, ink: &[(usize, usize)]) -> Mask {
        let mut bits = vec![false; w * h];
        for (x, y) in ink {
            bits[y * w + x] = true;
        }
        Mask { width: w, height: h, bits }
    }

    #[test]
    fn ink_is_any_channel_clearly_off_the_background() {
        // RGBA: black, yellow, light grey, black at alpha 20 (nearly white once composited), a hairline's grey.
        let px = [0, 0, 0, 255, 255, 255, 0, 255, 230, 230, 230, 255, 0, 0, 0, 20, 205, 205, 205, 255];
        assert_eq!(Mask::ink(5, 1, 4, &px, 255).bits, [true, true, false, false, true]);
        assert_eq!(Mask::ink(2, 1, 3, &[223, 255, 255, 224, 224, 224], 255).bits, [true, false]);
        // On black: white and blue are ink, a near-black grey is not.
        assert_eq!(Mask::ink(3, 1, 3, &[255, 255, 255, 0, 0, 255, 31, 31, 31], 0).bits, [true, true, false]);
    }

    #[test]
    fn dilation_is_a_five_pixel_square() {
        let d = mask(7, 7, &[(3, 3)]).dilate(2);
        assert_eq!(d.count(), 25);
        let at = |x: usize, y: usize| d.bits[y * 7 + x];
        assert!(at(1, 1) && at(5, 5) && !at(3, 0) && !at(6, 3));
    }

    #[test]
    fn crop_keeps_the_top_left() {
        let m = mask(3, 3, &[(0, 0), (2, 0), (1, 1), (0, 2)]).crop(2, 2);
        assert_eq!((m.width, m.height, m.bits), (2, 2, vec![true, false, false, true]));
    }

    #[test]
    fn a_line_two_pixels_off_matches_and_three_does_not() {
        let line = |y: usize| mask(20, 10, &(0..20).map(|x| (x, y)).collect::<Vec<_>>());
        assert_eq!(score(&line(2), &line(4)).f1, 1.0);
        assert_eq!(score(&line(2), &line(5)).f1, 0.0);
        // Half of our ink is extra: precision 0.5, recall 1, F1 2/3.
        let mut both = line(2);
        both.bits.iter_mut().zip(line(8).bits).for_each(|(a, b)| *a |= b);
        let s = score(&both, &line(2));
        assert_eq!((s.precision, s.recall), (0.5, 1.0));
        assert!((s.f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn blank_pictures_are_alike_only_with_each_other() {
        let blank = mask(4, 4, &[]);
        assert_eq!(score(&blank, &blank).f1, 1.0);
        assert_eq!(score(&blank, &mask(4, 4, &[(1, 1)])).f1, 0.0);
        assert_eq!(score(&mask(4, 4, &[(1, 1)]), &blank).f1, 0.0);
    }
}
