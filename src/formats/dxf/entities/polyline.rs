//! LWPOLYLINE, and POLYLINE with its VERTEX records (2D, 3D, polyface, polygon mesh).

use super::{BadValue, GeomResult, coord, extrusion, int, num, ocs_geom};
use crate::formats::dxf::tokenizer::Tag;
use crate::model::{Geom, Point, Vertex};

pub fn lwpolyline(body: &[Tag<'_>]) -> GeomResult {
    let (mut flags, mut width, mut elevation) = (0i64, 0.0, 0.0);
    let mut vs: Vec<Vertex> = Vec::new();
    for t in body {
        match t.code {
            70 => flags = int(t)?,
            43 => width = num(t)?,
            38 => elevation = num(t)?,
            10 => vs.push(Vertex::at(Point::xy(num(t)?, 0.0))),
            20 => {
                if let Some(v) = vs.last_mut() {
                    v.p.y = num(t)?;
                }
            }
            40..=42 => {
                let x = num(t)?;
                if let Some(v) = vs.last_mut() {
                    match t.code {
                        40 => v.start_width = x,
                        41 => v.end_width = x,
                        _ => v.bulge = x,
                    }
                }
            }
            _ => {}
        }
    }
    for v in &mut vs {
        v.p.z = elevation;
    }
    let g = Geom::Polyline { vertices: vs, closed: flags & 1 != 0, constant_width: width };
    Ok(ocs_geom(g, extrusion(body)?))
}

/// A VERTEX record: position, widths, bulge, flags and polyface indices 71–74.
pub struct VertexRec {
    pub v: Vertex,
    pub flags: i64,
    pub face: [i64; 4],
    /// Whether the vertex states its own start (40) and end (41) width; else the POLYLINE's defaults apply.
    pub own_widths: (bool, bool),
}

pub fn vertex_from(body: &[Tag<'_>]) -> Result<VertexRec, BadValue> {
    let mut r = VertexRec { v: Vertex::default(), flags: 0, face: [0; 4], own_widths: (false, false) };
    for t in body {
        match t.code {
            10 | 20 | 30 => {
                coord(&mut r.v.p, t, 10)?;
            }
            40 => {
                r.v.start_width = num(t)?;
                r.own_widths.0 = true;
            }
            41 => {
                r.v.end_width = num(t)?;
                r.own_widths.1 = true;
            }
            42 => r.v.bulge = num(t)?,
            70 => r.flags = int(t)?,
            71..=74 => r.face[(t.code - 71) as usize] = int(t)?,
            _ => {}
        }
    }
    Ok(r)
}

/// Collects a POLYLINE header and its vertices, then builds the geometry by the header's flags.
pub struct PolylineBuilder {
    flags: i64,
    m: i64,
    n: i64,
    elevation: f64,
    normal: Point,
    default_widths: (f64, f64),
    vertices: Vec<VertexRec>,
}

/// More vertices than this in one POLYLINE are dropped (with a warning by the caller): bounded memory.
pub const MAX_VERTICES: usize = 10_000_000;

impl PolylineBuilder {
    pub fn new(body: &[Tag<'_>]) -> Result<PolylineBuilder, BadValue> {
        let mut b = PolylineBuilder {
            flags: 0,
            m: 0,
            n: 0,
            elevation: 0.0,
            normal: extrusion(body)?,
            default_widths: (0.0, 0.0),
            vertices: Vec::new(),
        };
        for t in body {
            match t.code {
                70 => b.flags = int(t)?,
                71 => b.m = int(t)?,
                72 => b.n = int(t)?,
                30 => b.elevation = num(t)?,
                40 => b.default_widths.0 = num(t)?,
                41 => b.default_widths.1 = num(t)?,
                _ => {}
            }
        }
        Ok(b)
    }

    /// Adds a vertex; false when the vertex cap is reached.
    pub fn push(&mut self, v: VertexRec) -> bool {
        if self.vertices.len() >= MAX_VERTICES {
            return false;
        }
        self.vertices.push(v);
        true
    }

    pub fn build(self) -> Geom {
        let closed = self.flags & 1 != 0;
        if self.flags & 64 != 0 {
            return self.polyface();
        }
        if self.flags & 16 != 0 {
            return self.mesh();
        }
        // Spline frame control points (vertex flag 16) are not on the drawn curve.
        if self.flags & 8 != 0 {
            let vertices = self.vertices.iter().filter(|r| r.flags & 16 == 0).map(|r| Vertex::at(r.v.p)).collect();
            return Geom::Polyline { vertices, closed, constant_width: 0.0 };
        }
        let elevation = self.elevation;
        let (dsw, dew) = self.default_widths;
        let vertices = self
            .vertices
            .iter()
            .filter(|r| r.flags & 16 == 0)
            .map(|r| {
                let mut v = r.v;
                v.p.z = elevation;
                if !r.own_widths.0 {
                    v.start_width = dsw;
                }
                if !r.own_widths.1 {
                    v.end_width = dew;
                }
                v
            })
            .collect();
        ocs_geom(Geom::Polyline { vertices, closed, constant_width: 0.0 }, self.normal)
    }

    /// Polyface mesh: vertices (flags 128+64) and face records (flag 128) with 1-based indices, negative for
    /// invisible edges; each face becomes one closed path.
    fn polyface(self) -> Geom {
        let points: Vec<Point> = self.vertices.iter().filter(|r| r.flags & 64 != 0).map(|r| r.v.p).collect();
        let mut paths = Vec::new();
        for r in self.vertices.iter().filter(|r| r.flags & 64 == 0) {
            let mut path: Vec<Point> = r
                .face
                .iter()
                .filter(|&&i| i != 0)
                .filter_map(|&i| usize::try_from(i.unsigned_abs()).ok().and_then(|i| points.get(i - 1)).copied())
                .collect();
            if let Some(&first) = path.first() {
                path.push(first);
                paths.push(path);
            }
        }
        Geom::Paths { paths }
    }

    /// Polygon mesh: an M × N grid of vertices drawn as its rows and columns.
    fn mesh(self) -> Geom {
        let pts: Vec<Point> = self.vertices.iter().map(|r| r.v.p).collect();
        let (m, n) = (self.m.max(0) as usize, self.n.max(0) as usize);
        if m == 0 || n == 0 || m.saturating_mul(n) > pts.len() {
            return Geom::Paths { paths: vec![pts] };
        }
        let (m_closed, n_closed) = (self.flags & 1 != 0, self.flags & 32 != 0);
        let mut paths = Vec::with_capacity(m + n);
        for i in 0..m {
            let mut row: Vec<Point> = pts[i * n..(i + 1) * n].to_vec();
            if n_closed {
                row.push(pts[i * n]);
            }
            paths.push(row);
        }
        for j in 0..n {
            let mut col: Vec<Point> = (0..m).map(|i| pts[i * n + j]).collect();
            if m_closed {
                col.push(pts[j]);
            }
            paths.push(col);
        }
        Geom::Paths { paths }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::*;

    #[test]
    fn lwpolyline_bulges_and_widths() {
        let g =
            lwpolyline(&tags("90\n2\n70\n1\n43\n0.5\n10\n0\n20\n0\n42\n1\n10\n2\n20\n0\n40\n0.1\n41\n0.2\n")).unwrap();
        let Geom::Polyline { vertices, closed, constant_width } = g else { panic!("a polyline") };
        assert!(closed);
        assert_eq!(constant_width, 0.5);
        assert_eq!(vertices.len(), 2);
        assert_eq!(vertices[0].bulge, 1.0);
        assert_eq!((vertices[1].start_width, vertices[1].end_width), (0.1, 0.2));
        // A bulge of 1 between (0,0) and (2,0) is a half circle below the chord... or above: CCW from 0 to 2.
        let b = crate::model::measure::geom_bbox(&Geom::Polyline { vertices, closed: false, constant_width: 0.0 });
        assert!((b.min_y + 1.0).abs() < 1e-12 && b.max_y.abs() < 1e-12, "{b:?}");
    }

    #[test]
    fn polyface_faces_index_vertices() {
        let mut b = PolylineBuilder::new(&tags("70\n64\n71\n3\n72\n1\n")).unwrap();
        for (x, y) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] {
            b.push(VertexRec { v: Vertex::at(Point::xy(x, y)), flags: 192, face: [0; 4], own_widths: (false, false) });
        }
        b.push(VertexRec { v: Vertex::default(), flags: 128, face: [1, -2, 3, 0], own_widths: (false, false) });
        let Geom::Paths { paths } = b.build() else { panic!("paths") };
        assert_eq!(
            paths,
            vec![vec![Point::xy(0.0, 0.0), Point::xy(1.0, 0.0), Point::xy(0.0, 1.0), Point::xy(0.0, 0.0)]]
        );
    }
}
