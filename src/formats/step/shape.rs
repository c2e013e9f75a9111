//! Bodies to meshes (formats.md §6 "B-rep chain"): solids, shells and faces of a part's representations
//! walked down to edges; every `EDGE_CURVE` is discretised once ([`crate::tessellate::discretise_edge`])
//! and its points reused by both faces that share it, so the assembled mesh is watertight; faces are
//! meshed by [`crate::tessellate::mesh_face`] from their bounds. A face that cannot be meshed (unknown
//! surface, damaged loop, kernel refusal) is counted in `Solid::faces_without_mesh` with its reason and
//! never stops the part. AP242 triangulated faces are used as they are.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use super::geometry::{Geometry, Unsupported};
use super::graph::Graph;
use super::parser::{Instance, Param};
use super::patch;
use super::placement;
use super::product::{BODY_ITEMS, PartSource};
use super::wire;
use crate::model::{BBox3, FaceMesh, PartDef, Point, Rgba, Solid, SolidKind};
use crate::tessellate::{self, EdgePoints, FaceLoop, Tolerance};

/// Nesting of oriented shells and faces accepted (an oriented face of an oriented face …).
const MAX_ORIENTED_DEPTH: usize = 4;
/// Most entities the bounding-box pre-walk of one part visits.
const MAX_BBOX_VISITS: usize = 20_000_000;

type Geo<T> = Result<T, Unsupported>;

fn fail<T>(what: impl Into<String>) -> Geo<T> {
    Err(Unsupported(what.into()))
}

pub struct Mesher<'g, 'a> {
    pub(super) geo: Geometry<'g, 'a>,
    pub(super) colours: &'g HashMap<u64, Rgba>,
    /// Edge points (and the exact curve inside each chord) by `EDGE_CURVE` id, from its start vertex to
    /// its end vertex.
    edges: HashMap<u64, Result<Rc<EdgePoints>, Unsupported>>,
    /// Vertices moved onto an edge curve they lay off (see [`Mesher::vertex_on_curve`]), by VERTEX_POINT id.
    snapped: HashMap<u64, Point>,
    /// VERTEX_POINT id → the EDGE_CURVEs at it, built when a vertex is first found off its curve.
    vertex_edges: Option<HashMap<u64, Vec<u64>>>,
    /// Faces not meshed, by reason.
    pub failures: BTreeMap<String, u32>,
    pub faces: u64,
    pub faces_meshed: u64,
    /// Wireframe members not drawn, by reason (see [`super::wire`]).
    pub(super) wire_failures: BTreeMap<String, u32>,
    /// Wire and point vertices made so far (bounded per file).
    pub(super) wire_points: usize,
}

impl<'g, 'a> Mesher<'g, 'a> {
    pub fn new(graph: &'g Graph<'a>, angle: f64, colours: &'g HashMap<u64, Rgba>) -> Mesher<'g, 'a> {
        Mesher {
            geo: Geometry { graph, angle },
            colours,
            edges: HashMap::new(),
            snapped: HashMap::new(),
            vertex_edges: None,
            failures: BTreeMap::new(),
            faces: 0,
            faces_meshed: 0,
            wire_failures: BTreeMap::new(),
            wire_points: 0,
        }
    }

    fn graph(&self) -> &'g Graph<'a> {
        self.geo.graph
    }

    fn inst(&self, id: u64) -> Geo<&'g Instance<'a>> {
        match self.graph().instances.get(&id) {
            Some(i) => Ok(i),
            None => fail(format!("reference to undefined #{id}")),
        }
    }

    /// Meshes one part; `chord` is the chord tolerance in model units.
    pub fn part(&mut self, src: &PartSource, chord: f64) -> PartDef {
        let tol = Tolerance { chord: chord / src.scale, angle: 0.5 };
        let mut part = PartDef { name: src.name.clone(), ..PartDef::default() };
        for &rep in &src.reps {
            part.colour = part.colour.or_else(|| self.colours.get(&rep).copied());
            for item in body_items(self.graph(), rep) {
                if let Some(mut solid) = self.body(item, &tol) {
                    if src.scale != 1.0 {
                        let s = src.scale as f32;
                        for f in &mut solid.faces {
                            f.positions.iter_mut().for_each(|p| *p = p.map(|c| c * s));
                            f.exact = f.exact.map(|e| e.scaled(src.scale));
                        }
                    }
                    part.solids.push(solid);
                }
            }
            for item in wire::wire_items(self.graph(), rep) {
                self.wire_item(item, &tol, &mut part);
            }
        }
        if src.scale != 1.0 {
            let s = src.scale as f32;
            let all = part.wires.iter_mut().flat_map(|w| w.points.iter_mut()).chain(part.points.iter_mut());
            all.for_each(|p| *p = p.map(|c| c * s));
        }
        // A colour every body shares is the part's colour (OCCT puts it on the part's shape label).
        if part.colour.is_none() {
            let first = part.solids.first().and_then(|s| s.colour);
            if part.solids.iter().all(|s| s.colour.is_some() && s.colour == first) {
                part.colour = first;
            }
        }
        part
    }

