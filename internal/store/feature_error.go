package store

import (
	"fmt"

	"github.com/gridplan/gridplan/internal/domain"
)

// FeatureError says which input feature (by index in the slice passed to an
// Insert method) and which field the database refused. Importers turn it into
// a message naming the file and the user's field name.
type FeatureError struct {
	Index   int
	Field   string // domain field: "code", "parent", "geometry", ...
	Problem string
}

func (e *FeatureError) Error() string {
	return fmt.Sprintf("feature %d: field %q: %s", e.Index, e.Field, e.Problem)
}

// Unwrap classifies the error as invalid input for the error mappers.
func (e *FeatureError) Unwrap() error {
	return &domain.Error{Code: domain.ErrInvalid, Message: e.Error()}
}

// Warning is a problem with an input feature's geometry that does not stop
// an import: invalid geometry is stored as it is so that the coverage audit
// can report it, and a shape far from the plan or flattened by its CRS is
// stored as given. Problem is the whole sentence to show.
type Warning struct {
	Index   int
	Problem string
}
