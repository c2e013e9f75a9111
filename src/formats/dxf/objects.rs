//! OBJECTS the model needs: LAYOUT (tab name, tab order, and the block record that holds its entities).

use super::text::{Encoding, decode};
use super::tokenizer::Tag;

#[derive(Debug, Clone, PartialEq)]
pub struct LayoutInfo {
    pub name: String,
    pub tab_order: i32,
    /// Handle of the `*Model_Space` / `*Paper_Space…` block record (330 of the AcDbLayout subclass).
    pub block_record: Option<String>,
    /// Paper size from the plot settings (44/45, in millimetres as AutoCAD writes them).
    pub paper_size: Option<(f64, f64)>,
}

pub fn layout(body: &[Tag<'_>], enc: Encoding) -> LayoutInfo {
    let mut l = LayoutInfo { name: String::new(), tab_order: 0, block_record: None, paper_size: None };
    let mut subclass: &[u8] = b"";
    let (mut w, mut h) = (0.0, 0.0);
    for t in body {
        match t.code {
            100 => subclass = t.trimmed(),
            1 if subclass == b"AcDbLayout" => l.name = decode(t.raw, enc),
            71 if subclass == b"AcDbLayout" => l.tab_order = t.int().and_then(|v| i32::try_from(v).ok()).unwrap_or(0),
            330 if subclass == b"AcDbLayout" && l.block_record.is_none() => {
                l.block_record = Some(decode(t.trimmed(), enc).to_ascii_uppercase());
            }
            44 if subclass == b"AcDbPlotSettings" => w = t.f64().unwrap_or(0.0),
            45 if subclass == b"AcDbPlotSettings" => h = t.f64().unwrap_or(0.0),
            _ => {}
        }
    }
    if w > 0.0 && h > 0.0 {
        l.paper_size = Some((w, h));
    }
    l
}
