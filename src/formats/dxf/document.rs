//! The section walk: HEADER, CLASSES (skipped), TABLES, BLOCKS, ENTITIES, OBJECTS, up to `0 EOF`, and the
//! assembly of sheets (model space first, then layouts in tab order) from where entities were found.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::blocks::check_cycles;
use super::entities::{self, BadValue, Common, Kind, PolylineBuilder, Read, vertex_from};
use super::error::DxfError;
use super::header::{Header, release_name};
use super::objects::{InvertedClip, LayoutInfo, SpatialFilter, clip_dictionary, inverted_clip, layout, spatial_filter};
use super::reader::{Body, Reader, Source as TagSource};
use super::split::{self, ChunkEnd, ChunkRead, ChunkStop, ChunksOut, SplitOffer, SplitPlan, SplitStart};
use super::tables;
use super::text::{Encoding, decode};
use super::tokenizer::{BINARY_SENTINEL, Tag, Tokens};
use crate::model::{
    Attrib, BlockDef, Document, Entity, EntityList, FileFormat, Geom, LengthUnit, Sheet, SheetKind, Source, Units,
    UnitsSource,
};

/// An entity with followers (POLYLINE's VERTEXes, INSERT's ATTRIBs): its geometry (or the value that
/// spoiled it), and the head of the record read ahead that belongs to the next entity.
type Followed<'a> = (Result<Option<Read>, BadValue>, Option<Tag<'a>>);

/// Warnings, and errors, a document keeps at most (the first ones).
pub(super) const MAX_DIAGNOSTICS: usize = 1000;

/// What the first builder does with a record head of ENTITIES in a split read ([`Builder::meet_split`]).
enum Meet {
    /// Read it.
    Read,
    /// Skip it: a chunk the second thread read, which holds this record, was adopted.
    Skip,
    /// The section is over (the adopted chunk ran to its end): this is how it ended.
    End(Result<bool, DxfError>),
}

/// A block being read, until its ENDBLK.
struct OpenBlock {
    def: BlockDef,
}

pub struct Builder<'a> {
    bytes: &'a [u8],
    r: Reader<'a>,
    doc: Document,
    header: Header,
    /// Model space: the entities before `model`, in runs handed over whole (chunks the second thread of a
    /// split read read, the full runs of a chunk builder).
    model_runs: EntityList,
    /// Model space: the run being filled.
    model: Vec<Entity>,
    /// Fill `model` only up to its capacity, then start a new run of [`split::ENTITY_RUN`] (the second
    /// builder of a split read); otherwise `model` grows as vectors do.
    model_in_runs: bool,
    paper: Vec<Entity>,
    /// Entities of `*Paper_Space0…` blocks by upper-case block name.
    layout_blocks: Vec<(String, Vec<Entity>)>,
    block: Option<OpenBlock>,
    block_records: Vec<(Option<String>, String)>,
    /// DIMSTYLE entries (name, arrow values) for LEADER arrowheads.
    dimstyles: Vec<(String, entities::DimStyleArrows)>,
    /// Handles of the `*Paper_Space` block record (upper case).
    paper_owner_handles: Vec<String>,
    layouts: Vec<LayoutInfo>,
    stray_tags: u64,
    codepage_fallback: bool,
    /// Handles of entities that belong to an MTEXT (its column parts and text frame, named in its ACAD
    /// XDATA by 1005 handles): part of the MTEXT, not entities of their own.
    mtext_parts: HashSet<Vec<u8>>,
    mtext_parts_merged: u64,
    layer_names: entities::LayerNames<'a>,
    /// XCLIP: INSERT handle → its extension dictionary (upper case), and the objects of the chain from
    /// there to the clip boundary, resolved when the document is finished (OBJECTS come last).
    insert_xdicts: HashMap<Vec<u8>, Vec<u8>>,
    clip_dicts: HashMap<Vec<u8>, Vec<(String, Vec<u8>)>>,
    spatial_filters: HashMap<Vec<u8>, SpatialFilter>,
    inverted_clips: HashMap<Vec<u8>, InvertedClip>,
    /// In a pipelined or split read: bytes of `model`'s storage filled so far, for the helper thread that
    /// faults the storage in ahead of the builder ([`super::memory::Prefault`]).
    model_filled: Option<Arc<AtomicUsize>>,
    /// A second thread waiting to read chunks of ENTITIES ([`split`]), until ENTITIES begins.
    split_offer: Option<SplitOffer<'a>>,
    /// The split made: the chunk boundaries, and the chunks the second thread read.
    split_plan: Option<SplitPlan<'a>>,
    /// In a chunk builder (the second thread's): where its chunk ends.
    chunk_stop: Option<ChunkStop>,
    /// Whether this builder took over chunks the second thread read (counted once per read).
    adopted_chunks: bool,
}

impl<'a> Builder<'a> {
    pub fn new(bytes: &'a [u8]) -> Builder<'a> {
        Builder::with_reader(bytes, Reader::new(bytes))
    }

    /// A builder that takes its tags from `r` (which reads `bytes`, maybe on another thread).
    pub(super) fn with_reader(bytes: &'a [u8], r: Reader<'a>) -> Builder<'a> {
        // An entity takes 150 bytes of ASCII DXF or 100 of binary or more: reserving by the input size
        // saves the regrowth copies of a large model space; pages never used are never touched, and the
        // input bounds the size.
        let model_capacity = (bytes.len() / if bytes.starts_with(BINARY_SENTINEL) { 100 } else { 150 }).min(1 << 20);
        Builder::with_model_capacity(bytes, r, model_capacity)
    }

