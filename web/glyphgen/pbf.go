package main

import "encoding/binary"

// encode writes one glyph range as MapLibre reads it (the glyphs.proto of
// the Mapbox glyph format): glyphs{stacks: fontstack{name, range,
// glyphs: glyph{id, bitmap, width, height, left, top, advance}}}. The
// format is small enough that a protobuf library would only add weight.
func encode(name, rng string, glyphs []glyph) []byte {
	var stack []byte
	stack = appendBytes(stack, 1, []byte(name))
	stack = appendBytes(stack, 2, []byte(rng))
	for _, g := range glyphs {
		var m []byte
		m = appendVarint(m, 1, uint64(g.id))
		if len(g.bitmap) > 0 {
			m = appendBytes(m, 2, g.bitmap)
		}
		m = appendVarint(m, 3, uint64(g.width))
		m = appendVarint(m, 4, uint64(g.height))
		m = appendVarint(m, 5, zigzag(g.left))
		m = appendVarint(m, 6, zigzag(g.top))
		m = appendVarint(m, 7, uint64(g.advance))
		stack = appendBytes(stack, 3, m)
	}
	return appendBytes(nil, 1, stack)
}

func zigzag(v int32) uint64 { return uint64(uint32((v << 1) ^ (v >> 31))) }

func appendVarint(b []byte, field int, v uint64) []byte {
	b = binary.AppendUvarint(b, uint64(field<<3)) // wire type 0
	return binary.AppendUvarint(b, v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field<<3|2))
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
