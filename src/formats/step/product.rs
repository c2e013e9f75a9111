//! The product tree (formats.md §6 "Assembly tree"): `PRODUCT_DEFINITION`s are parts, each with the
//! representations that hold its geometry (`SHAPE_DEFINITION_REPRESENTATION` → shape representation,
//! followed through plain `SHAPE_REPRESENTATION_RELATIONSHIP`s); `NEXT_ASSEMBLY_USAGE_OCCURRENCE`s are the
//! edges, placed by the `CONTEXT_DEPENDENT_SHAPE_REPRESENTATION` whose product definition shape names the
//! occurrence. Which of the relationship's two representations is the child is decided by ownership (the
//! one the child's definition owns), as OpenCASCADE does, not by position.
//!
//! Transforms and geometry are expressed in the model's one length unit: every representation's own unit
//! (its context) scales its placements and its part's mesh.

use std::collections::{HashMap, HashSet};

use super::error::StepError;
use super::graph::Graph;
use super::parser::{Budget, Param};
use super::placement;
use super::units;
use crate::model::{Affine, Node, NodeKind};

/// A part definition before meshing: where its geometry is, and in which unit.
#[derive(Debug, Clone, PartialEq)]
pub struct PartSource {
    pub name: String,
    /// Representations whose items are the part's bodies.
    pub reps: Vec<u64>,
    /// Model units per part unit (mesh positions are multiplied by it).
    pub scale: f64,
}

#[derive(Debug, Default)]
pub struct Tree {
    /// Millimetres per model unit: the unit of the first root product's representation.
    pub model_mm: f64,
    pub roots: Vec<Node>,
    pub parts: Vec<PartSource>,
    pub warnings: Vec<String>,
}

/// Shape items the reader turns into bodies (anything else in a representation is a placement or
/// annotation).
pub const BODY_ITEMS: &[&str] = &[
    "MANIFOLD_SOLID_BREP",
    "BREP_WITH_VOIDS",
    "FACETED_BREP",
    "SHELL_BASED_SURFACE_MODEL",
    "CLOSED_SHELL",
    "OPEN_SHELL",
    "ORIENTED_CLOSED_SHELL",
    "ADVANCED_FACE",
    "FACE_SURFACE",
    "TESSELLATED_SOLID",
    "TESSELLATED_SHELL",
    "TRIANGULATED_FACE",
    "COMPLEX_TRIANGULATED_FACE",
    "TRIANGULATED_SURFACE_SET",
    "COMPLEX_TRIANGULATED_SURFACE_SET",
];

/// Most nodes of the expanded tree (a shared sub-assembly used many times at many levels multiplies).
const MAX_NODES: usize = 1_000_000;

struct Index {
    /// product definition → its representations (by SDR)
    pd_reps: HashMap<u64, Vec<u64>>,
    /// representation ↔ representation (plain relationships, no transformation)
    rep_links: HashMap<u64, Vec<u64>>,
    /// parent product definition → its occurrences
    children: HashMap<u64, Vec<u64>>,
    /// occurrence → its placement relationship
    placement_of: HashMap<u64, u64>,
}

fn rep_items<'g>(graph: &'g Graph<'_>, rep: u64) -> &'g [Param<'g>] {
    graph
        .instances
        .get(&rep)
        .and_then(|i| i.records.iter().find(|r| r.params.len() >= 3 && r.params[1].list().is_some()))
        .and_then(|r| r.params[1].list())
        .unwrap_or(&[])
}

/// Millimetres per unit of a representation's context.
fn rep_mm(graph: &Graph<'_>, rep: u64) -> Option<f64> {
    let inst = graph.instances.get(&rep)?;
    let ctx = inst.records.iter().find_map(|r| r.params.get(2).and_then(Param::reference))?;
    units::context_mm(graph, ctx)
}

