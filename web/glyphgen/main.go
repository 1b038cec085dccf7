// Command glyphgen writes the web map's Latin label glyphs: signed distance
// field glyphs in MapLibre's glyph PBF format, one file per range of 256
// code points, so labels need no glyph server. Chinese characters are not
// here: MapLibre draws them from the browser's own fonts
// (localIdeographFontFamily), which keeps the bundle to some 100 KB.
//
//	go run ./web/glyphgen -font /usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf
//
// The files go to web/static/glyphs/<stack>/<start>-<end>.pbf, where the
// stack is MapLibre's default text-font, so the map's label layers name no
// font and CJK text takes the local-font path.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The glyph PBF conventions MapLibre's shaping expects: glyphs drawn at
// 24 px with a 3 px buffer, distances scaled over 8 px, the edge at 0.75.
const (
	fontSize = 24
	buffer   = 3
	radius   = 8.0
	cutoff   = 0.25
)

// The default text-font of MapLibre's style specification.
const stack = "Open Sans Regular,Arial Unicode MS Regular"

// ranges: Basic Latin and Latin-1, Latin Extended-A, general punctuation
// (dashes, quotes, ellipsis) and letterlike symbols (№, ℃).
var ranges = []int{0, 256, 8192, 8448}

func main() {
	fontPath := flag.String("font", "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf", "TrueType font to draw the glyphs from")
	out := flag.String("out", filepath.Join("web", "static", "glyphs"), "output directory")
	flag.Parse()
	if err := run(*fontPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "glyphgen:", err)
		os.Exit(1)
	}
}

func run(fontPath, out string) error {
	data, err := os.ReadFile(fontPath)
	if err != nil {
		return err
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, stack)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, start := range ranges {
		var glyphs []glyph
		for r := start; r < start+256; r++ {
			g, ok, err := draw(f, rune(r))
			if err != nil {
				return fmt.Errorf("U+%04X: %w", r, err)
			}
			if ok {
				glyphs = append(glyphs, g)
			}
		}
		name := fmt.Sprintf("%d-%d.pbf", start, start+255)
		if err := os.WriteFile(filepath.Join(dir, name), encode(stack, fmt.Sprintf("%d-%d", start, start+255), glyphs), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d glyphs\n", name, len(glyphs))
	}
	return nil
}

// glyph is one rendered glyph with its metrics in pixels at fontSize.
type glyph struct {
	id            uint32
	bitmap        []byte // (width+2·buffer) × (height+2·buffer) distances
	width, height uint32
	left, top     int32
	advance       uint32
}

func draw(f *sfnt.Font, r rune) (glyph, bool, error) {
	var buf sfnt.Buffer
	idx, err := f.GlyphIndex(&buf, r)
	if err != nil || idx == 0 {
		return glyph{}, false, nil // the font has no such glyph
	}
	ppem := fixed.I(fontSize)
	adv, err := f.GlyphAdvance(&buf, idx, ppem, font.HintingNone)
	if err != nil {
		return glyph{}, false, err
	}
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return glyph{}, false, err
	}
	g := glyph{id: uint32(r), advance: uint32(adv.Round())}
	segs, err := f.LoadGlyph(&buf, idx, ppem, nil)
	if err != nil {
		return glyph{}, false, err
	}
	b := segs.Bounds()
	if len(segs) == 0 || b.Empty() {
		return g, true, nil // a space: an advance and no bitmap
	}
	x0, y0 := b.Min.X.Floor(), b.Min.Y.Floor()
	w, h := b.Max.X.Ceil()-x0, b.Max.Y.Ceil()-y0
	alpha := rasterize(segs, x0-buffer, y0-buffer, w+2*buffer, h+2*buffer)
	g.bitmap = distanceField(alpha, w+2*buffer, h+2*buffer)
	g.width, g.height = uint32(w), uint32(h)
	// left: from the pen to the bitmap; top: from the ascender line, as
	// MapLibre's glyph servers measure it (y grows downwards in sfnt).
	g.left = int32(x0)
	g.top = int32(-y0 - m.Ascent.Round())
	return g, true, nil
}
