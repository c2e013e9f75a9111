//! The entity graph: instances by id (a `HashMap`, so an attacker's `#9999999999` costs one entry, not a
//! vector that long), every reference checked once, and a cycle check. Dangling references and cycles are
//! counted here and become typed errors only where the reader needs the instance ([`Graph::get`]): real
//! exporters write cycles among annotation entities (`DIMENSION_TEXT_ASSOCIATIVITY`, a `REPRESENTATION`
//! listing itself) that the reader never walks, and OpenCASCADE reads those files.

use std::collections::HashMap;

use super::error::{At, StepError};
use super::parser::{Budget, Instance};

pub struct Graph<'a> {
    pub instances: HashMap<u64, Instance<'a>>,
    bytes: &'a [u8],
    /// References to ids the file does not define (each counted once per referring instance and target).
    pub dangling: u64,
    /// One example of a dangling reference, for the warning.
    pub first_dangling: Option<(u64, u64)>,
    /// Instances found on a reference cycle: reaching one of them is a [`StepError::Cycle`].
    on_cycle: HashMap<u64, String>,
    /// The first cycle found, for the warning (`#1 → #2 → #1`).
    pub first_cycle: Option<String>,
}

/// DFS colours for the cycle check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Done,
}

impl<'a> Graph<'a> {
    /// Checks references and cycles. Iterative depth-first walk with an explicit stack; a reference chain
    /// longer than `budget.ref_depth` is refused (the deepest real chains are a few dozen links).
    pub fn new(
        bytes: &'a [u8],
        instances: HashMap<u64, Instance<'a>>,
        budget: &Budget,
    ) -> Result<Graph<'a>, StepError> {
        let mut g =
            Graph { instances, bytes, dangling: 0, first_dangling: None, on_cycle: HashMap::new(), first_cycle: None };
        g.count_dangling();
        g.check_cycles(budget)?;
        Ok(g)
    }

    fn count_dangling(&mut self) {
        let mut dangling = 0;
        let mut first = None;
        for (&id, inst) in &self.instances {
            inst.for_each_ref(|to| {
                if !self.instances.contains_key(&to) {
                    dangling += 1;
                    first.get_or_insert((id, to));
                }
            });
        }
        self.dangling = dangling;
        self.first_dangling = first;
    }

    fn refs_of(&self, id: u64) -> Vec<u64> {
        let mut out = Vec::new();
        if let Some(inst) = self.instances.get(&id) {
            inst.for_each_ref(|to| {
                if self.instances.contains_key(&to) {
                    out.push(to);
                }
            });
        }
        out
    }

    fn check_cycles(&mut self, budget: &Budget) -> Result<(), StepError> {
        let mut marks: HashMap<u64, Mark> = HashMap::with_capacity(self.instances.len());
        // Start from ids in order so the reported cycle does not depend on hash order.
        let mut roots: Vec<u64> = self.instances.keys().copied().collect();
        roots.sort_unstable();
        // (instance, its references, next reference to visit)
        let mut stack: Vec<(u64, Vec<u64>, usize)> = Vec::new();
        for root in roots {
            if marks.contains_key(&root) {
                continue;
            }
            marks.insert(root, Mark::Open);
            stack.push((root, self.refs_of(root), 0));
            while let Some(top) = stack.last_mut() {
                let Some(&next) = top.1.get(top.2) else {
                    marks.insert(top.0, Mark::Done);
                    stack.pop();
                    continue;
                };
                top.2 += 1;
                match marks.get(&next) {
                    Some(Mark::Done) => {}
                    Some(Mark::Open) => self.record_cycle(next, &stack),
                    None => {
                        if stack.len() >= budget.ref_depth {
                            return Err(StepError::Budget {
                                at: self.at(next),
                                what: "reference chain depth",
                                limit: budget.ref_depth as u64,
                            });
                        }
                        marks.insert(next, Mark::Open);
                        stack.push((next, self.refs_of(next), 0));
                    }
                }
            }
        }
        Ok(())
    }

    /// Marks the instances from `id` up the stack as on a cycle (the stack top refers back to `id`).
    fn record_cycle(&mut self, id: u64, stack: &[(u64, Vec<u64>, usize)]) {
        let start = stack.iter().position(|f| f.0 == id).unwrap_or(0);
        let mut path: Vec<String> = stack[start..].iter().take(8).map(|f| format!("#{}", f.0)).collect();
        if stack.len() - start > 8 {
            path.push("…".to_owned());
        }
        path.push(format!("#{id}"));
        let path = path.join(" → ");
        for f in &stack[start..] {
            self.on_cycle.entry(f.0).or_insert_with(|| path.clone());
        }
        self.first_cycle.get_or_insert(path);
    }

    /// How many instances lie on a found reference cycle.
    pub fn cyclic(&self) -> usize {
        self.on_cycle.len()
    }

    /// Where an instance is written (for errors).
    pub fn at(&self, id: u64) -> At {
        At::of(self.bytes, self.instances.get(&id).map_or(0, |i| i.offset))
    }

    /// The instance `to` as referenced from `from`: a dangling reference or a cycle the reader needs is a
    /// typed error.
    pub fn get(&self, from: u64, to: u64) -> Result<&Instance<'a>, StepError> {
        if let Some(path) = self.on_cycle.get(&to) {
            return Err(StepError::Cycle { at: self.at(to), id: to, path: path.clone() });
        }
        self.instances.get(&to).ok_or_else(|| StepError::Dangling { at: self.at(from), from, to })
    }

    /// A typed error when the reader needs `id` and it lies on a reference cycle.
    pub fn check(&self, id: u64) -> Result<(), StepError> {
        match self.on_cycle.get(&id) {
            Some(path) => Err(StepError::Cycle { at: self.at(id), id, path: path.clone() }),
            None => Ok(()),
        }
    }

    /// Ids of all instances of a type (simple, or as a partial of a complex instance), in id order.
    pub fn all_of(&self, name: &str) -> Vec<u64> {
        let mut ids: Vec<u64> = self.instances.iter().filter(|(_, i)| i.is(name)).map(|(&id, _)| id).collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::step::parser::parse;

    fn with_graph<T>(data: &str, f: impl FnOnce(&Graph<'_>) -> T) -> Result<T, StepError> {
        let text = format!("ISO-10303-21;HEADER;ENDSEC;DATA;{data}ENDSEC;END-ISO-10303-21;");
        let ex = parse(text.as_bytes(), &Budget::default())?;
        Graph::new(text.as_bytes(), ex.instances, &Budget::default()).map(|g| f(&g))
    }

    fn graph(data: &str) -> Result<usize, StepError> {
        with_graph(data, |g| g.dangling as usize)
    }

    #[test]
    fn needed_instances_on_cycles_are_typed_errors() {
        let got = with_graph("#1=FOO(#1);#5=BAR(#1);", |g| g.get(5, 1).map(|_| ()));
        assert!(matches!(got, Ok(Err(StepError::Cycle { id: 1, .. }))));
        let got = with_graph("#1=A(#2);#2=B((#3));#3=C(X(#1));#4=D();", |g| {
            (g.cyclic(), g.first_cycle.clone(), g.get(1, 4).is_ok())
        });
        assert_eq!(got, Ok((3, Some("#1 → #2 → #3 → #1".to_owned()), true)));
    }

    #[test]
    fn dangling_references_are_counted_and_huge_ids_cost_nothing() {
        assert_eq!(graph("#1=A(#2,#7);#2=B();#9999999999999=C(#1);").expect("no cycle"), 1);
    }

    #[test]
    fn long_chains_hit_the_depth_budget() {
        let chain: String = (1..=2000).map(|i| format!("#{i}=N(#{});", i + 1)).collect();
        assert!(matches!(graph(&chain), Err(StepError::Budget { what: "reference chain depth", .. })));
    }
}