fn build_index(graph: &Graph<'_>) -> Index {
    let mut pds_definition: HashMap<u64, u64> = HashMap::new();
    for pds in graph.all_of("PRODUCT_DEFINITION_SHAPE") {
        if let Some(def) = graph.instances[&pds].record("PRODUCT_DEFINITION_SHAPE").and_then(|r| r.params.get(2)) {
            if let Some(d) = def.reference() {
                pds_definition.insert(pds, d);
            }
        }
    }
    let mut pd_reps: HashMap<u64, Vec<u64>> = HashMap::new();
    for sdr in graph.all_of("SHAPE_DEFINITION_REPRESENTATION") {
        let inst = &graph.instances[&sdr];
        let (Some(pds), Some(rep)) =
            (inst.param(0).and_then(Param::reference), inst.param(1).and_then(Param::reference))
        else {
            continue;
        };
        if let Some(&def) = pds_definition.get(&pds) {
            pd_reps.entry(def).or_default().push(rep);
        }
    }
    let mut rep_links: HashMap<u64, Vec<u64>> = HashMap::new();
    for rel in graph.all_of("REPRESENTATION_RELATIONSHIP") {
        let inst = &graph.instances[&rel];
        if inst.is("REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION") {
            continue;
        }
        let Some(r) = inst.record("REPRESENTATION_RELATIONSHIP") else { continue };
        if let (Some(a), Some(b)) =
            (r.params.get(2).and_then(Param::reference), r.params.get(3).and_then(Param::reference))
        {
            rep_links.entry(a).or_default().push(b);
            rep_links.entry(b).or_default().push(a);
        }
    }
    // Simple SHAPE_REPRESENTATION_RELATIONSHIP instances (not complex) carry the same four attributes.
    // Supplemental geometry (AP242 CONSTRUCTIVE_GEOMETRY_REPRESENTATION_RELATIONSHIP) is linked the same
    // way: OpenCASCADE adds the bodies it holds (a tessellated shell) to the product as a component;
    // its placements and points are no bodies and add nothing.
    let mut simple = graph.all_of("SHAPE_REPRESENTATION_RELATIONSHIP");
    simple.extend(graph.all_of("CONSTRUCTIVE_GEOMETRY_REPRESENTATION_RELATIONSHIP"));
    for rel in simple {
        let inst = &graph.instances[&rel];
        if inst.is_complex() {
            continue;
        }
        if let (Some(a), Some(b)) = (inst.param(2).and_then(Param::reference), inst.param(3).and_then(Param::reference))
        {
            rep_links.entry(a).or_default().push(b);
            rep_links.entry(b).or_default().push(a);
        }
    }
    let mut children: HashMap<u64, Vec<u64>> = HashMap::new();
    for nauo in graph.all_of("NEXT_ASSEMBLY_USAGE_OCCURRENCE") {
        if let Some(parent) = graph.instances[&nauo].param(3).and_then(Param::reference) {
            children.entry(parent).or_default().push(nauo);
        }
    }
    let mut placement_of = HashMap::new();
    for cdsr in graph.all_of("CONTEXT_DEPENDENT_SHAPE_REPRESENTATION") {
        let inst = &graph.instances[&cdsr];
        let (Some(rel), Some(pds)) =
            (inst.param(0).and_then(Param::reference), inst.param(1).and_then(Param::reference))
        else {
            continue;
        };
        if let Some(&occurrence) = pds_definition.get(&pds) {
            placement_of.insert(occurrence, rel);
        }
    }
    Index { pd_reps, rep_links, children, placement_of }
}

/// Every representation reachable from `start` through plain relationships (bounded by a visited set).
fn linked_reps(index: &Index, start: &[u64]) -> Vec<u64> {
    let mut seen: HashSet<u64> = HashSet::new();
    let mut order = Vec::new();
    let mut stack: Vec<u64> = start.to_vec();
    while let Some(r) = stack.pop() {
        if !seen.insert(r) {
            continue;
        }
        order.push(r);
        if let Some(next) = index.rep_links.get(&r) {
            stack.extend(next.iter().copied());
        }
    }
    order.sort_unstable();
    order
}

fn has_body(graph: &Graph<'_>, rep: u64) -> bool {
    rep_items(graph, rep).iter().any(|p| {
        p.reference().and_then(|id| graph.instances.get(&id)).is_some_and(|i| super::shape::is_body_item(graph, i))
    })
}

/// Bodies or wireframe ([`super::wire::WIRE_ITEMS`]): geometry a part is made of. A representation
/// holding either is a component of its product as OpenCASCADE counts them (a "WIRE" or "COMPOUND" part
/// beside the solid).
fn has_shape(graph: &Graph<'_>, rep: u64) -> bool {
    has_body(graph, rep)
        || rep_items(graph, rep)
            .iter()
            .filter_map(Param::reference)
            .any(|i| graph.instances.get(&i).is_some_and(super::wire::is_wire_item))
}

/// `PRODUCT.name` of a product definition (its id when the name is blank or `NONE`).
fn product_name(graph: &Graph<'_>, pd: u64) -> String {
    let product = graph
        .instances
        .get(&pd)
        .and_then(|i| i.param(2)?.reference())
        .and_then(|pdf| graph.instances.get(&pdf)?.param(2)?.reference())
        .and_then(|p| graph.instances.get(&p));
    let text = |i: usize| {
        product
            .and_then(|p| p.param(i)?.string())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("NONE"))
    };
    text(1).or_else(|| text(0)).unwrap_or_else(|| format!("#{pd}"))
}

