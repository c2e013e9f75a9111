//! Generator of a synthetic AutoCAD-2018-shaped drawing (AC1032) for the DXF benchmark, as ASCII or binary
//! DXF from one tag stream, so both encodings hold exactly the same data.
//!
//! The mix (≈ 200 k LINE, 50 k LWPOLYLINE, 50 k CIRCLE, 20 k TEXT on a handful of layers) and the tag layout
//! (handles, owners, subclass markers, 16-digit coordinates) follow what AutoCAD writes, so the file exercises
//! the reader the way real drawings do. Deterministic: a small LCG, no clock, no randomness from outside.

use std::io::{self, Write};

/// How many of each entity to write.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    pub lines: u32,
    pub lwpolylines: u32,
    pub circles: u32,
    pub texts: u32,
}

/// The issue's mix: a ≈ 65 MB ASCII file.
pub const FULL: Mix = Mix { lines: 200_000, lwpolylines: 50_000, circles: 50_000, texts: 20_000 };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Ascii,
    Binary,
}

const LAYERS: [(&str, i16); 5] = [("0", 7), ("WALLS", 1), ("DOORS", 3), ("TEXT", 5), ("DIMS", 2)];
const VERTICES_PER_POLYLINE: u32 = 4;

/// A tag sink: the same calls make ASCII or binary DXF.
struct Writer<W: Write> {
    out: W,
    encoding: Encoding,
}

impl<W: Write> Writer<W> {
    fn code(&mut self, code: u16) -> io::Result<()> {
        match self.encoding {
            Encoding::Ascii => write!(self.out, "{code:>3}\r\n"),
            Encoding::Binary => self.out.write_all(&code.to_le_bytes()),
        }
    }

    fn str(&mut self, code: u16, value: &str) -> io::Result<()> {
        self.code(code)?;
        match self.encoding {
            Encoding::Ascii => write!(self.out, "{value}\r\n"),
            Encoding::Binary => {
                self.out.write_all(value.as_bytes())?;
                self.out.write_all(&[0])
            }
        }
    }

    fn f64(&mut self, code: u16, value: f64) -> io::Result<()> {
        self.code(code)?;
        match self.encoding {
            // AutoCAD writes up to 16 significant digits, trailing zeros dropped.
            Encoding::Ascii => writeln!(self.out, "{}\r", sixteen_digits(value)),
            Encoding::Binary => self.out.write_all(&value.to_le_bytes()),
        }
    }

    fn i16(&mut self, code: u16, value: i16) -> io::Result<()> {
        self.code(code)?;
        match self.encoding {
            Encoding::Ascii => write!(self.out, "{value:>6}\r\n"),
            Encoding::Binary => self.out.write_all(&value.to_le_bytes()),
        }
    }

    fn i32(&mut self, code: u16, value: i32) -> io::Result<()> {
        self.code(code)?;
        match self.encoding {
            Encoding::Ascii => write!(self.out, "{value:>9}\r\n"),
            Encoding::Binary => self.out.write_all(&value.to_le_bytes()),
        }
    }

    fn point(&mut self, code: u16, x: f64, y: f64, z: f64) -> io::Result<()> {
        self.f64(code, x)?;
        self.f64(code + 10, y)?;
        self.f64(code + 20, z)
    }
}

/// `value` with 16 significant digits and no trailing zeros, the way AutoCAD writes reals.
fn sixteen_digits(value: f64) -> String {
    let integer_digits = if value.abs() < 1.0 { 1 } else { value.abs().log10().floor() as usize + 1 };
    let decimals = 16usize.saturating_sub(integer_digits);
    let text = format!("{value:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
}

/// Deterministic coordinates.
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self, scale: f64) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // 53 random bits → [0, 1) → [0, scale), with a fractional part that needs all digits.
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * scale
    }
}

/// Writes the whole drawing.
pub fn write<W: Write>(out: W, encoding: Encoding, mix: Mix) -> io::Result<()> {
    let mut w = Writer { out, encoding };
    if encoding == Encoding::Binary {
        w.out.write_all(b"AutoCAD Binary DXF\r\n\x1a\x00")?;
    }
    header(&mut w)?;
    tables(&mut w)?;
    blocks(&mut w)?;
    entities(&mut w, mix)?;
    w.str(0, "SECTION")?;
    w.str(2, "OBJECTS")?;
    w.str(0, "DICTIONARY")?;
    w.str(5, "C")?;
    w.str(330, "0")?;
    w.str(100, "AcDbDictionary")?;
    w.str(0, "ENDSEC")?;
    w.str(0, "EOF")?;
    w.out.flush()
}

fn header<W: Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.str(999, "cadlens benchmark generator")?;
    w.str(0, "SECTION")?;
    w.str(2, "HEADER")?;
    w.str(9, "$ACADVER")?;
    w.str(1, "AC1032")?;
    w.str(9, "$DWGCODEPAGE")?;
    w.str(3, "ANSI_1252")?;
    w.str(9, "$INSUNITS")?;
    w.i16(70, 4)?;
    w.str(9, "$EXTMIN")?;
    w.point(10, 0.0, 0.0, 0.0)?;
    w.str(9, "$EXTMAX")?;
    w.point(10, 10_000.0, 10_000.0, 0.0)?;
    w.str(9, "$LTSCALE")?;
    w.f64(40, 1.0)?;
    w.str(9, "$HANDSEED")?;
    w.str(5, "FFFFFF")?;
    w.str(0, "ENDSEC")
}

