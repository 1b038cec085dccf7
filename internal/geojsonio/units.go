package geojsonio

import (
	"io"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/paulmach/orb"
)

// UnitFields names the properties a unit import reads (--persons-field,
// --households-field). An empty Households means the file has none (0).
type UnitFields struct {
	Persons, Households, Name string
}

// DefaultUnitFields returns the property names an export writes.
func DefaultUnitFields() UnitFields {
	return UnitFields{Persons: "persons", Households: "households", Name: "name"}
}

// ReadUnits reads the units of an RFC 7946 file; see Source.Units.
func ReadUnits(r io.Reader, file string, f UnitFields) ([]domain.Unit, error) {
	units, _, err := Source{File: file}.Units(r, f)
	return units, err
}

// Units streams the population units of a GeoJSON FeatureCollection,
// single Feature or text sequence from src. Each needs a Point, Polygon or
// MultiPolygon, kept as given, and persons: a non-negative whole number, as
// a number or numeric string. Households follow the same rules and default
// to 0. It stops at the first bad feature with a *domain.Error
// (domain.ErrInvalid) and returns the coordinates' CRS.
func (src Source) Units(r io.Reader, f UnitFields) ([]domain.Unit, CRS, error) {
	file := src.File
	if f.Persons == "" {
		return nil, CRS{}, fileError(file, "no persons field given; units need persons")
	}
	var units []domain.Unit
	crs, err := readFeatures(r, src, func(i int, raw *rawFeature) error {
		u, err := f.unit(file, i, raw)
		if err != nil {
			return err
		}
		units = append(units, u)
		return nil
	})
	if err != nil {
		return nil, CRS{}, err
	}
	return units, crs, nil
}

func (f UnitFields) unit(file string, i int, raw *rawFeature) (domain.Unit, error) {
	props := raw.Properties
	bad := func(field, problem string) (domain.Unit, error) {
		return domain.Unit{}, featureError(file, i, field, problem)
	}
	var u domain.Unit
	var problem string
	if k := nulProperty(props); k != "" {
		return bad(k, nulProblem)
	}

	v, ok := lookup(props, f.Persons)
	if s, isText := v.(string); !ok || (isText && isBlank(s)) {
		return bad(f.Persons, "missing")
	}
	if u.Persons, problem = count(v); problem != "" {
		return bad(f.Persons, problem)
	}
	if v, ok := lookup(props, f.Households); ok {
		if s, isText := v.(string); !isText || !isBlank(s) {
			if u.Households, problem = count(v); problem != "" {
				return bad(f.Households, problem)
			}
		}
	}
	if u.Name, problem = textProperty(props, f.Name, false); problem != "" {
		return bad(f.Name, problem)
	}
	geom, problem := raw.geometry("Point", "Polygon", "MultiPolygon")
	if problem != "" {
		return bad("geometry", problem)
	}
	u.Geometry = geom
	u.Properties = freeProperties(props, f.Persons, f.Households, f.Name)
	return u, nil
}

// FacilityFields names the properties a facility import reads (--type-field).
// FixedType (the --type T flag) is the type of every feature without a type
// property.
type FacilityFields struct {
	Type, Name string
	FixedType  string
}

// DefaultFacilityFields returns the property names an export writes.
func DefaultFacilityFields() FacilityFields {
	return FacilityFields{Type: "type", Name: "name"}
}

// ReadFacilities reads the facilities of an RFC 7946 file; see
// Source.Facilities.
func ReadFacilities(r io.Reader, file string, f FacilityFields) ([]domain.Facility, error) {
	facilities, _, err := Source{File: file}.Facilities(r, f)
	return facilities, err
}

// Facilities streams the service facilities of a GeoJSON
// FeatureCollection, single Feature or text sequence from src. Each needs a
// Point and a type, from its type property or else FixedType. It stops at
// the first bad feature with a *domain.Error (domain.ErrInvalid) and
// returns the coordinates' CRS.
func (src Source) Facilities(r io.Reader, f FacilityFields) ([]domain.Facility, CRS, error) {
	file := src.File
	var facilities []domain.Facility
	crs, err := readFeatures(r, src, func(i int, raw *rawFeature) error {
		fa, err := f.facility(file, i, raw)
		if err != nil {
			return err
		}
		facilities = append(facilities, fa)
		return nil
	})
	if err != nil {
		return nil, CRS{}, err
	}
	return facilities, crs, nil
}

func (f FacilityFields) facility(file string, i int, raw *rawFeature) (domain.Facility, error) {
	props := raw.Properties
	typeField := f.Type
	if typeField == "" {
		typeField = "type"
	}
	bad := func(field, problem string) (domain.Facility, error) {
		return domain.Facility{}, featureError(file, i, field, problem)
	}
	var fa domain.Facility
	var problem string
	if k := nulProperty(props); k != "" {
		return bad(k, nulProblem)
	}

	if fa.Type, problem = textProperty(props, f.Type, false); problem != "" {
		return bad(typeField, problem)
	}
	if fa.Type == "" {
		fa.Type = f.FixedType
	}
	if fa.Type == "" {
		return bad(typeField, "missing; use --type T when the file has no type property")
	}
	if fa.Name, problem = textProperty(props, f.Name, false); problem != "" {
		return bad(f.Name, problem)
	}
	geom, problem := raw.geometry("Point")
	if problem != "" {
		return bad("geometry", problem)
	}
	fa.Geometry = geom.(orb.Point)
	fa.Properties = freeProperties(props, f.Type, f.Name)
	return fa, nil
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}
