//! [`Name`]: a string that many entities share (a layer name, a linetype name).

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A shared, immutable name behind a thin pointer.
///
/// Why not `Arc<str>`: that is a fat pointer (16 bytes), and an [`Entity`](super::Entity) holds two names; a
/// 300 k-entity drawing holds 300 k entities, each written once into fresh memory by the reader. With thin
/// names an entity is 128 bytes instead of 144: 11 % less memory to fault in and fill, and a size the
/// compiler copies inline. The price is one more indirection when the text is read, which consumers do
/// per layer or per drawn entity, not in the reader's hot loop.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<String>);

impl Name {
    pub fn new(text: impl Into<String>) -> Name {
        Name(Arc::new(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// `Hash` and `Eq` above are those of the text (`Arc` and `String` forward both), as `Borrow` requires.
impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(text)
    }
}

impl From<Cow<'_, str>> for Name {
    fn from(text: Cow<'_, str>) -> Name {
        Name::new(text.into_owned())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::Name;
    use std::collections::HashSet;

    #[test]
    fn a_name_is_one_pointer_and_none_costs_nothing() {
        assert_eq!(std::mem::size_of::<Name>(), 8);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 8);
    }

    #[test]
    fn clones_share_the_text_and_compare_by_it() {
        let a = Name::from("WALLS");
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, Name::from(String::from("WALLS")));
        assert_ne!(a, Name::from("walls"));
        assert_eq!(a, "WALLS");
        assert_eq!(format!("{a} {a:?}"), "WALLS \"WALLS\"");
    }

    #[test]
    fn a_set_of_names_is_looked_up_by_str() {
        let set: HashSet<Name> = ["0", "DIM"].into_iter().map(Name::from).collect();
        assert!(set.contains("DIM"));
        assert!(!set.contains("dim"));
    }
}
