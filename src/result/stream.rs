//! Writing a result document member by member.
//!
//! Why: a drawing's entities are most of its result, and as one `serde_json::Value` tree they cost about
//! 25 times the file (a 38.7 MB binary DXF of 320 000 entities: 2.6 GB resident, most of 7 s spent growing
//! and faulting in the heap). Written here, an entity's value exists only while it is written. The bytes
//! are exactly `serde_json`'s compact form of the same tree (no spaces, members in insertion order), so a
//! streamed result equals the tree it replaces.

use std::io::Write;

use serde::Serialize;

pub type Result = serde_json::Result<()>;

/// A JSON object being written: `{`, then members, then `}` from [`Object::end`].
pub struct Object<'w, W: Write> {
    out: &'w mut W,
    empty: bool,
}

impl<'w, W: Write> Object<'w, W> {
    pub fn begin(out: &'w mut W) -> serde_json::Result<Object<'w, W>> {
        out.write_all(b"{").map_err(serde_json::Error::io)?;
        Ok(Object { out, empty: true })
    }

    fn key(&mut self, key: &str) -> Result {
        if !self.empty {
            self.out.write_all(b",").map_err(serde_json::Error::io)?;
        }
        self.empty = false;
        serde_json::to_writer(&mut *self.out, key)?;
        self.out.write_all(b":").map_err(serde_json::Error::io)
    }

    /// A member whose value is already at hand.
    pub fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        self.key(key)?;
        serde_json::to_writer(&mut *self.out, value)
    }

    /// A member whose value `write` writes (one JSON value) to the output.
    pub fn member_with(&mut self, key: &str, write: impl FnOnce(&mut W) -> Result) -> Result {
        self.key(key)?;
        write(self.out)
    }

    pub fn end(self) -> Result {
        self.out.write_all(b"}").map_err(serde_json::Error::io)
    }
}

/// A JSON array being written: `[`, then elements, then `]` from [`Array::end`].
pub struct Array<'w, W: Write> {
    out: &'w mut W,
    len: usize,
}

impl<'w, W: Write> Array<'w, W> {
    pub fn begin(out: &'w mut W) -> serde_json::Result<Array<'w, W>> {
        out.write_all(b"[").map_err(serde_json::Error::io)?;
        Ok(Array { out, len: 0 })
    }

    fn separate(&mut self) -> Result {
        if self.len > 0 {
            self.out.write_all(b",").map_err(serde_json::Error::io)?;
        }
        self.len += 1;
        Ok(())
    }

    pub fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.separate()?;
        serde_json::to_writer(&mut *self.out, value)
    }

    /// An element that `write` writes (one JSON value) to the output.
    pub fn element_with(&mut self, write: impl FnOnce(&mut W) -> Result) -> Result {
        self.separate()?;
        write(self.out)
    }

    /// Elements written so far.
    pub fn written(&self) -> usize {
        self.len
    }

    pub fn end(self) -> Result {
        self.out.write_all(b"]").map_err(serde_json::Error::io)
    }
}

#[cfg(test)]
mod tests {
    use super::{Array, Object};
    use serde_json::{Value, json};

    /// The streamed bytes of a nested document equal `serde_json::to_vec` of the same tree.
    #[test]
    fn streamed_bytes_equal_the_compact_tree() {
        let tree = json!({
            "a": 1, "quoted \"key\"": "x\ny", "list": [1.5, {"b": null}, [], {}], "empty": {}, "t": true,
        });
        let mut out = Vec::new();
        let mut top = Object::begin(&mut out).unwrap();
        top.member("a", &1).unwrap();
        top.member("quoted \"key\"", &"x\ny").unwrap();
        top.member_with("list", |w| {
            let mut list = Array::begin(w)?;
            list.element(&1.5)?;
            list.element_with(|w| {
                let mut o = Object::begin(w)?;
                o.member("b", &Value::Null)?;
                o.end()
            })?;
            list.element(&json!([]))?;
            list.element_with(|w| Object::begin(w)?.end())?;
            assert_eq!(list.written(), 4);
            list.end()
        })
        .unwrap();
        top.member_with("empty", |w| Object::begin(w)?.end()).unwrap();
        top.member("t", &true).unwrap();
        top.end().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&tree).unwrap());
    }
}
