package pgtest

import (
	"context"
	"net/http"
	"testing"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// AdminToken is a bearer token of user "tester", made admin of every plan
// db holds now.
func AdminToken(t testing.TB, db *store.DB, acc *access.Service) string {
	t.Helper()
	ctx := domain.WithActor(context.Background(), domain.CLIActor())
	if _, err := acc.AddUser(ctx, "tester", nil, false); err != nil {
		t.Fatal(err)
	}
	plans, err := db.Plans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if err := acc.Grant(ctx, "tester", p, domain.RoleAdmin, nil); err != nil {
			t.Fatal(err)
		}
	}
	token, _, err := acc.CreateToken(ctx, "tester", "tests", 0)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// Signed gives every request to h that carries no credential the bearer
// token: for tests about edits, faults or load rather than credentials
// (internal/httpapi's security tests are about those).
func Signed(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(w, r)
	})
}
