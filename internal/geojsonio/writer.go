package geojsonio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// propertyOrder is the order known properties are written in, before the
// others (sorted), so a layer's attribute table reads code, name, level ...
// in GIS tools whatever the feature kind.
var propertyOrder = []string{"code", "type", "name", "level", "parent", "kind", "category", "mode", "persons", "households", "deviation_pct", "band"}

// OrderedKeys returns the property names in the order the Writer writes
// them: the known ones (code, name, level, ...) first, then the others
// sorted. Other writers (KML's description table) list them alike.
func OrderedKeys(props map[string]any) []string { return appendOrderedKeys(nil, props) }

func appendOrderedKeys(keys []string, props map[string]any) []string {
	for _, k := range propertyOrder {
		if _, ok := props[k]; ok {
			keys = append(keys, k)
		}
	}
	known := len(keys)
	for k := range props {
		if !slices.Contains(propertyOrder, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys[known:])
	return keys
}

// Writer streams an RFC 7946 FeatureCollection, one feature per line, so a
// large export never holds the whole document. Each coordinate is written in
// the shortest form that reads back to the same float64, as encoding/json
// does: Points, Polygons and MultiPolygons by a reflection-free encoder
// tested to match orb/geojson byte for byte, other geometries by orb.
//
// A Writer is not safe for concurrent use. Errors are sticky: after one
// (an unencodable value, a failed write), every call returns it and the
// output is incomplete.
type Writer struct {
	out     *bufio.Writer
	val     bytes.Buffer  // scratch for one encoded value
	enc     *json.Encoder // encodes into val, without HTML escaping
	started bool
	closed  bool
	count   int
	head    []member // foreign members written before "features"
	tail    []member // foreign members written after it
	keys    []string // scratch for property order
	err     error
}

type member struct {
	name  string
	value any
}

// NewWriter returns a Writer to w. It writes nothing until the first Write
// or Close, and buffers its output: Close flushes it.
func NewWriter(w io.Writer) *Writer {
	wr := &Writer{out: bufio.NewWriterSize(w, 64<<10)}
	wr.enc = json.NewEncoder(&wr.val)
	wr.enc.SetEscapeHTML(false)
	return wr
}

// Member adds a foreign member to the collection, such as OGC API Features'
// "numberReturned" or "links". Members added before the first Write are
// written before "features", later ones after it.
func (w *Writer) Member(name string, value any) error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errors.New("geojsonio: Member after Close")
	case name == "type" || name == "features":
		return fmt.Errorf("geojsonio: %q is not a foreign member", name)
	case w.started:
		w.tail = append(w.tail, member{name, value})
	default:
		w.head = append(w.head, member{name, value})
	}
	return nil
}

// Count returns the number of features written so far.
func (w *Writer) Count() int { return w.count }

// Write writes one feature. Known properties (code, name, level, ...) come
// first, the others in key order.
func (w *Writer) Write(f *geojson.Feature) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("geojsonio: Write after Close")
	}
	w.start()
	if w.count > 0 {
		w.out.WriteByte(',')
	}
	w.out.WriteByte('\n')
	if err := w.feature(f); err != nil {
		w.err = err
		return err
	}
	w.count++
	return w.err
}

// Close writes the end of the collection (the whole of an empty one) and
// flushes. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil || w.closed {
		return w.err
	}
	w.start()
	w.closed = true
	if w.count > 0 {
		w.out.WriteByte('\n')
	}
	w.out.WriteByte(']')
	for _, m := range w.tail {
		w.out.WriteByte(',')
		w.member(m.name, m.value)
	}
	w.out.WriteString("}\n")
	if err := w.out.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	return w.err
}

// start writes the collection header once.
func (w *Writer) start() {
	if w.started {
		return
	}
	w.started = true
	w.out.WriteString(`{"type":"FeatureCollection"`)
	for _, m := range w.head {
		w.out.WriteByte(',')
		w.member(m.name, m.value)
	}
	w.out.WriteString(`,"features":[`)
}

// feature writes one feature object.
func (w *Writer) feature(f *geojson.Feature) error {
	w.out.WriteString(`{"type":"Feature"`)
	if f.ID != nil {
		w.out.WriteString(`,"id":`)
		w.value(f.ID)
	}
	if f.BBox != nil {
		w.out.WriteString(`,"bbox":`)
		w.value(f.BBox)
	}
	w.out.WriteString(`,"geometry":`)
	if f.Geometry == nil {
		w.out.WriteString("null")
	} else {
		if err := w.geometry(f.Geometry); err != nil {
			return err
		}
	}
	w.out.WriteString(`,"properties":{`)
	w.keys = appendOrderedKeys(w.keys[:0], f.Properties)
	for i, k := range w.keys {
		if i > 0 {
			w.out.WriteByte(',')
		}
		w.member(k, f.Properties[k])
	}
	w.out.WriteByte('}')
	if len(f.ExtraMembers) > 0 {
		extra := make([]string, 0, len(f.ExtraMembers))
		for k := range f.ExtraMembers {
			switch k {
			case "type", "id", "bbox", "geometry", "properties":
			default:
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		for _, k := range extra {
			w.out.WriteByte(',')
			w.member(k, f.ExtraMembers[k])
		}
	}
	if err := w.out.WriteByte('}'); err != nil && w.err == nil {
		w.err = err // bufio keeps the first write error; this surfaces it
	}
	return w.err
}

// geometry writes a geometry: the stored types by appendGeometry, straight
// into the output buffer, the others by orb.
func (w *Writer) geometry(g orb.Geometry) error {
	b, ok := appendGeometry(w.out.AvailableBuffer(), g)
	if ok {
		w.out.Write(b)
		return nil
	}
	// Call orb's marshaller directly: through encoding/json its output
	// would be scanned and compacted once more.
	b, err := geojson.NewGeometry(g).MarshalJSON()
	if err != nil {
		return fmt.Errorf("geojsonio: encoding geometry: %w", err)
	}
	w.out.Write(b)
	return nil
}

// member writes "name":value.
func (w *Writer) member(name string, value any) {
	w.value(name)
	w.out.WriteByte(':')
	w.value(value)
}

// value writes one JSON value; an encoding error becomes sticky.
func (w *Writer) value(v any) {
	if b, ok := appendScalar(w.out.AvailableBuffer(), v); ok {
		w.out.Write(b)
		return
	}
	w.val.Reset()
	if err := w.enc.Encode(v); err != nil {
		if w.err == nil {
			w.err = fmt.Errorf("geojsonio: encoding %T: %w", v, err)
		}
		return
	}
	w.out.Write(bytes.TrimSuffix(w.val.Bytes(), []byte{'\n'}))
}