fn tables<W: Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.str(0, "SECTION")?;
    w.str(2, "TABLES")?;
    w.str(0, "TABLE")?;
    w.str(2, "LAYER")?;
    w.str(5, "2")?;
    w.str(330, "0")?;
    w.str(100, "AcDbSymbolTable")?;
    w.i16(70, LAYERS.len() as i16)?;
    for (i, (name, colour)) in LAYERS.iter().enumerate() {
        w.str(0, "LAYER")?;
        w.str(5, &format!("{:X}", 0x10 + i))?;
        w.str(330, "2")?;
        w.str(100, "AcDbSymbolTableRecord")?;
        w.str(100, "AcDbLayerTableRecord")?;
        w.str(2, name)?;
        w.i16(70, 0)?;
        w.i16(62, *colour)?;
        w.str(6, "Continuous")?;
        w.i16(370, -3)?;
        w.str(390, "F")?;
    }
    w.str(0, "ENDTAB")?;
    w.str(0, "TABLE")?;
    w.str(2, "BLOCK_RECORD")?;
    w.str(5, "1")?;
    w.str(330, "0")?;
    w.str(100, "AcDbSymbolTable")?;
    w.i16(70, 2)?;
    for (handle, name) in [("1F", "*Model_Space"), ("1E", "*Paper_Space")] {
        w.str(0, "BLOCK_RECORD")?;
        w.str(5, handle)?;
        w.str(330, "1")?;
        w.str(100, "AcDbSymbolTableRecord")?;
        w.str(100, "AcDbBlockTableRecord")?;
        w.str(2, name)?;
    }
    w.str(0, "ENDTAB")?;
    w.str(0, "ENDSEC")
}

fn blocks<W: Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.str(0, "SECTION")?;
    w.str(2, "BLOCKS")?;
    for (handle, owner, name) in [("20", "1F", "*Model_Space"), ("1C", "1E", "*Paper_Space")] {
        w.str(0, "BLOCK")?;
        w.str(5, handle)?;
        w.str(330, owner)?;
        w.str(100, "AcDbEntity")?;
        w.str(8, "0")?;
        w.str(100, "AcDbBlockBegin")?;
        w.str(2, name)?;
        w.i16(70, 0)?;
        w.point(10, 0.0, 0.0, 0.0)?;
        w.str(3, name)?;
        w.str(1, "")?;
        w.str(0, "ENDBLK")?;
        w.str(5, &format!("{handle}1"))?;
        w.str(330, owner)?;
        w.str(100, "AcDbEntity")?;
        w.str(8, "0")?;
        w.str(100, "AcDbBlockEnd")?;
    }
    w.str(0, "ENDSEC")
}

fn entity_head<W: Write>(w: &mut Writer<W>, kind: &str, handle: &mut u32, layer: &str) -> io::Result<()> {
    *handle += 1;
    w.str(0, kind)?;
    w.str(5, &format!("{:X}", *handle))?;
    w.str(330, "1F")?;
    w.str(100, "AcDbEntity")?;
    w.str(8, layer)
}

fn entities<W: Write>(w: &mut Writer<W>, mix: Mix) -> io::Result<()> {
    w.str(0, "SECTION")?;
    w.str(2, "ENTITIES")?;
    let mut rng = Lcg(0x5eed);
    let mut handle = 0x1000u32;
    let extent = 10_000.0;
    for i in 0..mix.lines {
        entity_head(w, "LINE", &mut handle, LAYERS[(i % 2) as usize + 1].0)?;
        w.str(100, "AcDbLine")?;
        let (x, y) = (rng.next_f64(extent), rng.next_f64(extent));
        w.point(10, x, y, 0.0)?;
        w.point(11, x + rng.next_f64(50.0), y + rng.next_f64(50.0), 0.0)?;
    }
    for i in 0..mix.lwpolylines {
        entity_head(w, "LWPOLYLINE", &mut handle, LAYERS[(i % 2) as usize + 1].0)?;
        w.str(100, "AcDbPolyline")?;
        w.i32(90, VERTICES_PER_POLYLINE as i32)?;
        w.i16(70, (i % 2) as i16)?;
        w.f64(43, 0.0)?;
        let (x, y) = (rng.next_f64(extent), rng.next_f64(extent));
        for v in 0..VERTICES_PER_POLYLINE {
            w.f64(10, x + rng.next_f64(100.0))?;
            w.f64(20, y + rng.next_f64(100.0))?;
            if v % 3 == 1 {
                w.f64(42, 0.41421356237309503)?;
            }
        }
    }
    for _ in 0..mix.circles {
        entity_head(w, "CIRCLE", &mut handle, "DOORS")?;
        w.str(100, "AcDbCircle")?;
        w.point(10, rng.next_f64(extent), rng.next_f64(extent), 0.0)?;
        w.f64(40, 1.0 + rng.next_f64(25.0))?;
    }
    for i in 0..mix.texts {
        entity_head(w, "TEXT", &mut handle, "TEXT")?;
        w.str(100, "AcDbText")?;
        w.point(10, rng.next_f64(extent), rng.next_f64(extent), 0.0)?;
        w.f64(40, 2.5)?;
        w.str(1, &format!("Room {i} – Ø {:.1}", rng.next_f64(100.0)))?;
        w.f64(50, 0.0)?;
        w.str(7, "Standard")?;
        w.str(100, "AcDbText")?;
    }
    w.str(0, "ENDSEC")
}
