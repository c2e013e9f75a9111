//! What both result schemas derive the same way: effective (resolved) properties, unique ids, categories,
//! which sheets are emitted, and capped diagnostics.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::model::flatten::BlockTable;
use crate::model::{ColourSpec, Document, FileFormat, Layer, Rgb, Sheet, SheetKind};

/// Resolves ByLayer/ByBlock properties against the document's layer table.
pub struct Resolver<'a> {
    layers: HashMap<String, &'a Layer>,
    /// The last name looked up and what it found: consecutive entities mostly share a layer, and a lookup
    /// upper-cases and hashes the name (the writers ask four times per entity).
    last: RefCell<Option<(String, Option<&'a Layer>)>>,
    pub blocks: BlockTable<'a>,
}

impl<'a> Resolver<'a> {
    pub fn new(doc: &'a Document) -> Self {
        let mut layers = HashMap::with_capacity(doc.layers.len());
        for l in &doc.layers {
            layers.entry(l.name.to_ascii_uppercase()).or_insert(l);
        }
        Resolver { layers, last: RefCell::new(None), blocks: doc.block_table() }
    }

    pub fn layer(&self, name: &str) -> Option<&'a Layer> {
        let mut last = self.last.borrow_mut();
        if let Some((key, found)) = &*last {
            // Names equal but for ASCII case upper-case alike, so they find the same layer.
            if key.eq_ignore_ascii_case(name) {
                return *found;
            }
        }
        let found = self.layers.get(&name.to_ascii_uppercase()).copied();
        *last = Some((name.to_owned(), found));
        found
    }

    /// The effective colour: true colour, ACI, the layer's colour for ByLayer, `block` for ByBlock.
    pub fn rgb(&self, colour: ColourSpec, layer: &str, block: Rgb) -> Rgb {
        let layer_rgb = self.layer(layer).map_or(Rgb::WHITE, Layer::rgb);
        colour.resolve(layer_rgb, block)
    }

    /// Effective linetype name: ByLayer → the layer's, ByBlock at top level → CONTINUOUS.
    pub fn linetype(&self, stored: Option<&str>, layer: &str) -> String {
        match stored {
            None => self.layer(layer).map_or_else(|| "CONTINUOUS".to_owned(), |l| l.linetype.clone()),
            Some(s) if s.eq_ignore_ascii_case("BYLAYER") => {
                self.layer(layer).map_or_else(|| "CONTINUOUS".to_owned(), |l| l.linetype.clone())
            }
            Some(s) if s.eq_ignore_ascii_case("BYBLOCK") => "CONTINUOUS".to_owned(),
            Some(s) => s.to_owned(),
        }
    }

    /// Effective lineweight: ByLayer → the layer's, ByBlock at top level → −3 (default).
    pub fn lineweight(&self, stored: Option<i16>, layer: &str) -> i16 {
        match stored {
            None | Some(-1) => self.layer(layer).map_or(-3, |l| l.lineweight),
            Some(-2) => -3,
            Some(v) => v,
        }
    }

    pub fn layer_visible(&self, layer: &str) -> bool {
        self.layer(layer).is_none_or(Layer::is_visible)
    }
}

/// Hands out document-unique ids: the source handle (upper case) the first time it is seen, otherwise
/// `e{n}` with `n` the entity's 1-based position in output order.
///
/// An `e{n}` id never needs a uniqueness check: an upper-cased handle cannot begin with a lower-case `e`,
/// and `n` grows with every id. So only handles are remembered, and a handle of hex digits (what DXF and
/// DWG write) as its length and value, not as a string: the writers ask once per entity, and a string set
/// cost two copies of the handle and a hash of its text each time.
#[derive(Default)]
pub struct Ids {
    hex_handles: HashSet<(u8, u64)>,
    other_handles: HashSet<String>,
    counter: u64,
}