    /// One body item as a solid (kind by type), or `None` for items that are not bodies.
    fn body(&mut self, item: u64, tol: &Tolerance) -> Option<Solid> {
        let inst = self.graph().instances.get(&item)?;
        let name = inst.param(0).and_then(Param::string).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let kind_name = inst.name().to_ascii_uppercase();
        let (kind, shells): (SolidKind, Vec<u64>) = match kind_name.as_str() {
            "MANIFOLD_SOLID_BREP" | "FACETED_BREP" => (SolidKind::Solid, refs(inst.param(1))),
            "FACETED_BREP_SHAPE_REPRESENTATION" => return None,
            "BREP_WITH_VOIDS" => {
                let mut s = refs(inst.param(1));
                s.extend(list_refs(inst.param(2)));
                (SolidKind::Solid, s)
            }
            "SHELL_BASED_SURFACE_MODEL" => (SolidKind::Shell, list_refs(inst.param(1))),
            "CLOSED_SHELL" | "OPEN_SHELL" | "ORIENTED_CLOSED_SHELL" | "ORIENTED_OPEN_SHELL" => {
                (SolidKind::Shell, vec![item])
            }
            "TESSELLATED_SOLID" | "TESSELLATED_SHELL" => {
                let kind = if kind_name == "TESSELLATED_SOLID" { SolidKind::Solid } else { SolidKind::Shell };
                let mut solid = Solid { name, kind, ..Solid::default() };
                for f in list_refs(inst.param(1)) {
                    self.tessellated_into(f, &mut solid);
                }
                solid.colour = self.colours.get(&item).copied();
                return Some(solid);
            }
            "TRIANGULATED_FACE"
            | "COMPLEX_TRIANGULATED_FACE"
            | "TRIANGULATED_SURFACE_SET"
            | "COMPLEX_TRIANGULATED_SURFACE_SET" => {
                let mut solid = Solid { name, kind: SolidKind::Mesh, ..Solid::default() };
                self.tessellated_into(item, &mut solid);
                return Some(solid);
            }
            "ADVANCED_FACE" | "FACE_SURFACE" => {
                let mut solid = Solid { name, kind: SolidKind::Shell, ..Solid::default() };
                self.refine_shared_edges(&[(item, false)], tol);
                self.face_into(item, false, tol, &mut solid);
                return Some(solid);
            }
            // Surfaces listed in a set are each a face of one open shell (as OpenCASCADE reads them);
            // the set's curves and points are wireframe, not meshed.
            "GEOMETRIC_SET" => {
                let members: Vec<u64> = list_refs(inst.param(1))
                    .into_iter()
                    .filter(|m| self.graph().instances.get(m).is_some_and(patch::is_patch))
                    .collect();
                if members.is_empty() {
                    return None;
                }
                let mut solid = Solid { name, kind: SolidKind::Shell, ..Solid::default() };
                solid.colour = self.colours.get(&item).copied();
                for m in members {
                    let patches = patch::Patches { geo: &self.geo };
                    match patches.mesh(m, tol) {
                        Ok(mut mesh) => {
                            self.faces += 1;
                            self.faces_meshed += 1;
                            mesh.colour = self.colours.get(&m).copied();
                            solid.faces.push(mesh);
                        }
                        Err(e) => self.count_failure(&e, 1, &mut solid),
                    }
                }
                return Some(solid);
            }
            _ => return None,
        };
        let mut solid = Solid { name, kind, ..Solid::default() };
        solid.colour = self.colours.get(&item).copied();
        for (index, shell) in shells.into_iter().enumerate() {
            solid.colour = solid.colour.or_else(|| self.colours.get(&shell).copied());
            let (first_face, failed_before) = (solid.faces.len(), solid.faces_without_mesh);
            match self.shell_faces(shell) {
                Ok(faces) => {
                    self.refine_shared_edges(&faces, tol);
                    for (face, flip) in faces {
                        self.face_into(face, flip, tol, &mut solid);
                    }
                }
                Err(e) => self.count_failure(&e, 1, &mut solid),
            }
            // A solid's outer shell bounds its material from outside and a void's from inside, whatever
            // the exporter's face senses say; OpenCASCADE's reader fixes inside-out shells the same way
            // (ec_exhaust-A's largest solid is wound inward: −7.2e6 mm³ where OCCT has +7.3e6). Only
            // shells meshed whole are judged: with a face missing the enclosed volume means little.
            if kind == SolidKind::Solid && solid.faces_without_mesh == failed_before {
                let shell_faces = &mut solid.faces[first_face..];
                let volume = enclosed_volume(shell_faces);
                if (index == 0 && volume < 0.0) || (index > 0 && volume > 0.0) {
                    shell_faces.iter_mut().for_each(reverse_face);
                }
            }
        }
        Some(solid)
    }

