package geojsonio

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gridplan/gridplan/internal/domain"
)

// rawFeature is one feature as decoded from the stream: the geometry kept as
// bytes for orb to decode, the properties decoded with UseNumber so numbers
// keep their exact text.
type rawFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// countingReader counts the bytes read, to say where a truncated file ends.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// stream walks one GeoJSON document token by token.
type stream struct {
	dec   *json.Decoder
	in    *countingReader
	file  string
	index int   // the feature being decoded, -1 outside the features array
	base  int64 // bytes skipped before the decoder (a byte order mark)
}

// readFeatures streams the FeatureCollection (or single Feature) in r and
// calls fn for each feature in order, with its 0-based index. Only one
// feature is held in memory at a time. Members may come in any order: a
// "type" after "features" is checked when it arrives. It stops at the first
// error, whether from the JSON or from fn.
func readFeatures(r io.Reader, file string, fn func(index int, f *rawFeature) error) error {
	in := &countingReader{r: r}
	br := bufio.NewReaderSize(in, 64<<10)
	s := &stream{in: in, file: file, index: -1}
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" { // some Windows tools start UTF-8 with a byte order mark
		br.Discard(3)
		s.base = 3
	}
	s.dec = json.NewDecoder(br)
	s.dec.UseNumber()

	tok, err := s.dec.Token()
	if err == io.EOF {
		return fileError(file, "empty file; expected a GeoJSON FeatureCollection")
	}
	if err != nil {
		return s.fail(err)
	}
	if tok != json.Delim('{') {
		return fileError(file, "not a GeoJSON FeatureCollection or Feature: the file holds %s, not an object", describeToken(tok))
	}

	var (
		typ      string
		streamed bool       // a "features" array was read
		single   rawFeature // geometry and properties of a top-level Feature
		props    any
	)
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return s.fail(err)
		}
		switch key, _ := tok.(string); key {
		case "type":
			if typ, err = s.topType(); err != nil {
				return err
			}
			if streamed && typ != "FeatureCollection" {
				return fileError(file, "not a GeoJSON FeatureCollection: it has \"features\" but \"type\" is %q", typ)
			}
		case "features":
			if typ == "Feature" { // a foreign member of a Feature: skip it
				err = s.skip()
			} else {
				err = s.features(fn)
				streamed = true
			}
		case "geometry":
			err = s.dec.Decode(&single.Geometry)
		case "properties":
			err = s.dec.Decode(&props) // checked below if this is a Feature
		default: // bbox, crs, name and other foreign members
			err = s.skip()
		}
		if err != nil {
			return s.fail(err)
		}
	}
	if _, err := s.dec.Token(); err != nil { // the closing brace
		return s.fail(err)
	}
	if _, err := s.dec.Token(); err != io.EOF {
		if err != nil {
			return s.fail(err)
		}
		return fileError(file, "unexpected data at byte %d after the GeoJSON object", s.base+s.dec.InputOffset())
	}

	switch typ {
	case "FeatureCollection":
		if !streamed {
			return fileError(file, "the FeatureCollection has no \"features\" array")
		}
		return nil
	case "Feature":
		single.Type = "Feature"
		switch p := props.(type) {
		case map[string]any:
			single.Properties = p
		case nil:
		default:
			return featureError(file, 0, "properties", fmt.Sprintf("%s, not an object", describe(p)))
		}
		return fn(0, &single)
	default:
		return fileError(file, "not a GeoJSON FeatureCollection or Feature: it has no \"type\" member")
	}
}

// topType reads the value of the top-level "type" member.
func (s *stream) topType() (string, error) {
	var v any
	if err := s.dec.Decode(&v); err != nil {
		return "", s.fail(err)
	}
	t, ok := v.(string)
	if !ok || (t != "FeatureCollection" && t != "Feature") {
		return "", fileError(s.file, "not a GeoJSON FeatureCollection or Feature: \"type\" is %s", describe(v))
	}
	return t, nil
}

// features streams the "features" array, one feature at a time.
func (s *stream) features(fn func(int, *rawFeature) error) error {
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		return fileError(s.file, "\"features\" is %s, not an array", describeToken(tok))
	}
	for i := 0; s.dec.More(); i++ {
		s.index = i
		var f rawFeature // fresh each time: decoding into a used map would merge keys
		if err := s.dec.Decode(&f); err != nil {
			return s.fail(err)
		}
		if f.Type != "Feature" {
			return featureError(s.file, i, "", fmt.Sprintf("not a GeoJSON Feature: \"type\" is %q", f.Type))
		}
		if err := fn(i, &f); err != nil {
			return err
		}
	}
	s.index = -1
	_, err = s.dec.Token() // the closing bracket
	return err
}

// skip reads and discards one value.
func (s *stream) skip() error {
	var v json.RawMessage
	return s.dec.Decode(&v)
}

// fail turns a decoder error into a one-line message naming the file, the
// byte offset and, inside the features array, the feature. A domain error
// from the underlying reader (say ErrTooLarge from a size limit) is returned
// as it is; other read errors become invalid-input errors naming the file.
func (s *stream) fail(err error) error {
	var (
		de  *domain.Error
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return featureError(s.file, s.index, "", fmt.Sprintf("truncated JSON: the file ends at byte %d", s.in.n))
	case errors.As(err, &se):
		return featureError(s.file, s.index, "", fmt.Sprintf("not valid JSON at byte %d: %s", s.syntaxOffset(se), se.Error()))
	case errors.As(err, &ute):
		if s.index < 0 {
			return fileError(s.file, "not a GeoJSON FeatureCollection or Feature at byte %d: %s", s.base+ute.Offset, ute.Error())
		}
		if ute.Field == "" {
			return featureError(s.file, s.index, "", fmt.Sprintf("not a GeoJSON Feature: it is %s, not an object", jsonKind(ute.Value)))
		}
		return featureError(s.file, s.index, ute.Field, fmt.Sprintf("%s, not %s", jsonKind(ute.Value), wantKind(ute.Field)))
	default: // the reader failed: a directory, a broken upload, ...
		return fileError(s.file, "cannot read: %v", err)
	}
}

// syntaxOffset returns the 0-based byte offset of a syntax error. Errors the
// Decoder's scanner finds inside Decode carry an offset counted across
// values, not from the start of the input; the unread buffer starts at the
// value that failed, so scanning it again locates the error exactly.
func (s *stream) syntaxOffset(se *json.SyntaxError) int64 {
	var v json.RawMessage
	var again *json.SyntaxError
	if err := json.NewDecoder(s.dec.Buffered()).Decode(&v); errors.As(err, &again) {
		return s.base + s.dec.InputOffset() + again.Offset - 1
	}
	return s.base + se.Offset
}

// jsonKind names the JSON kind in an UnmarshalTypeError's Value.
func jsonKind(v string) string {
	switch v {
	case "object", "array":
		return "an " + v
	case "string", "number", "bool":
		return "a " + v
	}
	return v
}

func wantKind(field string) string {
	switch field {
	case "properties":
		return "an object"
	case "type":
		return "a string"
	}
	return "the GeoJSON kind"
}
