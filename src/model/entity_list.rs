//! [`EntityList`]: a sheet's entities in drawing order, held as a few runs of contiguous storage.
//!
//! A reader that fills one sheet from several threads (the DXF reader reads a large ENTITIES section in two
//! halves at once) hands each thread's entities over as runs of their own: joining them into one vector
//! would copy every entity of the later part once more, into memory faulted in for the copy, which cost
//! the reader a fifth of its time. Consumers see one sequence; where the runs break is not part of the
//! value (two lists with the same entities are equal however they are cut).

use super::drawing::Entity;

#[derive(Debug, Clone, Default)]
pub struct EntityList {
    /// Never empty runs, in order.
    runs: Vec<Vec<Entity>>,
    len: usize,
}

impl EntityList {
    pub fn new() -> EntityList {
        EntityList::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one entity to the last run (starting one when there is none).
    pub fn push(&mut self, e: Entity) {
        match self.runs.last_mut() {
            Some(run) => run.push(e),
            None => self.runs.push(vec![e]),
        }
        self.len += 1;
    }

    /// Appends `run`'s entities as a run of their own, without moving them.
    pub fn append_run(&mut self, run: Vec<Entity>) {
        if !run.is_empty() {
            self.len += run.len();
            self.runs.push(run);
        }
    }

    /// The runs, in order, none empty (for consumers that want slices).
    pub fn runs(&self) -> &[Vec<Entity>] {
        &self.runs
    }

    /// The `index`th entity, if there are that many (a walk over the runs: there are few).
    pub fn get(&self, mut index: usize) -> Option<&Entity> {
        for run in &self.runs {
            match run.get(index) {
                Some(e) => return Some(e),
                None => index -= run.len(),
            }
        }
        None
    }

    pub fn first(&self) -> Option<&Entity> {
        self.runs.first().and_then(|r| r.first())
    }

    pub fn last(&self) -> Option<&Entity> {
        self.runs.last().and_then(|r| r.last())
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { runs: self.runs.iter(), run: [].iter(), left: self.len }
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Entity> {
        self.runs.iter_mut().flatten()
    }

    /// The runs themselves, in order.
    pub fn into_runs(self) -> Vec<Vec<Entity>> {
        self.runs
    }

    /// The entities as one vector (a copy of every run after the first).
    pub fn into_vec(self) -> Vec<Entity> {
        let mut runs = self.runs.into_iter();
        let mut all = runs.next().unwrap_or_default();
        all.reserve(self.len - all.len());
        for mut run in runs {
            all.append(&mut run);
        }
        all
    }
}

/// Equal when the entities are, in order, wherever the runs break.
impl PartialEq for EntityList {
    fn eq(&self, other: &EntityList) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl From<Vec<Entity>> for EntityList {
    fn from(run: Vec<Entity>) -> EntityList {
        let mut list = EntityList::new();
        list.append_run(run);
        list
    }
}

impl FromIterator<Entity> for EntityList {
    fn from_iter<I: IntoIterator<Item = Entity>>(iter: I) -> EntityList {
        EntityList::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl Extend<Entity> for EntityList {
    fn extend<I: IntoIterator<Item = Entity>>(&mut self, iter: I) {
        for e in iter {
            self.push(e);
        }
    }
}

impl std::ops::Index<usize> for EntityList {
    type Output = Entity;

    fn index(&self, index: usize) -> &Entity {
        match self.get(index) {
            Some(e) => e,
            None => panic!("entity index {index} out of range for a list of {}", self.len),
        }
    }
}

/// The entities of an [`EntityList`] in order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    runs: std::slice::Iter<'a, Vec<Entity>>,
    run: std::slice::Iter<'a, Entity>,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Entity;

    #[inline]
    fn next(&mut self) -> Option<&'a Entity> {
        loop {
            if let Some(e) = self.run.next() {
                self.left -= 1;
                return Some(e);
            }
            self.run = self.runs.next()?.iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a EntityList {
    type Item = &'a Entity;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for EntityList {
    type Item = Entity;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Entity>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.runs.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Geom, Point};

    fn point(x: f64) -> Entity {
        Entity::new("POINT", Geom::Point { position: Point::new(x, 0.0, 0.0) })
    }

    fn xs(list: &EntityList) -> Vec<f64> {
        list.iter()
            .map(|e| match e.geom {
                Geom::Point { position } => position.x,
                _ => f64::NAN,
            })
            .collect()
    }

    #[test]
    fn runs_read_as_one_sequence_and_compare_by_content() {
        let mut cut = EntityList::from(vec![point(0.0), point(1.0)]);
        cut.append_run(Vec::new());
        cut.append_run(vec![point(2.0)]);
        cut.push(point(3.0));
        assert_eq!(cut.runs().len(), 2, "the empty run is not kept; push goes to the last run");
        assert_eq!(cut.len(), 4);
        assert_eq!(cut.iter().len(), 4);
        assert_eq!(xs(&cut), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(cut.get(2), Some(&point(2.0)));
        assert_eq!(cut.get(4), None);
        assert_eq!(cut[3], point(3.0));
        assert_eq!(cut.last(), Some(&point(3.0)));

        let whole: EntityList = (0..4).map(|i| point(f64::from(i))).collect();
        assert_eq!(whole.runs().len(), 1);
        assert_eq!(cut, whole);
        assert_ne!(cut, EntityList::from(vec![point(0.0), point(1.0), point(2.0), point(4.0)]));
        assert_eq!(cut.into_vec(), whole.into_vec());
    }

    #[test]
    fn an_empty_list_has_no_runs() {
        let mut list = EntityList::new();
        assert!(list.is_empty());
        assert_eq!(list.first(), None);
        assert_eq!(list.iter().next(), None);
        list.push(point(5.0));
        assert_eq!(list.runs().len(), 1);
        assert_eq!(list.first(), Some(&point(5.0)));
    }
}