    fn count_failure(&mut self, e: &Unsupported, faces: u32, solid: &mut Solid) {
        *self.failures.entry(e.0.clone()).or_default() += faces;
        self.faces += u64::from(faces);
        solid.faces_without_mesh += faces;
    }

    /// The faces of a shell with whether each is used reversed.
    fn shell_faces(&self, shell: u64) -> Geo<Vec<(u64, bool)>> {
        let mut id = shell;
        let mut flip = false;
        for _ in 0..MAX_ORIENTED_DEPTH {
            let inst = self.inst(id)?;
            let name = inst.name().to_ascii_uppercase();
            if name.starts_with("ORIENTED_") {
                flip ^= inst.param(3).and_then(Param::logical) == Some(false);
                id = inst.param(2).and_then(Param::reference).unwrap_or(0);
                continue;
            }
            return match name.as_str() {
                "CLOSED_SHELL" | "OPEN_SHELL" | "CONNECTED_FACE_SET" => {
                    Ok(list_refs(inst.param(1)).into_iter().map(|f| (f, flip)).collect())
                }
                _ => fail(format!("shell {name}")),
            };
        }
        fail("oriented shell nesting")
    }

    /// Splits the edges of `faces` where a face's straight (u, v) steps between the edge's points stray from
    /// the edge on its surface ([`tessellate::refine_edge_on_surface`]). It runs over a shell's faces before
    /// any of them is meshed, so every face sees the same, final points of a shared edge and the shell stays
    /// watertight. Planes are skipped unbuilt: their (u, v) is affine, so no step can stray.
    fn refine_shared_edges(&mut self, faces: &[(u64, bool)], tol: &Tolerance) {
        for &(face, _) in faces {
            let Some((surface, edges)) = self.curved_surface_and_edges(face) else { continue };
            for edge in edges {
                let Ok(points) = self.edge(edge, tol) else { continue };
                let Some(curve) = self.edge_curve(edge) else { continue };
                if let Some(refined) = tessellate::refine_edge_on_surface(&curve, &points.points, &surface, tol) {
                    let inner = tessellate::chord_samples(&curve, &refined);
                    self.edges.insert(edge, Ok(Rc::new(EdgePoints { points: refined, inner })));
                }
            }
        }
    }

    /// A face's surface, unless it is a plane, and the `EDGE_CURVE`s of its edge loops.
    fn curved_surface_and_edges(&self, face: u64) -> Option<(tessellate::Surface, Vec<u64>)> {
        let mut id = face;
        for _ in 0..MAX_ORIENTED_DEPTH {
            let inst = self.graph().instances.get(&id)?;
            if inst.is("ORIENTED_FACE") {
                id = inst.param(2).and_then(Param::reference)?;
                continue;
            }
            if !inst.is("ADVANCED_FACE") && !inst.is("FACE_SURFACE") {
                return None;
            }
            let surface_id = inst.param(2).and_then(Param::reference)?;
            if self.graph().instances.get(&surface_id)?.is("PLANE") {
                return None;
            }
            let surface = self.geo.surface(surface_id).ok()?;
            let mut edges = Vec::new();
            for bound in list_refs(inst.param(1)) {
                let lp = self.graph().instances.get(&bound)?.param(1).and_then(Param::reference)?;
                let lp = self.graph().instances.get(&lp)?;
                if !lp.is("EDGE_LOOP") {
                    continue;
                }
                for oe in list_refs(lp.param(1)) {
                    edges.extend(self.graph().instances.get(&oe).and_then(|e| e.param(3)?.reference()));
                }
            }
            return Some((surface, edges));
        }
        None
    }

    /// The curve of an `EDGE_CURVE`.
    fn edge_curve(&self, edge: u64) -> Option<tessellate::Curve> {
        let rec = self.graph().instances.get(&edge)?.record("EDGE_CURVE")?;
        self.geo.curve(rec.params.get(3)?.reference()?).ok()
    }

    /// Meshes one face into `solid` (or counts why not).
    fn face_into(&mut self, face: u64, flip: bool, tol: &Tolerance, solid: &mut Solid) {
        match self.face(face, flip, tol) {
            Ok(Some(mut mesh)) => {
                self.faces += 1;
                self.faces_meshed += 1;
                mesh.colour = self.colours.get(&face).copied();
                solid.faces.push(mesh);
            }
            Ok(None) => {}
            Err(e) => self.count_failure(&e, 1, solid),
        }
    }