impl Ids {
    pub fn next(&mut self, handle: Option<&str>) -> String {
        self.counter += 1;
        if let Some(h) = handle.filter(|h| !h.is_empty()) {
            let fresh = match hex_handle_key(h) {
                Some(key) => self.hex_handles.insert(key),
                None => self.other_handles.insert(h.to_ascii_uppercase()),
            };
            if fresh {
                return h.to_ascii_uppercase();
            }
        }
        format!("e{}", self.counter)
    }
}

/// A handle of 1–16 hex digits (either case) as its length and value: equal keys exactly when the
/// upper-cased texts are equal (the length keeps `0A` apart from `A`).
fn hex_handle_key(h: &str) -> Option<(u8, u64)> {
    if h.is_empty() || h.len() > 16 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((h.len() as u8, u64::from_str_radix(h, 16).ok()?))
}

/// `text` in ASCII upper case, borrowed when it already is (handles mostly are: readers store them so).
pub fn ascii_upper(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_lowercase()) {
        std::borrow::Cow::Owned(text.to_ascii_uppercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Entities per layer, case-insensitive as layer names are. The writers count every entity, and a drawing
/// has few layers and long runs of entities on one: the layer counted last is remembered, so a repeat
/// costs a compare of its name, not an upper-cased copy and a hash.
#[derive(Default)]
pub struct LayerTally {
    /// Upper-case name → index into `counts`.
    index: HashMap<String, usize>,
    counts: Vec<u64>,
    /// The name as last given and its index.
    last: Option<(String, usize)>,
}

impl LayerTally {
    /// Counts one more on `name`; whether it is the first.
    pub fn add(&mut self, name: &str) -> bool {
        let slot = self.slot(name);
        match self.counts.get_mut(slot) {
            Some(count) => {
                *count += 1;
                *count == 1
            }
            None => false,
        }
    }

    pub fn get(&self, name: &str) -> u64 {
        self.index.get(&name.to_ascii_uppercase()).and_then(|&i| self.counts.get(i)).copied().unwrap_or(0)
    }

    fn slot(&mut self, name: &str) -> usize {
        if let Some((last, slot)) = &self.last {
            if last == name {
                return *slot;
            }
        }
        let key = name.to_ascii_uppercase();
        let slot = match self.index.get(&key) {
            Some(&slot) => slot,
            None => {
                self.counts.push(0);
                self.index.insert(key, self.counts.len() - 1);
                self.counts.len() - 1
            }
        };
        match &mut self.last {
            Some((last, at)) => {
                last.clear();
                last.push_str(name);
                *at = slot;
            }
            None => self.last = Some((name.to_owned(), slot)),
        }
        slot
    }
}

/// The 2.0.0 category of a source type name (result-schema-2.md §5.1).
pub fn category(kind: &str) -> &'static str {
    match kind {
        "LINE" | "LWPOLYLINE" | "POLYLINE" | "ARC" | "CIRCLE" | "ELLIPSE" | "SPLINE" | "POINT" | "SOLID" | "TRACE"
        | "3DFACE" | "RAY" | "XLINE" => "Geometry",
        "TEXT" | "MTEXT" | "DIMENSION" | "LEADER" | "MULTILEADER" | "MLEADER" | "TOLERANCE" | "ATTRIB" | "ATTDEF" => {
            "Annotation"
        }
        "INSERT" => "BlockReference",
        "HATCH" => "Hatch",
        _ => "Other",
    }
}

/// Indices of the sheets a result emits (result-schema-2.md §4): for DWG/DXF, model space (unless it is
/// empty while a layout is not) and then every non-empty layout; other formats keep all their sheets.
/// An empty list means "emit one empty Model sheet".
pub fn emitted_sheets(doc: &Document) -> Vec<usize> {
    let cad = matches!(doc.source.format, FileFormat::Dxf | FileFormat::Dwg);
    if !cad {
        return (0..doc.sheets.len()).collect();
    }
    let model: Option<usize> = doc.sheets.iter().position(|s| s.kind == SheetKind::Model);
    let layouts: Vec<usize> = doc
        .sheets
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind != SheetKind::Model && !s.entities.is_empty())
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    match model {
        Some(m) if !doc.sheets[m].entities.is_empty() || layouts.is_empty() => out.push(m),
        _ => {}
    }
    out.extend(layouts);
    out
}

