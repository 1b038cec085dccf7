package geojsonio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"github.com/gridplan/gridplan/internal/domain"
)

// rawFeature is one feature as decoded from the stream: the geometry kept as
// bytes for orb to decode, the properties decoded with UseNumber so numbers
// keep their exact text.
type rawFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
	crs        CRS             // the coordinates' CRS, which decides the range check
}

// geometry decodes and checks the feature's geometry (see decodeGeometry).
func (f *rawFeature) geometry(want ...string) (orb.Geometry, string) {
	return decodeGeometry(f.Geometry, f.crs.geographic(), want...)
}

// recordSeparator starts each record of an RFC 8142 GeoJSON text sequence.
const recordSeparator = 0x1E

// countingReader counts the bytes read, to say where a truncated file ends.
// It turns the record separators of a GeoJSON text sequence into spaces,
// which keeps byte offsets: JSON text cannot hold a raw 0x1E, so only
// separators are changed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	for i := bytes.IndexByte(p[:n], recordSeparator); i >= 0; i = bytes.IndexByte(p[:n], recordSeparator) {
		p[i] = ' '
	}
	return n, err
}

// stream walks one GeoJSON document token by token.
type stream struct {
	dec   *json.Decoder
	in    *countingReader
	src   *Source
	file  string
	crs   CRS   // the coordinates' CRS: the source's, or the "crs" member's
	index int   // the feature being decoded, -1 outside the features array
	base  int64 // bytes skipped before the decoder (a byte order mark)
}

// readFeatures streams the FeatureCollection, single Feature or GeoJSON
// text sequence (newline-delimited or RFC 8142) in r and calls fn for each
// feature in order, with its 0-based index. Only one feature is held in
// memory at a time. Members may come in any order: a "type" after
// "features" is checked when it arrives; a "crs" member must come before
// "features" when it names a CRS other than WGS84. It stops at the first
// error, whether from the JSON or from fn, and returns the coordinates' CRS.
func readFeatures(r io.Reader, src Source, fn func(index int, f *rawFeature) error) (CRS, error) {
	in := &countingReader{r: r}
	br := bufio.NewReaderSize(in, 64<<10)
	s := &stream{in: in, src: &src, file: src.File, crs: src.CRS, index: -1}
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" { // some Windows tools start UTF-8 with a byte order mark
		br.Discard(3)
		s.base = 3
	}
	s.dec = json.NewDecoder(br)
	s.dec.UseNumber()
	return s.crs, s.document(fn)
}

func (s *stream) document(fn func(int, *rawFeature) error) error {
	file := s.file
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
		case "crs":
			err = s.crsMember(streamed)
		case "geometry":
			err = s.dec.Decode(&single.Geometry)
		case "properties":
			err = s.dec.Decode(&props) // checked below if this is a Feature
		default: // bbox, name and other foreign members
			err = s.skip()
		}
		if err != nil {
			return s.fail(err)
		}
	}
	if _, err := s.dec.Token(); err != nil { // the closing brace
		return s.fail(err)
	}

	switch typ {
	case "FeatureCollection":
		if !streamed {
			return fileError(file, "the FeatureCollection has no \"features\" array")
		}
		return s.end()
	case "Feature":
		single.Type = "Feature"
		switch p := props.(type) {
		case map[string]any:
			single.Properties = p
		case nil:
		default:
			return featureError(file, 0, "properties", fmt.Sprintf("%s, not an object", describe(p)))
		}
		if err := s.emit(0, &single, fn); err != nil {
			return err
		}
		return s.sequence(fn)
	default:
		return fileError(file, "not a GeoJSON FeatureCollection or Feature: it has no \"type\" member")
	}
}

// sequence reads the Features that follow a first one in a GeoJSON text
// sequence.
func (s *stream) sequence(fn func(int, *rawFeature) error) error {
	for i := 1; s.dec.More(); i++ {
		s.index = i
		if err := s.feature(i, fn); err != nil {
			return err
		}
	}
	s.index = -1
	return s.end()
}

// end checks that nothing follows the document.
func (s *stream) end() error {
	if _, err := s.dec.Token(); err != io.EOF {
		if err != nil {
			return s.fail(err)
		}
		return fileError(s.file, "unexpected data at byte %d after the GeoJSON object", s.base+s.dec.InputOffset())
	}
	return nil
}

// emit prepares one decoded feature and hands it to fn.
func (s *stream) emit(i int, f *rawFeature, fn func(int, *rawFeature) error) error {
	f.crs = s.crs
	if f.Properties != nil {
		if err := s.src.normalize(f.Properties, i); err != nil {
			return err
		}
	}
	return fn(i, f)
}

// crsMember reads a "crs" member. A CRS the caller gave wins; a member
// naming WGS84 (or nothing) changes nothing; any other CRS is looked up,
// and refused when it comes after the coordinates it should describe.
func (s *stream) crsMember(afterFeatures bool) error {
	var v any
	if err := s.dec.Decode(&v); err != nil {
		return s.fail(err)
	}
	epsg, problem := crsMember(v)
	switch {
	case problem != "":
		return fileError(s.file, "%s", problem)
	case s.src.CRS.EPSG != 0 || epsg == 0 || epsg == wgs84:
		return nil
	case afterFeatures:
		return fileError(s.file, "the \"crs\" member (EPSG:%d) comes after \"features\", which were read as WGS84 "+
			"longitude/latitude; put it before them or give --source-crs EPSG:%d", epsg, epsg)
	case s.src.LookupCRS == nil:
		return fileError(s.file, "the \"crs\" member names EPSG:%d; only WGS84 longitude/latitude (RFC 7946) is read here", epsg)
	}
	crs, err := s.src.LookupCRS(epsg)
	if err != nil {
		if domain.ErrorCode(err) == domain.ErrInvalid {
			return fileError(s.file, "the \"crs\" member: %s", domain.ErrorMessage(err))
		}
		return err
	}
	s.crs = crs
	return nil
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
		if err := s.feature(i, fn); err != nil {
			return err
		}
	}
	s.index = -1
	_, err = s.dec.Token() // the closing bracket
	return err
}

// feature decodes feature i and hands it to fn.
func (s *stream) feature(i int, fn func(int, *rawFeature) error) error {
	var f rawFeature // fresh each time: decoding into a used map would merge keys
	if err := s.dec.Decode(&f); err != nil {
		return s.fail(err)
	}
	if f.Type != "Feature" {
		return featureError(s.file, i, "", fmt.Sprintf("not a GeoJSON Feature: \"type\" is %q", f.Type))
	}
	return s.emit(i, &f, fn)
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
			return fileError(s.file, "not a GeoJSON FeatureCollection or Feature at byte %d: %s", s.base+ute.Offset, domain.JSONProblem(ute))
		}
		if ute.Field == "" {
			return featureError(s.file, s.index, "", fmt.Sprintf("not a GeoJSON Feature: it is %s, not an object", domain.JSONKind(ute.Value)))
		}
		return featureError(s.file, s.index, ute.Field, fmt.Sprintf("%s, not %s", domain.JSONKind(ute.Value), wantKind(ute.Field)))
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

func wantKind(field string) string {
	switch field {
	case "properties":
		return "an object"
	case "type":
		return "a string"
	}
	return "the GeoJSON kind"
}