/// The placement of an occurrence, child → parent, in model units; `None` when absent or unreadable.
fn occurrence_transform(
    graph: &Graph<'_>,
    index: &Index,
    nauo: u64,
    child_reps: &[u64],
    model_mm: f64,
) -> Option<Affine> {
    let rel = graph.instances.get(index.placement_of.get(&nauo)?)?;
    let rr = rel.record("REPRESENTATION_RELATIONSHIP")?;
    let rep1 = rr.params.get(2)?.reference()?;
    let rep2 = rr.params.get(3)?.reference()?;
    let op = rel.record("REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION")?.params.first()?.reference()?;
    let op = graph.instances.get(&op)?;
    let idt = op.record("ITEM_DEFINED_TRANSFORMATION")?;
    let item1 = idt.params.get(2)?.reference()?;
    let item2 = idt.params.get(3)?.reference()?;
    // The child's own representation holds the "from" placement.
    let (from, from_rep, to, to_rep) = if child_reps.contains(&rep2) && !child_reps.contains(&rep1) {
        (item2, rep2, item1, rep1)
    } else {
        (item1, rep1, item2, rep2)
    };
    let unit = |rep: u64| rep_mm(graph, rep).unwrap_or(model_mm) / model_mm;
    let a_from = placement::axes(graph, from)?;
    let a_to = placement::axes(graph, to)?;
    Some(a_to.to_affine(unit(to_rep)).then_after(&a_from.to_affine_inverse(unit(from_rep))))
}

/// One level of the iterative tree build.
struct Frame {
    pd: u64,
    node: Node,
    pending: Vec<(u64, u64)>,
}

/// The product tree; `fallback_mm` is the model unit when no root product's representation declares one.
pub fn build(graph: &Graph<'_>, fallback_mm: Option<f64>, budget: &Budget) -> Result<Tree, StepError> {
    let index = build_index(graph);
    let mut tree = Tree::default();
    let mut part_of: HashMap<u64, Option<usize>> = HashMap::new();
    let mut pds = graph.all_of("PRODUCT_DEFINITION");
    pds.extend(graph.all_of("PRODUCT_DEFINITION_WITH_ASSOCIATED_DOCUMENTS"));
    pds.sort_unstable();
    let children_ids: HashSet<u64> =
        index.children.values().flatten().filter_map(|&n| graph.instances.get(&n)?.param(4)?.reference()).collect();
    // The model's unit is the top product's (an inch part placed in a mm assembly is scaled into mm).
    let model_mm = pds
        .iter()
        .filter(|pd| !children_ids.contains(pd))
        .find_map(|pd| {
            let direct = index.pd_reps.get(pd)?;
            linked_reps(&index, direct).into_iter().find_map(|r| rep_mm(graph, r))
        })
        .or(fallback_mm)
        .unwrap_or(1.0);
    tree.model_mm = model_mm;
    // Everything the product structure walks must be free of reference cycles (annotations may cycle).
    for id in pds.iter().chain(index.children.values().flatten()).chain(index.pd_reps.values().flatten()) {
        graph.check(*id)?;
    }
    check_assembly_cycles(graph, &index)?;
    let mut nodes = 0usize;
    let mut any_body = false;
    for &root in pds.iter().filter(|pd| !children_ids.contains(pd)) {
        let node = build_from(graph, &index, root, model_mm, budget, &mut tree, &mut part_of, &mut nodes)?;
        any_body |= subtree_has_body(&node, &tree.parts, graph);
        tree.roots.push(node);
    }
    // A root product with no shape at all (no representation, no occurrences: a raw material named by a
    // MAKE_FROM_USAGE_OPTION, a document) is no part: OpenCASCADE makes shapes only of products with a
    // shape representation.
    let shapeless = |pd: u64| !index.pd_reps.contains_key(&pd) && !index.children.contains_key(&pd);
    let kept: Vec<bool> = pds.iter().filter(|pd| !children_ids.contains(pd)).map(|&pd| !shapeless(pd)).collect();
    if !any_body {
        // Geometry no product owns (some AP242 files, bare shape representations): all representations with
        // bodies form one part — that of the only root product when there is one, as OpenCASCADE reads it.
        let reps: Vec<u64> = representations(graph).into_iter().filter(|&r| has_body(graph, r)).collect();
        if let Some(&first) = reps.first() {
            let scale = rep_mm(graph, first).unwrap_or(model_mm) / model_mm;
            let name = match tree.roots.as_slice() {
                [only] => only.name.clone(),
                _ => "STEP".to_owned(),
            };
            tree.parts.push(PartSource { name: name.clone(), reps, scale });
            let part = Some(tree.parts.len() - 1);
            match tree.roots.as_mut_slice() {
                [only] if only.children.is_empty() => only.part = part,
                _ => tree.roots.push(Node { name, kind: NodeKind::Part, part, ..Node::default() }),
            }
        }
    }
    let mut i = 0;
    tree.roots.retain(|n| {
        // Roots added by the fallback above are past the end of `kept` and stay.
        let keep = kept.get(i).is_none_or(|&k| k || n.part.is_some() || !n.children.is_empty());
        i += 1;
        keep
    });
    Ok(tree)
}

