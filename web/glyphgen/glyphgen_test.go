package main

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// The distance field of "H" at 24 px: inside the stems above the edge
// value (191), the counter between them and the buffer below it.
func TestDistanceFieldOfH(t *testing.T) {
	data, err := os.ReadFile("/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf")
	if err != nil {
		t.Fatalf("the generator's font (apt-get install fonts-open-sans): %v", err)
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	g, ok, err := draw(f, 'H')
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	w, h := int(g.width)+2*buffer, int(g.height)+2*buffer
	var pic strings.Builder
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pic.WriteByte(" .:#"[g.bitmap[y*w+x]/64])
		}
		pic.WriteByte('\n')
	}
	t.Logf("H %dx%d left %d top %d advance %d\n%s", g.width, g.height, g.left, g.top, g.advance, pic.String())
	mid := (buffer + int(g.height)/4) * w // above the crossbar
	if g.bitmap[mid+buffer+1] < 192 || g.bitmap[mid+w/2] > 190 || g.bitmap[0] > 64 {
		t.Errorf("stem %d, counter %d, corner %d", g.bitmap[mid+buffer+1], g.bitmap[mid+w/2], g.bitmap[0])
	}
	if g.top > -5 || g.top < -15 || g.advance < 14 || g.advance > 20 {
		t.Errorf("metrics: top %d advance %d", g.top, g.advance)
	}
}
