package osmimport

import (
	"strings"

	"github.com/paulmach/osm"

	"github.com/gridplan/gridplan/internal/domain"
)

// walkable are the highway classes a pedestrian may use unless tagged
// otherwise: everything from footways and steps to primary and trunk roads
// (which have pavements in towns), but not motorways.
var walkable = map[string]bool{
	"footway": true, "path": true, "pedestrian": true, "steps": true, "living_street": true,
	"residential": true, "service": true, "unclassified": true, "road": true, "track": true,
	"corridor": true, "platform": true,
	"tertiary": true, "tertiary_link": true, "secondary": true, "secondary_link": true,
	"primary": true, "primary_link": true, "trunk": true, "trunk_link": true,
}

// footOnly are classes walkable only when foot access is granted.
var footOnly = map[string]bool{"cycleway": true, "bridleway": true, "busway": true}

var footYes = map[string]bool{"yes": true, "designated": true, "permissive": true}

// excluded says why a highway is not walkable ("" when it is).
func excluded(t osm.Tags) string {
	hw, foot, access := t.Find("highway"), t.Find("foot"), t.Find("access")
	switch {
	case hw == "motorway" || hw == "motorway_link":
		return "motorway"
	case foot == "no" || foot == "private" || foot == "use_sidepath":
		return "foot=" + foot
	case (access == "no" || access == "private") && !footYes[foot]:
		return "access=" + access
	case walkable[hw] || (footOnly[hw] && footYes[foot]):
		return ""
	}
	return "highway=" + hw
}

// TagType maps one OSM tag (key=value) to a facility type.
type TagType struct {
	Key, Value, Type string
}

// DefaultFacilityTags maps common amenity tags to the facility types of
// the default circle rules. OSM does not tell primary from middle schools
// reliably, so every school counts as a primary school; override with
// --facility-tags.
func DefaultFacilityTags() []TagType {
	return []TagType{
		{"amenity", "kindergarten", "kindergarten"},
		{"amenity", "school", "primary_school"},
		{"amenity", "clinic", "clinic"},
		{"amenity", "doctors", "clinic"},
		{"amenity", "community_centre", "community_service_centre"},
		{"amenity", "townhall", "street_service_centre"},
		{"amenity", "marketplace", "market"},
	}
}

// ParseTagTypes reads "key=value:type,key=value:type".
func ParseTagTypes(s string) ([]TagType, error) {
	var out []TagType
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		kv, typ, ok1 := strings.Cut(item, ":")
		k, v, ok2 := strings.Cut(kv, "=")
		if !ok1 || !ok2 || k == "" || v == "" || typ == "" {
			return nil, domain.Errorf(domain.ErrInvalid, "--facility-tags: %q is not key=value:type (e.g. amenity=school:primary_school)", item)
		}
		out = append(out, TagType{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Type: strings.TrimSpace(typ)})
	}
	return out, nil
}

// match returns the facility type of the first mapping the tags carry,
// and the tag as "key=value".
func match(t osm.Tags, m []TagType) (typ, tag string) {
	for _, tt := range m {
		if t.Find(tt.Key) == tt.Value {
			return tt.Type, tt.Key + "=" + tt.Value
		}
	}
	return "", ""
}