    fn face(&mut self, face: u64, flip: bool, tol: &Tolerance) -> Geo<Option<FaceMesh>> {
        let mut id = face;
        let mut flip = flip;
        for _ in 0..MAX_ORIENTED_DEPTH {
            let inst = self.inst(id)?;
            let name = inst.name().to_ascii_uppercase();
            match name.as_str() {
                "ORIENTED_FACE" => {
                    flip ^= inst.param(3).and_then(Param::logical) == Some(false);
                    id = inst.param(2).and_then(Param::reference).unwrap_or(0);
                }
                "ADVANCED_FACE" | "FACE_SURFACE" => {
                    let same_sense = inst.param(3).and_then(Param::logical).unwrap_or(true);
                    let surface = self.geo.surface(inst.param(2).and_then(Param::reference).unwrap_or(0))?;
                    let mut loops = Vec::new();
                    for b in list_refs(inst.param(1)) {
                        if let Some(l) = self.bound(b, tol)? {
                            loops.push(l);
                        }
                    }
                    let mesh = tessellate::mesh_face(&surface, same_sense != flip, &loops, tol)
                        .map_err(|e| Unsupported(format!("kernel: {}", kernel_reason(&e))))?;
                    return Ok(Some(mesh));
                }
                "FACE" => {
                    // A faceted B-rep's face: no surface, its plane is the one its outer loop spans.
                    let mut loops = Vec::new();
                    for b in list_refs(inst.param(1)) {
                        if let Some(l) = self.bound(b, tol)? {
                            loops.push(l);
                        }
                    }
                    let Some(plane) = loops.first().and_then(|l| loop_plane(&l.points)) else {
                        return fail("FACE whose loop spans no plane");
                    };
                    let mut mesh = tessellate::mesh_face(&plane, !flip, &loops, tol)
                        .map_err(|e| Unsupported(format!("kernel: {}", kernel_reason(&e))))?;
                    // The loop's own points are the face (the fitted plane only lays them out), so its
                    // triangles, not the plane's integral, are its measure.
                    mesh.exact = None;
                    return Ok(Some(mesh));
                }
                _ => return fail(format!("face {name}")),
            }
        }
        fail("oriented face nesting")
    }

    /// A face bound as a closed polyline in its traversal order (`None` for a vertex loop: an apex).
    fn bound(&mut self, bound: u64, tol: &Tolerance) -> Geo<Option<FaceLoop>> {
        let inst = self.inst(bound)?;
        if !inst.is("FACE_BOUND") && !inst.is("FACE_OUTER_BOUND") {
            return fail(format!("bound {}", inst.name()));
        }
        let forward = inst.param(2).and_then(Param::logical).unwrap_or(true);
        let lp = self.inst(inst.param(1).and_then(Param::reference).unwrap_or(0))?;
        let mut bound_loop = FaceLoop::default();
        match lp.name().to_ascii_uppercase().as_str() {
            "EDGE_LOOP" => {
                for oe in list_refs(lp.param(1)) {
                    let oe_inst = self.inst(oe)?;
                    if !oe_inst.is("ORIENTED_EDGE") {
                        return fail(format!("loop edge {}", oe_inst.name()));
                    }
                    let along = oe_inst.param(4).and_then(Param::logical).unwrap_or(true);
                    let edge = oe_inst.param(3).and_then(Param::reference).unwrap_or(0);
                    let points = self.edge(edge, tol)?;
                    bound_loop.push_edge(&points, along);
                }
            }
            "POLY_LOOP" => {
                let mut points = Vec::new();
                for q in list_refs(lp.param(1)) {
                    match placement::point(self.graph(), q) {
                        Some(p) => points.push(p),
                        None => return fail("unreadable POLY_LOOP point"),
                    }
                }
                if points.len() > 1 && points.first() == points.last() {
                    points.pop();
                }
                // A polygon's chords are its edges: no curves beside them.
                bound_loop = FaceLoop::from_points(points);
            }
            "VERTEX_LOOP" => return Ok(None),
            other => return fail(format!("loop {other}")),
        }
        if !forward {
            bound_loop.reverse();
        }
        Ok(Some(bound_loop))
    }

    /// The points of an `EDGE_CURVE`, start vertex to end vertex, computed once.
    pub(super) fn edge(&mut self, edge: u64, tol: &Tolerance) -> Geo<Rc<EdgePoints>> {
        if let Some(done) = self.edges.get(&edge) {
            return done.clone();
        }
        let result = self.discretise(edge, tol).map(Rc::new);
        self.edges.insert(edge, result.clone());
        result
    }

    fn discretise(&mut self, edge: u64, tol: &Tolerance) -> Geo<EdgePoints> {
        let inst = self.inst(edge)?;
        let Some(rec) = inst.record("EDGE_CURVE") else { return fail(format!("edge {}", inst.name())) };
        let graph = self.graph();
        let vertex = |i: usize| {
            let id = rec.params.get(i).and_then(Param::reference)?;
            let point = graph.instances.get(&id)?.record("VERTEX_POINT")?.params.get(1)?.reference()?;
            Some((id, placement::point(graph, point)?))
        };
        let (Some((start_id, start)), Some((end_id, end))) = (vertex(1), vertex(2)) else {
            return fail("unreadable VERTEX_POINT");
        };
        let curve = self.geo.curve(rec.params.get(3).and_then(Param::reference).unwrap_or(0))?;
        let same_sense = rec.params.get(4).and_then(Param::logical).unwrap_or(true);
        let mut start = self.vertex_on_curve(start_id, start, &curve, tol);
        let mut end = if end_id == start_id { start } else { self.vertex_on_curve(end_id, end, &curve, tol) };
        // An open B-spline whose edge names one vertex for both ends, which its curve does not close on:
        // the exporter gave the edge the wrong vertex (trj3_s1-al's Alias faces: four edges round a patch
        // named with two vertices, the loop collapsing to two points). The curve's own ends are the edge's
        // ends, as OpenCASCADE's reader widens the vertex to the curve; a closed curve keeps its vertex.
        if start == end
            && let tessellate::Curve::Nurbs(c) = &curve
        {
            let (t0, t1) = c.domain();
            let (c0, c1) = (c.eval(t0), c.eval(t1));
            if c0.is_finite() && c1.is_finite() && c0.distance(c1) > tol.chord {
                (start, end) = if same_sense { (c0, c1) } else { (c1, c0) };
            }
        }
        tessellate::discretise_edge_sampled(&curve, start, end, same_sense, tol)
            .map_err(|e| Unsupported(format!("kernel (edge): {}", kernel_reason(&e))))
    }