/// A product definition on the walk, its (occurrence, child) pairs and the next pair to visit.
type PathStep = (u64, Vec<(u64, u64)>, usize);

/// Product definitions that contain themselves through occurrences (also when no root reaches them).
fn check_assembly_cycles(graph: &Graph<'_>, index: &Index) -> Result<(), StepError> {
    let child_of = |nauo: u64| graph.instances.get(&nauo).and_then(|i| i.param(4)?.reference());
    let mut done: HashSet<u64> = HashSet::new();
    let mut parents: Vec<u64> = index.children.keys().copied().collect();
    parents.sort_unstable();
    for start in parents {
        if done.contains(&start) {
            continue;
        }
        // (product definition, its child definitions, next child)
        let kids = |pd: u64| -> Vec<(u64, u64)> {
            index
                .children
                .get(&pd)
                .map(|v| v.iter().filter_map(|&n| Some((n, child_of(n)?))).collect())
                .unwrap_or_default()
        };
        let mut path: Vec<PathStep> = vec![(start, kids(start), 0)];
        while let Some(top) = path.last_mut() {
            let Some(&(nauo, child)) = top.1.get(top.2) else {
                done.insert(top.0);
                path.pop();
                continue;
            };
            top.2 += 1;
            if path.iter().any(|f| f.0 == child) {
                let ids: Vec<String> = path.iter().map(|f| format!("#{}", f.0)).collect();
                return Err(StepError::Cycle {
                    at: graph.at(nauo),
                    id: child,
                    path: format!("{} → #{child}", ids.join(" → ")),
                });
            }
            if !done.contains(&child) {
                path.push((child, kids(child), 0));
            }
        }
    }
    Ok(())
}

/// Every instance of `REPRESENTATION` or a subtype (`…_REPRESENTATION`), in id order.
fn representations(graph: &Graph<'_>) -> Vec<u64> {
    let mut ids: Vec<u64> = graph
        .instances
        .iter()
        .filter(|(_, i)| {
            i.records.iter().any(|r| {
                let n = r.name.to_ascii_uppercase();
                n == "REPRESENTATION" || n.ends_with("_REPRESENTATION")
            })
        })
        .map(|(&id, _)| id)
        .collect();
    ids.sort_unstable();
    ids
}

/// Whether a node or one below it is a part with bodies (a wireframe-only part does not keep the
/// unowned bodies' fallback from running).
fn subtree_has_body(n: &Node, parts: &[PartSource], graph: &Graph<'_>) -> bool {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        if n.part.and_then(|i| parts.get(i)).is_some_and(|p| p.reps.iter().any(|&r| has_body(graph, r))) {
            return true;
        }
        stack.extend(n.children.iter());
    }
    false
}

/// The representations of a product definition (linked ones included) that hold bodies or geometric
/// sets, in id order.
fn components(graph: &Graph<'_>, index: &Index, pd: u64) -> Vec<u64> {
    let direct = index.pd_reps.get(&pd).map_or(&[][..], Vec::as_slice);
    linked_reps(index, direct).into_iter().filter(|&r| has_shape(graph, r)).collect()
}

/// The part of one representation (created on first use; `None` without bodies or wireframe).
fn rep_part(
    graph: &Graph<'_>,
    rep: u64,
    name: &str,
    model_mm: f64,
    tree: &mut Tree,
    part_of: &mut HashMap<u64, Option<usize>>,
) -> Option<usize> {
    if let Some(&p) = part_of.get(&rep) {
        return p;
    }
    let p = has_shape(graph, rep).then(|| {
        let scale = rep_mm(graph, rep).unwrap_or(model_mm) / model_mm;
        tree.parts.push(PartSource { name: name.to_owned(), reps: vec![rep], scale });
        tree.parts.len() - 1
    });
    part_of.insert(rep, p);
    p
}

