package domain

import (
	"regexp"
	"slices"
	"strings"
)

// Role is what a user may do on one plan. Each role includes the ones
// before it: a viewer reads (also a private server's plans), a planner
// edits drafts, an approver publishes and edits the published plan, an
// admin also manages the plan's rules and data.
type Role string

// Roles, weakest first.
const (
	RoleViewer   Role = "viewer"
	RolePlanner  Role = "planner"
	RoleApprover Role = "approver"
	RoleAdmin    Role = "admin"
)

// Roles lists the roles, weakest first.
func Roles() []Role { return []Role{RoleViewer, RolePlanner, RoleApprover, RoleAdmin} }

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles(), r) {
		return "", Errorf(ErrInvalid, "role %q: want viewer, planner, approver or admin", s)
	}
	return r, nil
}

// Includes reports whether r includes need: whoever holds r may do what
// need allows.
func (r Role) Includes(need Role) bool {
	return slices.Index(Roles(), r) >= slices.Index(Roles(), need) && slices.Contains(Roles(), need)
}

// Grant is a role on a plan, over the whole plan (Scope "") or over the
// subtree of the grid whose code is Scope: that grid and every grid whose
// chain of parents reaches it.
type Grant struct {
	Role  Role   `json:"role"`
	Scope string `json:"scope,omitempty"`
}

// Grants are everything one actor holds on one plan; they add up.
type Grants []Grant

// Holds reports whether some grant includes need, whatever its scope.
func (gs Grants) Holds(need Role) bool {
	return slices.ContainsFunc(gs, func(g Grant) bool { return g.Role.Includes(need) })
}

// Whole reports whether some grant includes need over the whole plan.
func (gs Grants) Whole(need Role) bool {
	return slices.ContainsFunc(gs, func(g Grant) bool { return g.Role.Includes(need) && g.Scope == "" })
}

// Covers reports whether some grant including need reaches a grid whose
// ancestry (its own code first, then its parent's, up to the top) is
// given.
func (gs Grants) Covers(need Role, ancestry []string) bool {
	return slices.ContainsFunc(gs, func(g Grant) bool {
		return g.Role.Includes(need) && (g.Scope == "" || slices.Contains(ancestry, g.Scope))
	})
}

// Scopes lists the scopes of the grants including need, for messages.
func (gs Grants) Scopes(need Role) string {
	var out []string
	for _, g := range gs {
		if g.Role.Includes(need) {
			out = append(out, g.Scope)
		}
	}
	return strings.Join(out, ", ")
}

var userNamePattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$`)

// ValidateUserName reports whether name can name an account: 1-64
// letters (any script), digits, dots, underscores, hyphens or @, starting
// with a letter or digit. The actor names gridplan records for itself
// (cli, anonymous, database) are reserved.
func ValidateUserName(name string) error {
	if !userNamePattern.MatchString(name) {
		return Errorf(ErrInvalid, "user name %q: use 1-64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit", name)
	}
	switch name {
	case "cli", "anonymous", "database":
		return Errorf(ErrInvalid, "user name %q is reserved: gridplan records it for itself", name)
	}
	return nil
}
