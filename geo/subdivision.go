package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Subdivision is a planar subdivision of a polygon into faces, held as a
// half-edge structure. Every point is stored once, so two faces that share an
// edge refer to the very same coordinates.
type Subdivision struct {
	Lattice Lattice     // the lattice the polygon was cut by
	Points  []orb.Point // vertices, each stored once
	Edges   []HalfEdge  // directed edges; each face lies on the left of its edges
	Faces   []Face
}

// HalfEdge is one direction of an edge of the subdivision.
type HalfEdge struct {
	From, To int // indices into Points
	// Twin is the same edge in the other direction, or -1 when the edge lies
	// on the polygon's boundary (the outside is not a face).
	Twin int
	// Next and Prev are the following and preceding edges around Face.
	Next, Prev int
	Face       int
}

// Face is one piece of the polygon inside one lattice cell. A cell may hold
// several faces where a concave polygon enters it more than once.
type Face struct {
	Col, Row int // the lattice cell, as numbered by [Lattice.Cell]
	// Rings holds one half-edge of each boundary ring: Rings[0] lies on the
	// outer ring (counter-clockwise), any others on holes (clockwise).
	Rings []int
}

// Ring returns the closed ring of vertices met by following Next from
// half-edge h.
func (s *Subdivision) Ring(h int) orb.Ring {
	var r orb.Ring
	for e := h; ; {
		r = append(r, s.Points[s.Edges[e].From])
		if e = s.Edges[e].Next; e == h {
			break
		}
	}
	return append(r, r[0])
}

// Polygon returns face f as a polygon: its outer ring, then its holes.
func (s *Subdivision) Polygon(f int) orb.Polygon {
	p := make(orb.Polygon, len(s.Faces[f].Rings))
	for i, h := range s.Faces[f].Rings {
		p[i] = s.Ring(h)
	}
	return p
}

// Area returns the area of face f.
func (s *Subdivision) Area(f int) float64 {
	return planar.Area(s.Polygon(f))
}

// Neighbour returns the face across half-edge h, or -1 when h lies on the
// polygon's boundary.
func (s *Subdivision) Neighbour(h int) int {
	if t := s.Edges[h].Twin; t >= 0 {
		return s.Edges[t].Face
	}
	return -1
}