    /// The point an edge starts or ends at: its vertex, unless the vertex lies farther than the chord tolerance
    /// from the edge's curve (bug25013: a sphere face's pole vertex sits 0.09 = 0.18 r beside both meridian
    /// circles that meet at the pole, and meshing to it spilt the face past its trimmed edge and refined it to
    /// the triangle cap). Such a vertex moves to where its edges' curves meet, found by projecting on each curve
    /// in turn (alternating projections converge to the intersection of curves that cross): one point for all
    /// its edges, so they still meet and neighbouring faces weld, and the face reaches the corner its edges
    /// describe, as OpenCASCADE's box of that face does. Where the curves do not meet within tolerance the edge
    /// ends at the curve point nearest the vertex. A vertex that lies on any of its curves, or ends a line
    /// edge, stays where it is.
    fn vertex_on_curve(&mut self, id: u64, vertex: Point, curve: &tessellate::Curve, tol: &Tolerance) -> Point {
        // A line edge is the segment between its vertices (its LINE only gives the direction), and a curve the
        // kernel will refuse anyway is not asked to project anything.
        if is_line(curve) || curve.validate().is_err() || distance_to(curve, vertex).is_some_and(|d| d <= tol.chord) {
            return vertex;
        }
        if let Some(&moved) = self.snapped.get(&id) {
            return moved;
        }
        let edges = self.edges_at(id);
        // A real corner has a handful of edges; a vertex shared by more is left where it is, which also
        // bounds the projections a hostile file can ask for (each B-spline projection is a search).
        if edges.len() > MAX_EDGES_AT_MOVED_VERTEX {
            self.snapped.insert(id, vertex);
            return vertex;
        }
        let curves: Vec<tessellate::Curve> =
            edges.iter().filter_map(|&e| self.edge_curve(e).filter(|c| c.validate().is_ok())).collect();
        // A vertex on one of its curves is where the file means it to be, and the curves it is off are the
        // faulty ones (trj3_s1-al: collapsed B-spline edges 0.09 beside corners that three other edges pass
        // through exactly). A vertex of a line edge ends that segment by definition (bug25415: LINEs whose
        // point lies 0.56 off both of their vertices), so it stays too.
        let is_on = |c: &tessellate::Curve| is_line(c) || distance_to(c, vertex).is_some_and(|d| d <= tol.chord);
        let meeting = if curves.iter().any(is_on) {
            // The curves it is off may still meet one another at a corner of their own: the exporter named
            // one vertex for two corners (trj3_s1-al's tail wings: vertex #575 ends the wing's outer edges
            // and, 0.1 away, the inner fan's edges, whose four curves end exactly together). Those edges end
            // where their curves meet; a single faulty curve, or curves that do not meet, keep the vertex.
            let off: Vec<tessellate::Curve> = curves.iter().filter(|c| !is_on(c)).cloned().collect();
            meeting_point(&off, vertex, tol).unwrap_or(vertex)
        } else {
            meeting_point(&curves, vertex, tol).unwrap_or_else(|| curve.nearest_point(vertex))
        };
        if !meeting.is_finite() {
            return vertex;
        }
        self.snapped.insert(id, meeting);
        meeting
    }

    /// The EDGE_CURVEs that start or end at VERTEX_POINT `vertex` (the index is built on first use: only files
    /// with a vertex off its curves pay for it).
    fn edges_at(&mut self, vertex: u64) -> Vec<u64> {
        let graph = self.geo.graph;
        let index = self.vertex_edges.get_or_insert_with(|| {
            let mut index: HashMap<u64, Vec<u64>> = HashMap::new();
            for (&id, inst) in &graph.instances {
                let Some(rec) = inst.record("EDGE_CURVE") else { continue };
                for v in [1, 2].iter().filter_map(|&i| rec.params.get(i)?.reference()) {
                    index.entry(v).or_default().push(id);
                }
            }
            // HashMap order is not stable: sort so the projection order, hence the result, is.
            index.values_mut().for_each(|edges| edges.sort_unstable());
            index
        });
        index.get(&vertex).cloned().unwrap_or_default()
    }