/// The part index of a product definition (created on first use; `None` without bodies or wireframe).
fn part_index(
    graph: &Graph<'_>,
    index: &Index,
    pd: u64,
    model_mm: f64,
    tree: &mut Tree,
    part_of: &mut HashMap<u64, Option<usize>>,
) -> Option<usize> {
    if let Some(&p) = part_of.get(&pd) {
        return p;
    }
    let direct = index.pd_reps.get(&pd).cloned().unwrap_or_default();
    let reps: Vec<u64> = linked_reps(index, &direct).into_iter().filter(|&r| has_shape(graph, r)).collect();
    let p = (!reps.is_empty()).then(|| {
        let unit = reps.iter().find_map(|&r| rep_mm(graph, r)).unwrap_or(model_mm);
        tree.parts.push(PartSource { name: product_name(graph, pd), reps, scale: unit / model_mm });
        tree.parts.len() - 1
    });
    part_of.insert(pd, p);
    p
}

#[allow(clippy::too_many_arguments)]
fn build_from(
    graph: &Graph<'_>,
    index: &Index,
    root: u64,
    model_mm: f64,
    budget: &Budget,
    tree: &mut Tree,
    part_of: &mut HashMap<u64, Option<usize>>,
    nodes: &mut usize,
) -> Result<Node, StepError> {
    let new_frame = |pd: u64, transform: Affine, tree: &mut Tree, part_of: &mut HashMap<u64, Option<usize>>| {
        let pending: Vec<(u64, u64)> = index
            .children
            .get(&pd)
            .map(|occ| {
                occ.iter().rev().filter_map(|&n| Some((n, graph.instances.get(&n)?.param(4)?.reference()?))).collect()
            })
            .unwrap_or_default();
        let name = product_name(graph, pd);
        // Several linked representations with shape content are one component each (as OpenCASCADE
        // reads them: a solid beside a surface set makes the product an assembly of two parts).
        let comps = components(graph, index, pd);
        let (part, children) = if comps.len() >= 2 {
            let children = comps
                .iter()
                .map(|&rep| {
                    let part = rep_part(graph, rep, &name, model_mm, tree, part_of);
                    Node { name: name.clone(), kind: NodeKind::Part, part, ..Node::default() }
                })
                .collect();
            (None, children)
        } else {
            (part_index(graph, index, pd, model_mm, tree, part_of), Vec::new())
        };
        let kind = if pending.is_empty() && children.is_empty() { NodeKind::Part } else { NodeKind::Assembly };
        Frame { pd, node: Node { name, kind, transform, part, children, ..Node::default() }, pending }
    };
    let mut stack = vec![new_frame(root, Affine::IDENTITY, tree, part_of)];
    *nodes += 1;
    loop {
        let Some(top) = stack.last_mut() else { unreachable_empty()? };
        match top.pending.pop() {
            Some((nauo, child)) => {
                if stack.iter().any(|f| f.pd == child) {
                    let path = stack.iter().map(|f| format!("#{}", f.pd)).collect::<Vec<_>>().join(" → ");
                    return Err(StepError::Cycle {
                        at: graph.at(nauo), id: child, path: format!("{path} → #{child}")
                    });
                }
                if stack.len() >= budget.depth {
                    return Err(StepError::Budget {
                        at: graph.at(nauo),
                        what: "assembly depth",
                        limit: budget.depth as u64,
                    });
                }
                *nodes += 1;
                if *nodes > MAX_NODES {
                    return Err(StepError::Budget {
                        at: graph.at(nauo),
                        what: "placed product nodes",
                        limit: MAX_NODES as u64,
                    });
                }
                graph.get(nauo, child)?;
                let child_reps = linked_reps(index, index.pd_reps.get(&child).map_or(&[][..], Vec::as_slice));
                let transform = occurrence_transform(graph, index, nauo, &child_reps, model_mm).unwrap_or_else(|| {
                    if index.placement_of.contains_key(&nauo) {
                        tree.warnings.push(format!("placement of occurrence #{nauo} unreadable; identity used"));
                    }
                    Affine::IDENTITY
                });
                let frame = new_frame(child, transform, tree, part_of);
                stack.push(frame);
            }
            None => {
                let Some(done) = stack.pop() else { unreachable_empty()? };
                match stack.last_mut() {
                    Some(parent) => parent.node.children.push(done.node),
                    None => return Ok(done.node),
                }
            }
        }
    }
}

/// The stack is never empty inside the loop (it returns when the root is popped); this keeps the
/// impossible case a typed error rather than a panic.
fn unreachable_empty<T>() -> Result<T, StepError> {
    Err(StepError::NoData { at: super::error::At { line: 0, offset: 0 } })
}