/// The sheet a `summary.boundingBox` describes: the model sheet, else the first emitted one.
pub fn primary_sheet<'a>(doc: &'a Document, emitted: &[usize]) -> Option<&'a Sheet> {
    emitted
        .iter()
        .map(|&i| &doc.sheets[i])
        .find(|s| s.kind == SheetKind::Model)
        .or_else(|| emitted.first().map(|&i| &doc.sheets[i]))
}

/// At most 100 messages, then one "… and N more" (result-schema-2.md §8).
pub fn capped(messages: &[String]) -> Vec<String> {
    const CAP: usize = 100;
    let mut out: Vec<String> = messages.iter().take(CAP).cloned().collect();
    if messages.len() > CAP {
        out.push(format!("… and {} more", messages.len() - CAP));
    }
    out
}

/// A sheet key slug: lower case, runs outside `[a-z0-9]` → one `-`, trimmed, empty → `sheet`.
pub fn slug(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut dash = false;
    for c in label.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    if out.is_empty() { "sheet".to_owned() } else { out }
}

/// Unique slugs in order: a repeat gets `-2`, `-3` …
pub fn unique_slugs<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for label in labels {
        let base = slug(label);
        let mut candidate = base.clone();
        while used.contains(&candidate) {
            let n = seen.entry(base.clone()).or_insert(1);
            *n += 1;
            candidate = format!("{base}-{n}");
        }
        used.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_hosted_examples() {
        assert_eq!(slug("M-2"), "m-2");
        assert_eq!(slug("Model"), "model");
        assert_eq!(slug("A4 Sheet"), "a4-sheet");
        assert_eq!(slug("  ** "), "sheet");
        assert_eq!(
            unique_slugs(["Layout 1", "layout-1", "Layout 1"].into_iter()),
            ["layout-1", "layout-1-2", "layout-1-3"]
        );
    }

    #[test]
    fn ids_prefer_handles_and_stay_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.next(Some("2a")), "2A");
        assert_eq!(ids.next(Some("2A")), "e2");
        assert_eq!(ids.next(None), "e3");
        // Leading zeros make another handle; a handle spelled like an id is upper-cased apart from it.
        assert_eq!(ids.next(Some("02A")), "02A");
        assert_eq!(ids.next(Some("e5")), "E5");
        assert_eq!(ids.next(None), "e6");
        assert_eq!(ids.next(Some("E5")), "e7");
        // Handles that are not hex (or too long for 64 bits) are compared as upper-cased text.
        assert_eq!(ids.next(Some("h-1")), "H-1");
        assert_eq!(ids.next(Some("H-1")), "e9");
        assert_eq!(ids.next(Some("1234567890abcdef0")), "1234567890ABCDEF0");
        assert_eq!(ids.next(Some("1234567890ABCDEF0")), "e11");
        assert_eq!(ids.next(Some("")), "e12");
    }

    #[test]
    fn layer_tally_counts_case_insensitively_across_changes_of_layer() {
        let mut t = LayerTally::default();
        assert!(t.add("Walls"));
        assert!(!t.add("Walls"));
        assert!(!t.add("WALLS"));
        assert!(t.add("Doors"));
        assert!(!t.add("walls"));
        assert_eq!(t.get("walls"), 4);
        assert_eq!(t.get("DOORS"), 1);
        assert_eq!(t.get("Windows"), 0);
        assert_eq!(ascii_upper("a1b"), "A1B");
        assert!(matches!(ascii_upper("A1B"), std::borrow::Cow::Borrowed("A1B")));
    }

    #[test]
    fn diagnostics_are_capped_at_one_hundred() {
        let many: Vec<String> = (0..105).map(|i| format!("w{i}")).collect();
        let c = capped(&many);
        assert_eq!(c.len(), 101);
        assert_eq!(c[100], "… and 5 more");
    }
}
