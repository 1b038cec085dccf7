package domain

import "github.com/paulmach/orb"

// Unit is a population unit (楼院 / 楼栋 / 人口单元): a building, compound or
// census block with its residents. Its geometry is a Point or a (Multi)Polygon.
type Unit struct {
	ID         int64
	Name       string
	Persons    int
	Households int
	Properties map[string]any
	Geometry   orb.Geometry
}

// Facility is a service facility (服务设施) such as a community service centre.
type Facility struct {
	ID         int64
	Type       string
	Name       string
	Properties map[string]any
	Geometry   orb.Point
}