    /// An AP242 triangulated face or surface set, used as it is.
    fn tessellated_into(&mut self, id: u64, solid: &mut Solid) {
        match self.triangulated(id) {
            Ok(mut mesh) => {
                self.faces += 1;
                self.faces_meshed += 1;
                mesh.colour = self.colours.get(&id).copied();
                solid.faces.push(mesh);
            }
            Err(e) => self.count_failure(&e, 1, solid),
        }
    }

    fn triangulated(&self, id: u64) -> Geo<FaceMesh> {
        let inst = self.inst(id)?;
        let name = inst.name().to_ascii_uppercase();
        // Faces carry a geometric link before pnindex; surface sets do not.
        let shift = usize::from(name.ends_with("_FACE"));
        let coords = self.coordinates(inst.param(1).and_then(Param::reference).unwrap_or(0))?;
        let pnindex: Vec<i64> = list_ints(inst.param(4 + shift));
        let resolve = |i: i64| -> Option<usize> {
            let i = usize::try_from(i).ok()?.checked_sub(1)?;
            let c = if pnindex.is_empty() { i } else { usize::try_from(*pnindex.get(i)?).ok()?.checked_sub(1)? };
            (c < coords.len()).then_some(c)
        };
        let mut tris: Vec<[usize; 3]> = Vec::new();
        let mut push = |a: i64, b: i64, c: i64| {
            if a == b || b == c || a == c {
                return; // degenerate: a strip restart
            }
            if let (Some(a), Some(b), Some(c)) = (resolve(a), resolve(b), resolve(c)) {
                tris.push([a, b, c]);
            }
        };
        if name.starts_with("COMPLEX_") {
            for strip in inst.param(5 + shift).and_then(Param::list).unwrap_or(&[]) {
                let s = list_ints(Some(strip));
                for k in 0..s.len().saturating_sub(2) {
                    if k % 2 == 0 { push(s[k], s[k + 1], s[k + 2]) } else { push(s[k + 1], s[k], s[k + 2]) }
                }
            }
            for fan in inst.param(6 + shift).and_then(Param::list).unwrap_or(&[]) {
                let f = list_ints(Some(fan));
                for k in 1..f.len().saturating_sub(1) {
                    push(f[0], f[k], f[k + 1]);
                }
            }
        } else {
            for t in inst.param(5 + shift).and_then(Param::list).unwrap_or(&[]) {
                let t = list_ints(Some(t));
                if let [a, b, c] = t[..] {
                    push(a, b, c);
                }
            }
        }
        if tris.is_empty() {
            return fail("triangulated face without triangles");
        }
        // Compact to the coordinates this face uses.
        let mut local: HashMap<usize, u32> = HashMap::new();
        let mut mesh = FaceMesh::default();
        for t in tris {
            let mut idx = [0u32; 3];
            for (k, c) in t.into_iter().enumerate() {
                idx[k] = *local.entry(c).or_insert_with(|| {
                    let p = coords[c];
                    mesh.positions.push([p.x as f32, p.y as f32, p.z as f32]);
                    (mesh.positions.len() - 1) as u32
                });
            }
            mesh.indices.push(idx);
        }
        Ok(mesh)
    }

    /// `COORDINATES_LIST('', n, ((x,y,z), …))`.
    fn coordinates(&self, id: u64) -> Geo<Vec<Point>> {
        let inst = self.inst(id)?;
        let Some(list) = inst.record("COORDINATES_LIST").and_then(|r| r.params.get(2)?.list()) else {
            return fail("unreadable COORDINATES_LIST");
        };
        list.iter()
            .map(|p| p.list().and_then(placement::triple).ok_or_else(|| Unsupported("coordinate triple".into())))
            .collect()
    }

    /// The reasons faces were not meshed, most frequent first (for the document's warnings).
    pub fn failure_summary(&self) -> Option<String> {
        if self.failures.is_empty() {
            return None;
        }
        let mut v: Vec<(&String, &u32)> = self.failures.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = v.iter().take(8).map(|(r, n)| format!("{n} × {r}")).collect();
        Some(format!("{} of {} faces not meshed: {}", self.faces - self.faces_meshed, self.faces, list.join("; ")))
    }
}

/// Most edges at a vertex that [`Mesher::vertex_on_curve`] will move.
const MAX_EDGES_AT_MOVED_VERTEX: usize = 16;

fn is_line(curve: &tessellate::Curve) -> bool {
    matches!(curve, tessellate::Curve::Line { .. })
}

fn distance_to(curve: &tessellate::Curve, p: Point) -> Option<f64> {
    let q = curve.nearest_point(p);
    q.is_finite().then(|| p.distance(q))
}