    fn with_model_capacity(bytes: &'a [u8], r: Reader<'a>, model_capacity: usize) -> Builder<'a> {
        let doc = Document::new(Source::new(FileFormat::Dxf, bytes.len() as u64));
        Builder {
            bytes,
            r,
            doc,
            header: Header::default(),
            model_runs: EntityList::new(),
            model: super::memory::entity_storage(model_capacity),
            model_in_runs: false,
            paper: Vec::new(),
            layout_blocks: Vec::new(),
            block: None,
            block_records: Vec::new(),
            dimstyles: Vec::new(),
            paper_owner_handles: Vec::new(),
            layouts: Vec::new(),
            stray_tags: 0,
            codepage_fallback: false,
            mtext_parts: HashSet::new(),
            mtext_parts_merged: 0,
            layer_names: entities::LayerNames::default(),
            insert_xdicts: HashMap::new(),
            clip_dicts: HashMap::new(),
            spatial_filters: HashMap::new(),
            inverted_clips: HashMap::new(),
            model_filled: None,
            split_offer: None,
            split_plan: None,
            chunk_stop: None,
            adopted_chunks: false,
        }
    }

    /// Lets this builder share ENTITIES with the thread behind `offer`, as `offer.chunking` says.
    pub(super) fn offer_split(&mut self, offer: SplitOffer<'a>) {
        self.split_offer = Some(offer);
    }

    /// At the start of ENTITIES: cuts the section into chunks at record heads, when there is enough of it
    /// and a thread waits, and sends the second thread what its records need.
    fn make_split(&mut self) {
        let Some(offer) = self.split_offer.take() else {
            return;
        };
        let Some(tokens) = self.r.direct() else {
            return;
        };
        let here = tokens.byte_pos();
        let rest = offer.entities_end.min(self.bytes.len()).saturating_sub(here);
        if rest < offer.chunking.min_rest {
            return;
        }
        let (binary, wide_codes) = (tokens.is_binary(), tokens.wide_codes());
        let boundaries: Arc<[split::SplitPoint]> =
            split::chunk_boundaries(self.bytes, here, rest, offer.chunking.min_chunk, binary, wide_codes).into();
        if boundaries.is_empty() {
            return;
        }
        let shared = Arc::new(split::Shared::new(boundaries.len() + 1));
        let start = SplitStart {
            boundaries: Arc::clone(&boundaries),
            shared: Arc::clone(&shared),
            entry: here,
            entry_newlines: tokens.newlines_before(),
            header: self.header.clone(),
            enc: self.r.enc,
            block_records: self.block_records.clone(),
            dimstyles: self.dimstyles.clone(),
            paper_owner_handles: self.paper_owner_handles.clone(),
        };
        let SplitOffer { start: to_second, from_second, chunking, .. } = offer;
        if to_second.send(start).is_ok() {
            self.split_plan = Some(SplitPlan::new(boundaries, chunking.meeting, shared, from_second));
        }
    }

    /// With each record head of ENTITIES while a split read is on: at or past the head that ends the chunk
    /// this thread reads, [`Builder::at_boundary`] decides.
    #[inline]
    fn meet_split(&mut self, head: &Tag<'a>) -> Meet {
        let at = head.raw.as_ptr().addr();
        match self.split_plan.as_ref().and_then(SplitPlan::next_value_at) {
            Some(value_at) if at >= value_at => self.at_boundary(at),
            _ => Meet::Read,
        }
    }

    /// At exactly a chunk's head with nothing open, when the second thread has read that chunk: adopts it.
    /// Otherwise (past the head, something open, or the chunk not read yet) reads on into it in this thread,
    /// which the second thread then leaves alone.
    #[cold]
    fn at_boundary(&mut self, at: usize) -> Meet {
        let clean = self.block.is_none() && self.mtext_parts.is_empty();
        while let Some(plan) = self.split_plan.as_mut() {
            let Some(value_at) = plan.next_value_at() else {
                break;
            };
            if at < value_at {
                break;
            }
            if at == value_at && clean {
                if let Some(read) = plan.take_done(plan.chunk_after()) {
                    return self.adopt(*read);
                }
            }
            plan.read_on();
        }
        Meet::Read
    }

    /// Continues with a chunk the second thread read, as if this builder had read it. A chunk read to the
    /// section's end ends the section; one that stopped at a boundary leaves this builder before that
    /// boundary's head, unread, which it meets as its next record (and there maybe the next chunk read).
    fn adopt(&mut self, read: ChunkRead<'a>) -> Meet {
        if !self.adopted_chunks {
            self.adopted_chunks = true;
            split::count_adopted();
        }
        self.r.resume(read.tokens, read.peeked);
        // The chunk's runs follow this builder's as they are: no entity is copied.
        self.seal_model_run();
        for run in read.model.into_runs() {
            self.model_runs.append_run(run);
        }
        self.paper.extend(read.paper);
        self.layout_blocks.extend(read.layout_blocks);
        self.doc.blocks.extend(read.blocks);
        self.block = read.open_block.map(|def| OpenBlock { def });
        split::append_diagnostics(&mut self.doc.diagnostics, read.diagnostics);
        self.stray_tags += read.stray_tags;
        self.mtext_parts = read.mtext_parts;
        self.mtext_parts_merged += read.mtext_parts_merged;
        self.layer_names.absorb(read.layer_names);
        self.insert_xdicts.extend(read.insert_xdicts);
        match read.end {
            ChunkEnd::Section => {
                self.split_plan = None;
                Meet::End(read.result)
            }
            ChunkEnd::Boundary(i) => {
                if let Some(plan) = self.split_plan.as_mut() {
                    plan.stand_at(i);
                }
                Meet::Skip
            }
        }
    }

    /// From now on publishes how many bytes of the model-space entity storage are filled, to the
    /// [`Prefault`](super::memory::Prefault) returned, which a helper thread advances ahead of this builder.
    pub(super) fn prefault_model_storage(&mut self) -> super::memory::Prefault {
        let filled = Arc::new(AtomicUsize::new(0));
        self.model_filled = Some(Arc::clone(&filled));
        let base = self.model.as_ptr().addr();
        let len = self.model.capacity().saturating_mul(size_of::<Entity>());
        super::memory::Prefault::new(base, len, filled)
    }

    /// Reads every section up to `0 EOF`.
    pub fn run(&mut self) -> Result<(), DxfError> {
        let mut body = Body::new();
        let mut first = true;
        loop {
            let Some(t) = self.r.next_tag()? else {
                return Err(self.r.eof("`0 EOF`"));
            };
            if t.code == 999 {
                if first && self.doc.source.producer.is_none() {
                    self.doc.source.producer = Some(decode(t.raw, Encoding::Cp1252).trim().to_owned());
                }
                continue;
            }
            if t.code != 0 {
                if first {
                    return Err(DxfError::NotDxf {
                        pos: t.pos(),
                        expected: "`0 SECTION` (or a 999 comment) at the start of a DXF file",
                        found: format!("group code {}", t.code),
                    });
                }
                self.stray_tags += 1;
                continue;
            }
            if first && !t.is(0, b"SECTION") && !t.is(0, b"EOF") {
                return Err(DxfError::NotDxf {
                    pos: t.pos(),
                    expected: "`0 SECTION` at the start of a DXF file",
                    found: Reader::name_of(&t),
                });
            }
            first = false;
            if t.is(0, b"EOF") {
                return Ok(());
            }
            self.r.read_body(&mut body)?;
            if !t.is(0, b"SECTION") {
                self.warn(format!("{}: record {:?} outside any section skipped", t.pos(), Reader::name_of(&t)));
                continue;
            }
            let name = body.iter().find(|t| t.code == 2).map(|t| t.trimmed().to_ascii_uppercase()).unwrap_or_default();
            let ended_by_eof = self.section(&name, &mut body);
            // A split not met in its section is given up (the second thread stops).
            self.split_plan = None;
            if ended_by_eof? {
                return Ok(());
            }
        }
    }

    fn warn(&mut self, w: String) {
        if self.doc.diagnostics.warnings.len() < MAX_DIAGNOSTICS {
            self.doc.diagnostics.warnings.push(w);
        }
    }

    fn bad_entity(&mut self, kind: &str, e: BadValue) {
        let msg = format!(
            "{}: {kind}: group code {}: unusable value {:?}; entity skipped, reading resumes at the next 0 tag",
            e.at, e.code, e.found
        );
        if self.doc.diagnostics.errors.len() < MAX_DIAGNOSTICS {
            self.doc.diagnostics.errors.push(msg);
        }
    }

    /// Reads one section's records up to ENDSEC. Returns true when `0 EOF` came first (missing ENDSEC).
    fn section(&mut self, name: &[u8], body: &mut Body<'a>) -> Result<bool, DxfError> {
        if name == b"HEADER" {
            // The header is one record: all its variables sit between `2 HEADER` and the `0 ENDSEC`.
            self.header = Header::parse(body);
            self.apply_header();
        }
        // ENTITIES holds model and active paper space; BLOCKS holds block definitions and other layouts.
        let has_entities = name == b"ENTITIES" || name == b"BLOCKS";
        if name == b"ENTITIES" {
            self.make_split();
        }
        let mut follow = Body::new();
        let mut pending: Option<Tag<'a>> = None;
        loop {
            let head = match pending.take() {
                Some(h) => {
                    std::mem::swap(body, &mut follow);
                    h
                }
                None => self.r.next_record(body, &mut self.stray_tags)?,
            };
            match self.meet_split(&head) {
                Meet::Read => {}
                Meet::Skip => continue,
                Meet::End(end) => return end,
            }
            if self.chunk_stop.is_some() {
                let clean = self.block.is_none() && self.mtext_parts.is_empty();
                if self.chunk_stop.as_mut().is_some_and(|s| s.ends_at(head.raw.as_ptr().addr(), head.at(), clean)) {
                    return Ok(false);
                }
            }
            let kind = head.trimmed();
            if kind == b"ENDSEC" {
                return Ok(false);
            }
            if kind == b"EOF" {
                self.warn(format!("{}: section ended by EOF without ENDSEC", head.pos()));
                return Ok(true);
            }
            match name {
                b"TABLES" => self.table_entry(kind, body),
                b"OBJECTS" if kind == b"LAYOUT" => self.layouts.push(layout(body, self.r.enc)),
                b"OBJECTS" if kind == b"DICTIONARY" => {
                    if let Some((h, entries)) = clip_dictionary(body, self.r.enc) {
                        self.clip_dicts.insert(h, entries);
                    }
                }
                b"OBJECTS" if kind == b"SPATIAL_FILTER" => {
                    if let Some((h, f)) = spatial_filter(body) {
                        self.spatial_filters.insert(h, f);
                    }
                }
                // Drawings hold many XRECORDs and few clips: only a drawing with a SPATIAL_FILTER read so far
                // looks into them (writers put the XRECORD after its filter; one read before it would leave
                // the clip its filter's own boundary, the outline of the same cut-away region).
                b"OBJECTS" if kind == b"XRECORD" && !self.spatial_filters.is_empty() => {
                    if let Some((h, c)) = inverted_clip(body) {
                        self.inverted_clips.insert(h, c);
                    }
                }
                _ if has_entities => {
                    pending = self.entity_record(&head, body, &mut follow)?;
                }
                _ => {}
            }
        }
    }

    fn apply_header(&mut self) {
        let (enc, fallback) = Encoding::for_file(self.header.acadver.as_deref(), self.header.codepage.as_deref());
        self.r.enc = enc;
        self.codepage_fallback = fallback;
    }

    fn table_entry(&mut self, kind: &[u8], body: &[Tag<'a>]) {
        let enc = self.r.enc;
        match kind {
            b"LAYER" => {
                let l = tables::layer(body, enc);
                if !l.name.is_empty() {
                    self.doc.layers.push(l);
                }
            }
            b"LTYPE" => self.doc.linetypes.push(tables::linetype(body, enc)),
            b"BLOCK_RECORD" => {
                let (handle, name) = tables::block_record(body, enc);
                if let Some(h) = &handle {
                    if name.eq_ignore_ascii_case("*PAPER_SPACE") {
                        self.paper_owner_handles.push(h.clone());
                    }
                }
                self.block_records.push((handle, name));
            }
            b"DIMSTYLE" => self.dimstyles.push(entities::dimstyle(body, enc)),
            _ => {}
        }
    }

    /// One record of ENTITIES or BLOCKS. Returns the head of a record read ahead while collecting
    /// followers (VERTEX, ATTRIB, SEQEND) that belongs to the next entity; its body is in `follow`.
    fn entity_record(
        &mut self,
        head: &Tag<'a>,
        body: &[Tag<'a>],
        follow: &mut Body<'a>,
    ) -> Result<Option<Tag<'a>>, DxfError> {
        let enc = self.r.enc;
        let (kind, known, exact) = entity_kind(head.trimmed(), enc);
        // The structural records are recognised as spelled (upper case), as they always were.
        match known.filter(|_| exact) {
            Some(Kind::Block) => {
                self.open_block(body);
                return Ok(None);
            }
            Some(Kind::EndBlk) => {
                self.close_block();
                return Ok(None);
            }
            Some(Kind::SeqEnd | Kind::Vertex | Kind::Attrib) => {
                self.warn(format!("{}: {} without its POLYLINE/INSERT skipped", head.pos(), Reader::name_of(head)));
                return Ok(None);
            }
            _ => {}
        }
        let common = Common::parse(body, enc);
        if known == Some(Kind::Mtext) {
            self.collect_mtext_parts(body);
        }
        if !self.mtext_parts.is_empty()
            && common.handle.as_ref().is_some_and(|h| self.mtext_parts.contains(h.as_bytes()))
        {
            self.mtext_parts_merged += 1;
            return Ok(None);
        }
        let (geom, pending) = match known {
            Some(Kind::Polyline) => self.polyline(body, follow)?,
            Some(Kind::Insert) => self.insert(body, follow)?,
            Some(Kind::MultiLeader | Kind::MLeader) => {
                let records = &self.block_records;
                let block_name = |h: &[u8]| {
                    records.iter().find_map(|(handle, name)| {
                        handle.as_ref().filter(|x| x.as_bytes().eq_ignore_ascii_case(h)).map(|_| name.clone())
                    })
                };
                (entities::mleader(body, enc, &block_name).map(|g| Some(Read::Geom(g))), None)
            }
            Some(Kind::Leader) => {
                let records = &self.block_records;
                let block_name = |h: &[u8]| {
                    records.iter().find_map(|(handle, name)| {
                        handle.as_ref().filter(|x| x.as_bytes().eq_ignore_ascii_case(h)).map(|_| name.clone())
                    })
                };
                let styles = &self.dimstyles;
                let style =
                    |name: &str| styles.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, a)| a.clone());
                let metric = self.header.measurement == Some(1);
                (entities::leader(body, enc, &style, &block_name, metric).map(|g| Some(Read::Geom(g))), None)
            }
            Some(k) => (entities::read_kind(k, body, enc).map(Some), None),
            None => (Ok(Some(Read::Skipped { three_d: false })), None),
        };
        let geom = match geom {
            Ok(Some(Read::Geom(g))) => g,
            Ok(Some(Read::Skipped { three_d })) => {
                self.doc.diagnostics.skip(&kind);
                if three_d {
                    self.doc.diagnostics.unsupported_3d += 1;
                }
                // A proxy stays skipped (its data is the writer's own), but the graphics it carries are drawn.
                let parts = if kind == "ACAD_PROXY_ENTITY" {
                    entities::proxy_graphics(body).map(|g| entities::proxy_parts(&g, enc)).unwrap_or_default()
                } else {
                    Vec::new()
                };
                if parts.is_empty() {
                    Geom::Other { position: None }
                } else {
                    Geom::Proxy(Box::new(crate::model::ProxyGraphics { parts }))
                }
            }
            Ok(Some(Read::Dropped)) => {
                self.doc.diagnostics.skip(&kind);
                self.warn(format!("{}: {kind} is not a drawing entity; skipped", head.pos()));
                return Ok(pending);
            }
            Ok(None) => return Ok(pending),
            Err(e) => {
                self.bad_entity(&kind, e);
                return Ok(pending);
            }
        };
        let paper = common.paper
            || common
                .owner
                .is_some_and(|o| self.paper_owner_handles.iter().any(|h| h.as_bytes().eq_ignore_ascii_case(o)));
        // Only inserts can carry a clip; the extension dictionary is looked for on them alone.
        if let (Geom::Insert(_), Some(h)) = (&geom, &common.handle) {
            if let Some(x) = entities::xdictionary(body) {
                self.insert_xdicts.insert(h.as_bytes().to_vec(), x.to_ascii_uppercase());
            }
        }
        let layer = self.layer_names.get(common.layer, enc);
        let entity = common.into_entity(kind, layer, geom);
        self.place(entity, paper);
        Ok(pending)
    }

    /// Records the handles an MTEXT's ACAD XDATA names between `ACAD_MTEXT_COLUMNS_BEGIN`/`…_END` and
    /// `ACAD_MTEXT_TEXT_BORDERS_BEGIN`/`…_END` (R2000–R2013 store columns and frames as separate entities).
    fn collect_mtext_parts(&mut self, body: &[Tag<'a>]) {
        let mut inside = false;
        for t in body.iter().filter(|t| t.code >= 1000) {
            match t.code {
                1000 => {
                    let v = t.trimmed();
                    if v == b"ACAD_MTEXT_COLUMNS_BEGIN" || v == b"ACAD_MTEXT_TEXT_BORDERS_BEGIN" {
                        inside = true;
                    } else if v.ends_with(b"_END") {
                        inside = false;
                    }
                }
                1005 if inside => {
                    self.mtext_parts.insert(t.trimmed().to_ascii_uppercase());
                }
                _ => {}
            }
        }
    }

    fn place(&mut self, e: Entity, paper: bool) {
        if let Some(b) = &mut self.block {
            b.def.entities.push(e);
        } else if paper {
            self.paper.push(e);
        } else {
            if self.model_in_runs && self.model.len() == self.model.capacity() {
                self.seal_model_run();
                self.model = super::memory::entity_storage(split::ENTITY_RUN);
            }
            self.model.push(e);
            self.publish_fill();
        }
    }

    /// Ends the model-space run being filled: later entities go to a new one. The storage faulted in for
    /// this builder is that run's, so the helper faulting it in is told no more.
    fn seal_model_run(&mut self) {
        self.model_runs.append_run(std::mem::take(&mut self.model));
        self.model_filled = None;
    }

    /// Tells the thread faulting in the model's storage how far it is filled.
    #[inline]
    fn publish_fill(&self) {
        if let Some(filled) = &self.model_filled {
            filled.store(self.model.len() * size_of::<Entity>(), Ordering::Relaxed);
        }
    }

    /// Reads the next record into `follow`; returns its head.
    fn read_follower(&mut self, follow: &mut Body<'a>) -> Result<Tag<'a>, DxfError> {
        self.r.next_record(follow, &mut self.stray_tags)
    }

    fn polyline(&mut self, body: &[Tag<'a>], follow: &mut Body<'a>) -> Result<Followed<'a>, DxfError> {
        let mut builder = PolylineBuilder::new(body);
        let mut capped = false;
        loop {
            let head = self.read_follower(follow)?;
            match head.trimmed() {
                b"VERTEX" => {
                    if let (Ok(b), Ok(v)) = (&mut builder, vertex_from(follow)) {
                        if !b.push(v) && !capped {
                            capped = true;
                            self.warn(format!(
                                "{}: POLYLINE vertex limit reached; further vertices dropped",
                                head.pos()
                            ));
                        }
                    }
                }
                b"SEQEND" => return Ok((builder.map(|b| Some(Read::Geom(b.build()))), None)),
                _ => return Ok((builder.map(|b| Some(Read::Geom(b.build()))), Some(head))),
            }
        }
    }

    fn insert(&mut self, body: &[Tag<'a>], follow: &mut Body<'a>) -> Result<Followed<'a>, DxfError> {
        let enc = self.r.enc;
        let mut geom = entities::read_kind(Kind::Insert, body, enc);
        let has_attribs = body.iter().any(|t| t.code == 66 && t.int() == Some(1));
        if !has_attribs {
            return Ok((geom.map(Some), None));
        }
        loop {
            let head = self.read_follower(follow)?;
            match head.trimmed() {
                b"ATTRIB" => {
                    let common = Common::parse(follow, enc);
                    let tag = entities::attribute_tag(follow, enc);
                    match entities::read_kind(Kind::Attrib, follow, enc) {
                        Ok(Read::Geom(g)) => {
                            let value = match &g {
                                Geom::Text(t) => t.value.clone(),
                                _ => String::new(),
                            };
                            let layer = self.layer_names.get(common.layer, self.r.enc);
                            let entity = Box::new(common.into_entity(Cow::Borrowed("ATTRIB"), layer, g));
                            if let Ok(Read::Geom(Geom::Insert(ins))) = &mut geom {
                                ins.attribs.push(Attrib { tag, value, entity: Some(entity) });
                            }
                        }
                        Ok(Read::Skipped { .. } | Read::Dropped) => {}
                        Err(e) => self.bad_entity("ATTRIB", e),
                    }
                }
                b"SEQEND" => return Ok((geom.map(Some), None)),
                _ => return Ok((geom.map(Some), Some(head))),
            }
        }
    }

    fn open_block(&mut self, body: &[Tag<'a>]) {
        let enc = self.r.enc;
        if let Some(open) = self.block.take() {
            self.warn(format!("block {:?} has no ENDBLK; closed at the next BLOCK", open.def.name));
            self.finish_block(open);
        }
        let mut def = BlockDef::default();
        let mut flags = 0;
        for t in body {
            match t.code {
                2 => def.name = decode(t.raw, enc),
                3 if def.name.is_empty() => def.name = decode(t.raw, enc),
                10 => def.base.x = t.f64().unwrap_or(0.0),
                20 => def.base.y = t.f64().unwrap_or(0.0),
                30 => def.base.z = t.f64().unwrap_or(0.0),
                70 => flags = t.int().unwrap_or(0),
                _ => {}
            }
        }
        def.external = flags & 4 != 0;
        self.block = Some(OpenBlock { def });
    }

    fn close_block(&mut self) {
        if let Some(open) = self.block.take() {
            self.finish_block(open);
        }
    }

    /// Layout blocks hold a sheet's entities; every other block becomes a definition.
    fn finish_block(&mut self, open: OpenBlock) {
        let upper = open.def.name.to_ascii_uppercase();
        if upper == "*MODEL_SPACE" {
            self.model.extend(open.def.entities);
        } else if upper == "*PAPER_SPACE" {
            self.paper.extend(open.def.entities);
        } else if upper.starts_with("*PAPER_SPACE") {
            self.layout_blocks.push((upper, open.def.entities));
        } else {
            self.doc.blocks.push(open.def);
        }
    }

    /// The second thread's work: chunks of ENTITIES from the last one backward, until the first thread
    /// has reached the next one; then faulting in the first builder's storage ahead of it, until it is done.
    pub(super) fn read_chunks(bytes: &'a [u8], start: SplitStart, out: ChunksOut<'a>) {
        let ChunksOut { to_first, prefault } = out;
        let shared = Arc::clone(&start.shared);
        // ASCII line numbers: the line ends before each boundary, counted once, forward from the entry.
        let newlines = if bytes.starts_with(BINARY_SENTINEL) { Vec::new() } else { split::newlines_at(bytes, &start) };
        while let Some(chunk) = shared.claim_for_second() {
            let Some(from) = chunk.checked_sub(1).and_then(|i| start.boundaries.get(i)) else {
                break;
            };
            let lines = newlines.get(chunk - 1).copied().unwrap_or(0);
            let Some(read) = Builder::read_chunk(bytes, &start, chunk, Tokens::resume_at_line(bytes, from.pos, lines))
            else {
                break;
            };
            // The first thread gone (its read failed or ended): nothing waits for more.
            if to_first.send((chunk, Box::new(read))).is_err() {
                return;
            }
        }
        // No more chunks from here: a first thread waiting for one reads on instead.
        drop(to_first);
        // Only a window ahead: the storage is reserved for the whole file, and pages populated past where
        // the first builder stops would be memory held for nothing.
        if let Some(mut storage) = prefault {
            while !shared.cancelled() {
                storage.advance_by(split::PREFAULT_WINDOW_AFTER);
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
        }
    }

    /// Chunk `chunk` (from its head, where `tokens` stand, to the head that ends it or the section's end) in
    /// a builder that starts with the first one's tables; `None` when the first thread took it over.
    fn read_chunk(bytes: &'a [u8], start: &SplitStart, chunk: usize, tokens: Tokens<'a>) -> Option<ChunkRead<'a>> {
        // Its model space fills runs of a fixed size: no reservation by the input size (under the worker's
        // address-space limit that would count a second time).
        let r = Reader::from_source(TagSource::Direct(tokens));
        let mut b = Builder::with_model_capacity(bytes, r, split::ENTITY_RUN);
        b.model_in_runs = true;
        b.header = start.header.clone();
        b.r.enc = start.enc;
        b.block_records = start.block_records.clone();
        b.dimstyles = start.dimstyles.clone();
        b.paper_owner_handles = start.paper_owner_handles.clone();
        b.chunk_stop = Some(ChunkStop::new(Arc::clone(&start.boundaries), chunk, Arc::clone(&start.shared)));
        let mut body = Body::new();
        let result = b.section(b"ENTITIES", &mut body);
        drop(body);
        let Builder {
            r,
            doc,
            mut model_runs,
            model,
            paper,
            layout_blocks,
            block,
            stray_tags,
            mtext_parts,
            mtext_parts_merged,
            layer_names,
            insert_xdicts,
            chunk_stop,
            ..
        } = b;
        let stop = chunk_stop?;
        if stop.dropped {
            return None;
        }
        let (end, tokens, peeked) = match stop.stopped {
            // Stopped at a boundary's head: the tokenizer goes back to before it (its line is the head's).
            Some((i, head_at)) => {
                let pos = start.boundaries.get(i)?.pos;
                let lines = if bytes.starts_with(BINARY_SENTINEL) { 0 } else { head_at.saturating_sub(1) };
                (ChunkEnd::Boundary(i), Tokens::resume_at_line(bytes, pos, lines), None)
            }
            None => {
                let (tokens, peeked) = r.into_direct()?;
                (ChunkEnd::Section, tokens, peeked)
            }
        };
        model_runs.append_run(model);
        Some(ChunkRead {
            end,
            result,
            tokens,
            peeked,
            model: model_runs,
            paper,
            layout_blocks,
            blocks: doc.blocks,
            open_block: block.map(|b| b.def),
            diagnostics: doc.diagnostics,
            stray_tags,
            mtext_parts,
            mtext_parts_merged,
            layer_names,
            insert_xdicts,
        })
    }

    /// Fills the document from what was read.
    pub fn finish(mut self) -> Document {
        self.close_block();
        if self.mtext_parts_merged > 0 {
            let n = self.mtext_parts_merged;
            self.warn(format!("{n} MTEXT column/frame parts read as part of their MTEXT"));
        }
        if self.stray_tags > 0 {
            let n = self.stray_tags;
            self.warn(format!("{n} tags outside any record skipped"));
        }
        let h = &self.header;
        let src = &mut self.doc.source;
        src.version = h.acadver.clone();
        src.release = h.acadver.as_deref().and_then(release_name).map(str::to_owned);
        src.encoding = Some(if self.codepage_fallback {
            h.codepage.clone().unwrap_or_default()
        } else if self.r.is_binary() && self.r.enc == Encoding::Cp1252 {
            "ANSI_1252".to_owned()
        } else {
            self.r.enc.name().to_owned()
        });
        if self.codepage_fallback {
            let cp = h.codepage.clone().unwrap_or_default();
            self.warn(format!("codepage {cp} is decoded as Windows-1252 (no table for it)"));
        }
        self.doc.units = units(&self.header);
        self.doc.ltscale = self.header.ltscale.filter(|s| s.is_finite() && *s > 0.0).unwrap_or(1.0);
        self.doc.created_unix_ms = self.header.created_unix_ms();
        let model = Sheet {
            name: "Model".to_owned(),
            kind: SheetKind::Model,
            tab_order: 0,
            paper_size: None,
            extents_header: self.header.extents(),
            entities: {
                let mut all = std::mem::take(&mut self.model_runs);
                all.append_run(std::mem::take(&mut self.model));
                all
            },
        };
        self.doc.sheets.push(model);
        self.paper_sheets();
        for w in check_cycles(&self.doc.blocks) {
            self.warn(w);
        }
        self.resolve_clips();
        // Every entity's layer name came from the interner: when each interned name is a defined layer,
        // none is missing and the walk over every entity can be spared.
        if !self.layer_names.all_defined(&self.doc.layers) {
            self.doc.add_undefined_layers();
        }
        self.doc
    }

    /// Gives each clipped INSERT its clip (XCLIP): extension dictionary → `ACAD_FILTER` → `SPATIAL` →
    /// SPATIAL_FILTER. A broken link, a disabled filter or a singular matrix leaves the insert unclipped.
    fn resolve_clips(&mut self) {
        if self.insert_xdicts.is_empty() || self.spatial_filters.is_empty() {
            return;
        }
        let frame = self.header.xclipframe.unwrap_or(2) != 0;
        let entry = |dict: &[u8], name: &str| {
            self.clip_dicts.get(dict)?.iter().find(|(n, _)| n == name).map(|(_, h)| h.as_slice())
        };
        let mut clips: HashMap<&[u8], crate::model::InsertClip> = HashMap::new();
        let mut unusable = 0u32;
        for (insert, xdict) in &self.insert_xdicts {
            let Some(filter) =
                entry(xdict, "ACAD_FILTER").and_then(|d| entry(d, "SPATIAL")).and_then(|h| self.spatial_filters.get(h))
            else {
                continue;
            };
            if !filter.enabled {
                continue;
            }
            let inverted = filter
                .xdict
                .as_deref()
                .and_then(|d| entry(d, "ACAD_XREC_ROUNDTRIP"))
                .and_then(|h| self.inverted_clips.get(h));
            match block_clip(filter, inverted, frame) {
                Some(c) => {
                    clips.insert(insert.as_slice(), c);
                }
                None => unusable += 1,
            }
        }
        let entities = self
            .doc
            .sheets
            .iter_mut()
            .flat_map(|s| s.entities.iter_mut())
            .chain(self.doc.blocks.iter_mut().flat_map(|b| b.entities.iter_mut()));
        for e in entities {
            if let (Geom::Insert(ins), Some(h)) = (&mut e.geom, &e.handle) {
                if let Some(c) = clips.get(h.as_bytes()) {
                    ins.clip = Some(Box::new(c.clone()));
                }
            }
        }
        if unusable > 0 {
            self.warn(format!("{unusable} block reference clip(s) with a singular transform or no area ignored"));
        }
    }

    /// Paper-space sheets: one per LAYOUT (tab order) linked to its block record; the active layout's
    /// entities came from ENTITIES (67 = 1). Without LAYOUT objects (R12), paper entities form "Layout1".
    fn paper_sheets(&mut self) {
        let names: HashMap<String, String> = self
            .block_records
            .iter()
            .filter_map(|(h, n)| h.as_ref().map(|h| (h.clone(), n.to_ascii_uppercase())))
            .collect();
        let mut layouts = std::mem::take(&mut self.layouts);
        layouts.sort_by_key(|l| l.tab_order);
        let mut paper = Some(std::mem::take(&mut self.paper));
        for l in layouts {
            let record = l.block_record.as_ref().and_then(|h| names.get(h)).cloned().unwrap_or_default();
            if record == "*MODEL_SPACE" || l.name.eq_ignore_ascii_case("Model") {
                continue;
            }
            let entities = if record == "*PAPER_SPACE" {
                paper.take().unwrap_or_default()
            } else if let Some(i) = self.layout_blocks.iter().position(|(n, _)| *n == record) {
                self.layout_blocks.swap_remove(i).1
            } else {
                Vec::new()
            };
            self.doc.sheets.push(Sheet {
                name: l.name,
                kind: SheetKind::Paper,
                tab_order: l.tab_order,
                paper_size: l.paper_size,
                extents_header: None,
                entities: entities.into(),
            });
        }
        let next_tab = self.doc.sheets.len() as i32;
        if let Some(p) = paper.filter(|p| !p.is_empty()) {
            self.doc.sheets.push(Sheet {
                name: "Layout1".to_owned(),
                kind: SheetKind::Paper,
                tab_order: next_tab,
                entities: p.into(),
                ..Sheet::default()
            });
        }
        for (name, entities) in std::mem::take(&mut self.layout_blocks) {
            if !entities.is_empty() {
                let tab_order = self.doc.sheets.len() as i32;
                self.doc.sheets.push(Sheet {
                    name,
                    kind: SheetKind::Paper,
                    tab_order,
                    entities: entities.into(),
                    ..Sheet::default()
                });
            }
        }
    }
}

/// The upper-case type name of an entity record and its kind when the reader knows it; the known names
/// without an allocation; and whether the name was stored exactly so (not in another case).
fn entity_kind(raw: &[u8], enc: Encoding) -> (Cow<'static, str>, Option<Kind>, bool) {
    if let Some(k) = Kind::classify(raw) {
        return (Cow::Borrowed(k.name()), Some(k), true);
    }
    let upper = decode(raw, enc).to_ascii_uppercase();
    match Kind::classify(upper.as_bytes()) {
        Some(k) => (Cow::Borrowed(k.name()), Some(k), false),
        None => (Cow::Owned(upper), None, false),
    }
}

/// Units from `$INSUNITS`; when it is absent or 0 (unitless), `$MEASUREMENT` (0 imperial → inch, 1 metric →
/// millimetre) is the fallback formats.md §1 names for the drawing's units.
fn units(h: &Header) -> Units {
    let measured = match h.measurement {
        Some(0) => Some(LengthUnit::Inch),
        Some(1) => Some(LengthUnit::Millimetre),
        _ => None,
    };
    match (h.insunits, measured) {
        (Some(code), _) if code != 0 => {
            Units { length: h.length_unit(), insunits: Some(code), source: UnitsSource::Header }
        }
        (insunits, Some(length)) => Units { length: Some(length), insunits, source: UnitsSource::Measurement },
        (Some(code), None) => Units { length: None, insunits: Some(code), source: UnitsSource::Header },
        (None, None) => Units::default(),
    }
}

/// The clip of a block reference in block coordinates from its SPATIAL_FILTER: the boundary is taken from
/// the clip's coordinates back to WCS (inverse of the clip transform) and into the block by the inverse
/// insert transform stored with it; two points are a rectangle. An inverted clip (its XRECORD present) keeps
/// what lies outside the inner boundary — the smaller of the filter's boundary and the XRECORD's by box
/// area — and inside the box of the compare list. `None` when a matrix is singular or nothing has area.
fn block_clip(f: &SpatialFilter, inverted: Option<&InvertedClip>, frame: bool) -> Option<crate::model::InsertClip> {
    use crate::model::{BBox2, Point};
    let to_block = f.inverse_insert.then_after(&f.clip_transform.inverse()?);
    let ring = |pts: &[Point]| -> Vec<Point> {
        let mapped: Vec<Point> = pts.iter().map(|p| to_block.apply(*p)).map(|p| Point::xy(p.x, p.y)).collect();
        if mapped.len() == 2 {
            let mut b = BBox2::EMPTY;
            mapped.iter().for_each(|p| b.add_point(*p));
            b.corners().to_vec()
        } else {
            mapped
        }
    };
    let area = |r: &[Point]| {
        let mut b = BBox2::EMPTY;
        r.iter().for_each(|p| b.add_point(*p));
        if b.is_empty() { 0.0 } else { b.width() * b.height() }
    };
    let boundary = ring(&f.boundary);
    let (rings, frame_ring) = match inverted {
        None => (vec![boundary.clone()], boundary),
        Some(inv) => {
            let inner_alt = ring(&inv.inner);
            let inner =
                if inner_alt.len() >= 3 && area(&inner_alt) < area(&boundary) { inner_alt } else { boundary.clone() };
            let mut outer = BBox2::EMPTY;
            ring(if inv.compare.is_empty() { &f.boundary } else { &inv.compare })
                .iter()
                .for_each(|p| outer.add_point(*p));
            if outer.is_empty() {
                return None;
            }
            (vec![outer.corners().to_vec(), inner.clone()], inner)
        }
    };
    if rings.iter().any(|r| r.len() < 3 || !r.iter().all(|p| p.is_finite())) || area(&rings[0]) <= 0.0 {
        return None;
    }
    Some(crate::model::InsertClip {
        rings,
        frame: if frame { frame_ring } else { Vec::new() },
        front: f.front,
        back: f.back,
    })
}
