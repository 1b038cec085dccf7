package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/audit"
	"github.com/gridplan/gridplan/internal/coverage"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/editing"
	"github.com/gridplan/gridplan/internal/httpapi"
	"github.com/gridplan/gridplan/internal/store"
)

// syncBuffer is a log sink the server and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// secured is plan "edit" (editServer's) with draft d1, served with
// accounts, and a credential per kind of caller.
type secured struct {
	t       *testing.T
	ts      *httptest.Server
	db      *store.DB
	logs    *syncBuffer
	tokens  map[string]string // by caller: viewer, scoped (planner of C1), planner, approver, admin, revoked, expired, nobody (no role)
	secrets []string          // every token and password handed out, to look for in the logs
}

const allowedOrigin = "https://map.example.org"

// newSecured serves it, reads open to all unless private (--private).
func newSecured(t *testing.T, private bool) *secured {
	t.Helper()
	ctx := domain.WithActor(context.Background(), domain.CLIActor())
	_, db := editServer(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	acc := access.New(db, log, access.Options{BcryptCost: bcrypt.MinCost})
	auditor := audit.New(audit.Check{Name: audit.Coverage, Checker: coverage.New(db, coverage.Options{})})
	edits := editing.New(db, auditor, log, editing.Options{})
	ts := httptest.NewServer(httpapi.New(db, log, httpapi.Options{Auditor: auditor, Editing: edits, Access: acc,
		CORSOrigins: []string{allowedOrigin}, Private: private}))
	t.Cleanup(ts.Close)
	s := &secured{t: t, ts: ts, db: db, logs: logs, tokens: map[string]string{}}
	plan, err := db.Plan(ctx, "edit")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := edits.CreateDraft(ctx, plan, "d1", 0, "a draft"); err != nil {
		t.Fatal(err)
	}
	callers := []struct {
		name  string
		role  domain.Role
		scope []string
	}{
		{"viewer", domain.RoleViewer, nil}, {"scoped", domain.RolePlanner, []string{"C1"}},
		{"planner", domain.RolePlanner, nil}, {"approver", domain.RoleApprover, nil}, {"admin", domain.RoleAdmin, nil},
		{"revoked", domain.RolePlanner, nil}, {"expired", domain.RolePlanner, nil}, {"nobody", "", nil},
	}
	for _, c := range callers {
		password := "pw-of-" + c.name + "-12345"
		s.secrets = append(s.secrets, password)
		if _, err := acc.AddUser(ctx, c.name, []byte(password), false); err != nil {
			t.Fatal(err)
		}
		if c.role != "" {
			if err := acc.Grant(ctx, c.name, plan, c.role, c.scope); err != nil {
				t.Fatal(err)
			}
		}
		ttl := time.Duration(0)
		if c.name == "expired" {
			ttl = time.Millisecond
		}
		token, tok, err := acc.CreateToken(ctx, c.name, "test", ttl)
		if err != nil {
			t.Fatal(err)
		}
		if c.name == "revoked" {
			if err := acc.RevokeToken(ctx, tok.ID); err != nil {
				t.Fatal(err)
			}
		}
		s.tokens[c.name] = token
		s.secrets = append(s.secrets, token)
	}
	time.Sleep(5 * time.Millisecond) // the expired token's millisecond is over
	return s
}

// request is one HTTP call of a test.
type request struct {
	method, path string
	body         string
	header       map[string]string
}

type answer struct {
	status int
	header http.Header
	body   string
	detail string
}

func (s *secured) do(rq request) answer {
	s.t.Helper()
	req, err := http.NewRequest(rq.method, s.ts.URL+rq.path, strings.NewReader(rq.body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	// Redirects are answers to look at, not to follow.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var p struct{ Detail string }
	_ = json.Unmarshal(b, &p)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b), detail: p.Detail}
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// rowHashes fingerprints every table a write could change.
func (s *secured) rowHashes() map[string]string {
	s.t.Helper()
	out := map[string]string{}
	for _, table := range []string{"grid", "grid_version", "revision", "draft", "workspace", "circle_rule", "plan_code", "lineage", "access_log"} {
		var h string
		// table comes from the fixed list above.
		if err := s.db.Pool().QueryRow(context.Background(),
			`SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM `+table+` t`).Scan(&h); err != nil {
			s.t.Fatal(err)
		}
		out[table] = h
	}
	return out
}

// featureID is the OGC feature id of grid code in draft d1.
func (s *secured) featureID(code string) string {
	s.t.Helper()
	a := s.do(request{method: "GET", path: "/plans/edit/drafts/d1/collections/edit-level-2/items"})
	var fc struct {
		Features []struct {
			ID         json.Number    `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(a.body), &fc); err != nil {
		s.t.Fatalf("items: %d %s", a.status, a.body)
	}
	for _, f := range fc.Features {
		if f.Properties["code"] == code {
			return f.ID.String()
		}
	}
	s.t.Fatalf("no feature %s in d1", code)
	return ""
}

// login opens a session as user and returns its cookie and CSRF token.
func (s *secured) login(user string) (cookie, csrf string) {
	s.t.Helper()
	a := s.do(request{method: "POST", path: "/api/login", body: `{"name":"` + user + `","password":"pw-of-` + user + `-12345"}`,
		header: map[string]string{"Content-Type": "application/json"}})
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(a.body), &sess); a.status != 200 || err != nil || sess.CSRF == "" {
		s.t.Fatalf("login %s: %d %s", user, a.status, a.body)
	}
	c := a.header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "gridplan_session="} {
		if !strings.Contains(c, want) {
			s.t.Errorf("session cookie %q lacks %s", c, want)
		}
	}
	s.secrets = append(s.secrets, strings.TrimPrefix(strings.SplitN(c, ";", 2)[0], "gridplan_session="))
	return strings.SplitN(c, ";", 2)[0], sess.CSRF
}
