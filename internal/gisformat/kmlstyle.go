package gisformat

import (
	"hash/fnv"
	"image/color"
	"strconv"

	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-kml/v3"
)

// KML styles are shared styles defined once at the top of the document
// (KML wants them before the features), so they cannot depend on what the
// features turn out to hold: base grids are outlined, thicker and darker
// the higher their level; special grids are filled in their category's
// colour, fixed for the categories plans use and picked by hash for others.

// paletteSize is how many colours categories without their own share.
const paletteSize = 8

// categoryColor is the fill of a special grid's category, and whether the
// category has a colour of its own.
func categoryColor(category string) (color.RGBA, bool) {
	switch category {
	case "business_district":
		return color.RGBA{R: 0xe6, G: 0x55, B: 0x0d, A: 0x80}, true
	case "industrial_park":
		return color.RGBA{R: 0x63, G: 0x63, B: 0x63, A: 0x80}, true
	case "park":
		return color.RGBA{R: 0x31, G: 0xa3, B: 0x54, A: 0x80}, true
	case "school":
		return color.RGBA{R: 0x31, G: 0x82, B: 0xbd, A: 0x80}, true
	case "hospital":
		return color.RGBA{R: 0xde, G: 0x2d, B: 0x26, A: 0x80}, true
	case "market":
		return color.RGBA{R: 0xfe, G: 0xc4, B: 0x4f, A: 0x80}, true
	case "government_compound":
		return color.RGBA{R: 0x75, G: 0x6b, B: 0xb1, A: 0x80}, true
	}
	return color.RGBA{}, false
}

// paletteColor is the i-th colour for other categories.
func paletteColor(i int) color.RGBA {
	palette := [paletteSize]color.RGBA{
		{R: 0x8d, G: 0xd3, B: 0xc7, A: 0x80}, {R: 0xbe, G: 0xba, B: 0xda, A: 0x80},
		{R: 0xfb, G: 0x80, B: 0x72, A: 0x80}, {R: 0x80, G: 0xb1, B: 0xd3, A: 0x80},
		{R: 0xfd, G: 0xb4, B: 0x62, A: 0x80}, {R: 0xb3, G: 0xde, B: 0x69, A: 0x80},
		{R: 0xfc, G: 0xcd, B: 0xe5, A: 0x80}, {R: 0xbc, G: 0x80, B: 0xbd, A: 0x80},
	}
	return palette[i%paletteSize]
}

// knownCategories are the categories with colours of their own.
func knownCategories() []string {
	return []string{"business_district", "industrial_park", "park", "school", "hospital", "market", "government_compound"}
}

// styleID names the shared style of a feature of a layer.
func styleID(l layer, p geojson.Properties) string {
	switch l.what {
	case "units", "facilities":
		return l.what
	case "findings":
		if p["severity"] == "error" {
			return "finding-error"
		}
		return "finding-warning"
	}
	if p["kind"] == "special" {
		category, _ := p["category"].(string)
		if _, ok := categoryColor(category); ok {
			return "special-" + category
		}
		h := fnv.New32a()
		h.Write([]byte(category))
		return "special-" + strconv.Itoa(int(h.Sum32()%paletteSize))
	}
	return "level-" + strconv.Itoa(intProperty(p, "level"))
}

// kmlStyles returns every shared style a document may use.
func kmlStyles(levels int) []kml.Element {
	outline := func(c color.RGBA, width float64) kml.Element {
		return kml.LineStyle(kml.Color(c), kml.Width(width))
	}
	var styles []kml.Element
	for l := 0; l <= max(levels, 4); l++ {
		// Level 1 is widest and darkest; level 0 is the fallback.
		width := float64(max(1, 5-l))
		shade := uint8(min(200, 40*l))
		styles = append(styles, kml.SharedStyle("level-"+strconv.Itoa(l),
			outline(color.RGBA{R: shade, G: shade, B: 0xff, A: 0xff}, width), kml.PolyStyle(kml.Fill(false))))
	}
	fill := func(id string, c color.RGBA) kml.Element {
		return kml.SharedStyle(id, outline(color.RGBA{R: c.R / 2, G: c.G / 2, B: c.B / 2, A: 0xff}, 2),
			kml.PolyStyle(kml.Color(c)))
	}
	for _, c := range knownCategories() {
		col, _ := categoryColor(c)
		styles = append(styles, fill("special-"+c, col))
	}
	for i := 0; i < paletteSize; i++ {
		styles = append(styles, fill("special-"+strconv.Itoa(i), paletteColor(i)))
	}
	icon := func(id string, c color.RGBA, scale float64) kml.Element {
		return kml.SharedStyle(id, kml.IconStyle(kml.Color(c), kml.Scale(scale)),
			kml.LineStyle(kml.Color(c), kml.Width(2)), kml.PolyStyle(kml.Color(color.RGBA{R: c.R, G: c.G, B: c.B, A: 0x60})))
	}
	return append(styles,
		icon("units", color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}, 0.5),
		icon("facilities", color.RGBA{R: 0x00, G: 0x99, B: 0x66, A: 0xff}, 0.8),
		icon("finding-error", color.RGBA{R: 0xff, G: 0x00, B: 0x00, A: 0xff}, 1),
		icon("finding-warning", color.RGBA{R: 0xff, G: 0x99, B: 0x00, A: 0xff}, 1))
}
