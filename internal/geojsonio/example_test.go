package geojsonio_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/geojsonio"
	"github.com/paulmach/orb"
)

func ExampleReadGrids() {
	// A file whose codes are numbers in a property named CODE, without levels:
	// as with `gridplan import grids NAME FILE --code-field CODE --level 3`.
	file := `{"type":"FeatureCollection","features":[
	  {"type":"Feature","properties":{"CODE":4101030010010007003,"name":"Jianzhong 7","area_ha":12.5},
	   "geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.7]]]}}]}`
	fields := geojsonio.DefaultGridFields()
	fields.Code = "CODE"
	fields.FixedLevel = 3
	grids, err := geojsonio.ReadGrids(strings.NewReader(file), "grids.geojson", fields)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := grids[0]
	fmt.Println(g.Code, g.Name, g.Level, g.Kind, len(g.Geometry), g.Properties)

	// Errors name the file, the feature and the field as the user named it.
	_, err = geojsonio.ReadGrids(strings.NewReader(`{"type":"Feature","properties":{},"geometry":null}`), "grids.geojson", fields)
	fmt.Println(err, domain.ErrorCode(err))
	// Output:
	// 4101030010010007003 Jianzhong 7 3 base 1 map[area_ha:12.5]
	// grids.geojson: features[0]: field "CODE": missing invalid
}

func ExampleWriter() {
	w := geojsonio.NewWriter(os.Stdout)
	g := domain.Grid{ID: 7, Code: "410103001", Name: "Jianzhong", Level: 2, Parent: "410103", Kind: domain.KindBase,
		Geometry: orb.MultiPolygon{{{{113.6, 34.7}, {113.60000000000001, 34.7}, {113.61, 34.71}, {113.6, 34.7}}}}}
	f := geojsonio.GridFeature(g)
	f.Properties["persons"] = 1520 // computed figures, where known
	if err := w.Write(f); err != nil {
		fmt.Println(err)
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"type":"FeatureCollection","features":[
	// {"type":"Feature","id":7,"geometry":{"type":"MultiPolygon","coordinates":[[[[113.6,34.7],[113.60000000000001,34.7],[113.61,34.71],[113.6,34.7]]]]},"properties":{"code":"410103001","name":"Jianzhong","level":2,"parent":"410103","kind":"base","category":"","mode":null,"persons":1520}}
	// ]}
}

func ExampleFeatureMessage() {
	// The command line words database refusals like the importer's own errors.
	fmt.Println(geojsonio.FeatureMessage("grids.geojson", 12, "CODE", `code "4101" already exists in plan "demo"`))
	// Output:
	// grids.geojson: features[12]: field "CODE": code "4101" already exists in plan "demo"
}