/// Where `curves` meet near `start`: projections on each curve in turn until the point stops moving, accepted
/// when it lies within the chord tolerance of every curve. `None` for fewer than two curves or curves that do
/// not meet there.
fn meeting_point(curves: &[tessellate::Curve], start: Point, tol: &Tolerance) -> Option<Point> {
    if curves.len() < 2 {
        return None;
    }
    let mut p = start;
    for _ in 0..200 {
        let before = p;
        for c in curves {
            p = c.nearest_point(p);
        }
        if !p.is_finite() {
            return None;
        }
        if p.distance(before) <= tol.chord * 1e-6 {
            break;
        }
    }
    curves.iter().all(|c| distance_to(c, p).is_some_and(|d| d <= tol.chord)).then_some(p)
}

/// Signed volume the faces' triangles enclose (positive when they wind outward), measured about the
/// centre of their box so that a shell with small gaps still gives its sign.
fn enclosed_volume(faces: &[FaceMesh]) -> f64 {
    let mut bbox = BBox3::EMPTY;
    for f in faces {
        for q in &f.positions {
            bbox.add_point(Point::new(f64::from(q[0]), f64::from(q[1]), f64::from(q[2])));
        }
    }
    if bbox.is_empty() {
        return 0.0;
    }
    let c = bbox.min.plus(bbox.max).scale(0.5);
    let at = |f: &FaceMesh, i: u32| {
        f.positions.get(i as usize).map(|q| Point::new(f64::from(q[0]), f64::from(q[1]), f64::from(q[2])).minus(c))
    };
    let mut six_v = 0.0;
    for f in faces {
        for t in &f.indices {
            if let (Some(a), Some(b), Some(d)) = (at(f, t[0]), at(f, t[1]), at(f, t[2])) {
                six_v += a.dot(b.cross(d));
            }
        }
    }
    six_v / 6.0
}

/// Turns a face mesh inside out: triangles wound the other way, normals and exact flux negated.
fn reverse_face(f: &mut FaceMesh) {
    for t in &mut f.indices {
        t.swap(1, 2);
    }
    for n in &mut f.normals {
        *n = n.map(|c| -c);
    }
    f.exact = f.exact.map(|e| e.reversed());
}

/// The plane of a closed polygon (Newell's normal, so it follows the loop's winding), through its centroid.
fn loop_plane(points: &[Point]) -> Option<tessellate::Surface> {
    let n = points.len();
    if n < 3 {
        return None;
    }
    let mut normal = Point::new(0.0, 0.0, 0.0);
    let mut centroid = Point::new(0.0, 0.0, 0.0);
    for (i, p) in points.iter().enumerate() {
        let q = points[(i + 1) % n];
        normal =
            normal.plus(Point::new((p.y - q.y) * (p.z + q.z), (p.z - q.z) * (p.x + q.x), (p.x - q.x) * (p.y + q.y)));
        centroid = centroid.plus(*p);
    }
    let axes = placement::frame(centroid.scale(1.0 / n as f64), normal, None)?;
    Some(tessellate::Surface::Plane(tessellate::Frame { origin: axes.origin, x: axes.x, y: axes.y, z: axes.z }))
}

/// Kernel errors without their numbers, so equal reasons are counted together.
fn kernel_reason(e: &tessellate::TessError) -> String {
    let s = e.to_string();
    s.split(|c: char| c.is_ascii_digit() || c == '(').next().unwrap_or(&s).trim().to_owned()
}

fn refs(p: Option<&Param<'_>>) -> Vec<u64> {
    p.and_then(Param::reference).into_iter().collect()
}

fn list_refs(p: Option<&Param<'_>>) -> Vec<u64> {
    p.and_then(Param::list).map(|l| l.iter().filter_map(Param::reference).collect()).unwrap_or_default()
}

fn list_ints(p: Option<&Param<'_>>) -> Vec<i64> {
    p.and_then(Param::list).map(|l| l.iter().filter_map(Param::int).collect()).unwrap_or_default()
}

/// The body items of a representation, in order.
pub fn body_items(graph: &Graph<'_>, rep: u64) -> Vec<u64> {
    let Some(inst) = graph.instances.get(&rep) else { return Vec::new() };
    let items = inst.records.iter().find_map(|r| r.params.get(1).and_then(Param::list)).unwrap_or(&[]);
    items
        .iter()
        .filter_map(Param::reference)
        .filter(|id| graph.instances.get(id).is_some_and(|i| is_body_item(graph, i)))
        .collect()
}

/// Whether a representation item is a body: a solid, shell, face or triangulation, or a geometric set
/// with at least one surface among its members (a set of curves alone is wireframe).
pub fn is_body_item(graph: &Graph<'_>, inst: &Instance<'_>) -> bool {
    if inst.is("GEOMETRIC_SET") {
        return list_refs(inst.param(1)).into_iter().any(|m| graph.instances.get(&m).is_some_and(patch::is_patch));
    }
    BODY_ITEMS.iter().any(|n| inst.is(n))
}

