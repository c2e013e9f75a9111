//! Block graph checks: a block that inserts itself, directly or through others, cannot be drawn. The
//! reader keeps such blocks (they are valid DXF records) and warns; `model::flatten` cuts the cycle at the
//! repeated block (its stack check) and bounds everything else by depth and budget.

use std::collections::HashMap;

use crate::model::{BlockDef, Geom};

/// Names of blocks referenced by a block's inserts (and DIMENSION graphics blocks).
fn references(b: &BlockDef) -> impl Iterator<Item = String> + '_ {
    b.entities.iter().filter_map(|e| match &e.geom {
        Geom::Insert(i) => Some(i.block.to_ascii_uppercase()),
        Geom::Dimension(d) => d.block.as_ref().map(|n| n.to_ascii_uppercase()),
        _ => None,
    })
}

/// One warning per block cycle found (iterative DFS, so deep chains cannot overflow the stack).
pub fn check_cycles(blocks: &[BlockDef]) -> Vec<String> {
    let index: HashMap<String, usize> =
        blocks.iter().enumerate().map(|(i, b)| (b.name.to_ascii_uppercase(), i)).collect();
    let edges: Vec<Vec<usize>> =
        blocks.iter().map(|b| references(b).filter_map(|n| index.get(&n).copied()).collect()).collect();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; blocks.len()];
    let mut warnings = Vec::new();
    for root in 0..blocks.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = edges[node].get(*next) {
                *next += 1;
                match state[child] {
                    0 => {
                        state[child] = 1;
                        stack.push((child, 0));
                    }
                    1 if warnings.len() < 100 => warnings.push(format!(
                        "block {:?} references itself (through {:?}); expansion stops at the repeat",
                        blocks[child].name, blocks[node].name
                    )),
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::flatten::{BlockTable, FlattenLimits, flatten};
    use crate::model::{Entity, InsertGeom, Point};

    fn block(name: &str, inserts: &[&str]) -> BlockDef {
        BlockDef {
            name: name.into(),
            base: Point::ZERO,
            external: false,
            entities: inserts
                .iter()
                .map(|n| Entity::new("INSERT", Geom::Insert(Box::new(InsertGeom::new(*n, Point::ZERO)))))
                .chain(std::iter::once(Entity::new("POINT", Geom::Point { position: Point::ZERO })))
                .collect(),
        }
    }

    #[test]
    fn indirect_cycle_is_reported_and_flatten_terminates() {
        let blocks = vec![block("A", &["B"]), block("B", &["A"]), block("C", &[])];
        let w = check_cycles(&blocks);
        assert_eq!(w.len(), 1, "{w:?}");
        let table = BlockTable::new(&blocks);
        let top = [Entity::new("INSERT", Geom::Insert(Box::new(InsertGeom::new("A", Point::ZERO))))];
        let mut n = 0;
        let report = flatten(&top, &table, FlattenLimits::default(), &mut |_| n += 1);
        assert_eq!(report.cycles, vec!["A".to_owned()]);
        // INSERT A, then A's INSERT B and POINT, B's INSERT A (cut) and POINT.
        assert_eq!(n, 5);
    }

    #[test]
    fn self_reference_is_a_cycle() {
        assert_eq!(check_cycles(&[block("S", &["s"])]).len(), 1);
        assert!(check_cycles(&[block("S", &["T"]), block("T", &[])]).is_empty());
    }
}
