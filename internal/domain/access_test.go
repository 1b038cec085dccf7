package domain_test

import (
	"testing"

	"github.com/gridplan/gridplan/internal/domain"
)

func TestGrants(t *testing.T) {
	street := domain.Grants{{Role: domain.RolePlanner, Scope: "410103003000"}}
	whole := domain.Grants{{Role: domain.RoleApprover}}
	grid := []string{"410103003001001", "410103003001", "410103003000"} // a grid's chain up to its street
	other := []string{"410103004001001", "410103004001", "410103004000"}
	cases := []struct {
		name   string
		grants domain.Grants
		need   domain.Role
		chain  []string
		covers bool
	}{
		{"a planner of the street, in it", street, domain.RolePlanner, grid, true},
		{"a planner of the street, in another", street, domain.RolePlanner, other, false},
		{"a planner of the street, the street itself", street, domain.RolePlanner, grid[2:], true},
		{"a planner does not publish", street, domain.RoleApprover, grid, false},
		{"an approver of the whole plan edits anywhere", whole, domain.RolePlanner, other, true},
		{"an approver is no admin", whole, domain.RoleAdmin, other, false},
		{"no grants", nil, domain.RoleViewer, grid, false},
		{"an unknown role includes nothing", domain.Grants{{Role: "boss"}}, domain.RoleViewer, grid, false},
	}
	for _, c := range cases {
		if got := c.grants.Covers(c.need, c.chain); got != c.covers {
			t.Errorf("%s: Covers = %v", c.name, got)
		}
	}
	if !street.Holds(domain.RoleViewer) || street.Whole(domain.RolePlanner) || !whole.Whole(domain.RolePlanner) {
		t.Errorf("Holds/Whole")
	}
}

func TestValidateUserName(t *testing.T) {
	cases := map[string]bool{"alice": true, "张伟": true, "qgis.bot@二七区": true, "a-b_c": true,
		"": false, "-x": false, "cli": false, "anonymous": false, "database": false, "a b": false, "a/b": false}
	for name, ok := range cases {
		if err := domain.ValidateUserName(name); (err == nil) != ok {
			t.Errorf("ValidateUserName(%q) = %v", name, err)
		}
	}
}