/// The box of a part's vertices, polygon points and triangulation coordinates (part units), from a bounded
/// walk of everything its body items reference. It sets the chord tolerance before anything is meshed.
pub fn part_bbox(graph: &Graph<'_>, src: &PartSource) -> BBox3 {
    let mut bbox = BBox3::EMPTY;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut stack: Vec<u64> = src.reps.iter().flat_map(|&r| body_items(graph, r)).collect();
    while let Some(id) = stack.pop() {
        if seen.len() > MAX_BBOX_VISITS || !seen.insert(id) {
            continue;
        }
        let Some(inst) = graph.instances.get(&id) else { continue };
        let name = inst.name().to_ascii_uppercase();
        match name.as_str() {
            "VERTEX_POINT" => {
                if let Some(p) = inst.param(1).and_then(Param::reference).and_then(|p| placement::point(graph, p)) {
                    bbox.add_point(p);
                }
                continue;
            }
            "POLY_LOOP" => {
                for q in list_refs(inst.param(1)) {
                    if let Some(p) = placement::point(graph, q) {
                        bbox.add_point(p);
                    }
                }
                continue;
            }
            "COORDINATES_LIST" => {
                for t in inst.param(2).and_then(Param::list).unwrap_or(&[]) {
                    if let Some(p) = t.list().and_then(placement::triple) {
                        bbox.add_point(p);
                    }
                }
                continue;
            }
            // A face bounded by nothing or by vertex loops alone (a whole sphere or torus) has at most a
            // vertex or two: its surface's box stands in, or a body made only of such faces would get a
            // tolerance far finer than 0.1 % of its size and refine to the triangle cap (a sphere of radius
            // 5 with one vertex loop: 50 k triangles, area −1.2 %).
            "ADVANCED_FACE" | "FACE_SURFACE" if !has_edge_bounds(graph, inst) => {
                if let Some(b) = inst.param(2).and_then(Param::reference).and_then(|s| closed_surface_box(graph, s)) {
                    bbox.union(&b);
                }
            }
            // A surface patch has no vertices: the 3D points below it (control points, boundary curves'
            // points, placement origins) stand in; 2D points of pcurves are parameters, not positions.
            "GEOMETRIC_SET" => {
                for m in list_refs(inst.param(1)) {
                    if graph.instances.get(&m).is_some_and(patch::is_patch) {
                        patch_points(graph, m, &mut bbox, &mut seen);
                    }
                }
                continue;
            }
            // Geometry below a face or edge adds no vertices.
            "FACE_SURFACE" | "EDGE_CURVE" => {}
            _ if name.ends_with("_SURFACE") || name.ends_with("CURVE") => continue,
            _ => {}
        }
        inst.for_each_ref(|r| stack.push(r));
    }
    let wires: Vec<u64> = src.reps.iter().flat_map(|&r| wire::wire_items(graph, r)).collect();
    bbox.union(&wire::wire_bbox(graph, &wires));
    bbox
}

/// Adds every 3D `CARTESIAN_POINT` below a surface patch to `bbox` (bounded by [`MAX_BBOX_VISITS`]).
fn patch_points(graph: &Graph<'_>, start: u64, bbox: &mut BBox3, seen: &mut HashSet<u64>) {
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if seen.len() > MAX_BBOX_VISITS || !seen.insert(id) {
            continue;
        }
        let Some(inst) = graph.instances.get(&id) else { continue };
        if let Some(rec) = inst.record("CARTESIAN_POINT") {
            let coords = rec.params.get(1).and_then(Param::list).unwrap_or(&[]);
            if let Some(p) = (coords.len() == 3).then(|| placement::triple(coords)).flatten() {
                bbox.add_point(p);
            }
            continue;
        }
        if inst.is("DEFINITIONAL_REPRESENTATION") || inst.is("REPRESENTATION_CONTEXT") {
            continue;
        }
        inst.for_each_ref(|r| stack.push(r));
    }
}

/// Whether any bound of a face is a loop of edges or a polygon (not a vertex loop).
fn has_edge_bounds(graph: &Graph<'_>, face: &Instance<'_>) -> bool {
    list_refs(face.param(1)).into_iter().any(|b| {
        let lp = graph.instances.get(&b).and_then(|i| i.param(1)).and_then(Param::reference);
        lp.and_then(|l| graph.instances.get(&l)).is_some_and(|l| !l.is("VERTEX_LOOP"))
    })
}

/// The box of a sphere or torus around its centre (a cube of its outer radius, which contains it).
fn closed_surface_box(graph: &Graph<'_>, surface: u64) -> Option<BBox3> {
    let inst = graph.instances.get(&surface)?;
    let real = |i: usize| inst.param(i).and_then(Param::real).filter(|r| r.is_finite());
    let outer = if inst.is("SPHERICAL_SURFACE") {
        real(2)?.abs()
    } else if inst.is("TOROIDAL_SURFACE") {
        real(2)?.abs() + real(3)?.abs()
    } else {
        return None;
    };
    let centre = placement::axes(graph, inst.param(1).and_then(Param::reference)?)?.origin;
    let mut b = BBox3::EMPTY;
    b.add_point(Point::new(centre.x - outer, centre.y - outer, centre.z - outer));
    b.add_point(Point::new(centre.x + outer, centre.y + outer, centre.z + outer));
    Some(b)
}
