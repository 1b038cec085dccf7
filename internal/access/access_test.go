package access_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/access"
	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/pgtest"
)

var srv *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &srv)) }

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func cli() context.Context { return domain.WithActor(context.Background(), domain.CLIActor()) }

// Failed logins are limited per account and per address: a guesser
// sending one wrong password a second is checked this many times a
// minute, and refused (429, password unchecked) the rest of the time.
func TestFailedLoginLimits(t *testing.T) {
	db := srv.NewDB(t)
	c := &clock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	acc := access.New(db, nil, access.Options{BcryptCost: bcrypt.MinCost, Now: c.Now})
	for i := range 40 {
		if _, err := acc.AddUser(cli(), fmt.Sprintf("u%d", i), []byte("right-password-1"), false); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name    string
		user    func(i int) string
		address func(i int) string
		first   int // checked in the first minute: the burst, then one per refill
		steady  int // checked per minute afterwards
	}{
		{"one account, many addresses", func(int) string { return "u0" }, func(i int) string { return fmt.Sprintf("10.0.%d.%d", i/250, i%250) }, 9, 5},
		{"one address, many accounts", func(i int) string { return fmt.Sprintf("u%d", 1+i%39) }, func(int) string { return "192.0.2.7" }, 39, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			perMinute := make([]int, 5)
			for i := range 5 * 60 { // one wrong guess a second for five minutes
				_, err := acc.Login(context.Background(), tc.user(i), []byte("wrong-password"), tc.address(i))
				switch domain.ErrorCode(err) {
				case domain.ErrUnauthorized:
					perMinute[i/60]++
				case domain.ErrTooMany:
				default:
					t.Fatalf("attempt %d: %v", i, err)
				}
				c.advance(time.Second)
			}
			t.Logf("%s: wrong passwords checked per minute: %v (then refused with 429)", tc.name, perMinute)
			if perMinute[0] != tc.first || perMinute[4] != tc.steady {
				t.Errorf("checked per minute %v, want %d in the first and %d later", perMinute, tc.first, tc.steady)
			}
			c.advance(10 * time.Minute) // the buckets refill
		})
	}
	// Past the limit even the right password is refused, unchecked; a
	// success gives its try back, so a user who logs in is not counted.
	for range 5 {
		acc.Login(context.Background(), "u0", []byte("wrong-password"), "198.51.100.1")
	}
	if _, err := acc.Login(context.Background(), "u0", []byte("right-password-1"), "198.51.100.1"); domain.ErrorCode(err) != domain.ErrTooMany {
		t.Errorf("the right password past the limit: %v, want too many", err)
	}
	c.advance(time.Hour)
	for range 20 {
		if _, err := acc.Login(context.Background(), "u1", []byte("right-password-1"), "198.51.100.2"); err != nil {
			t.Fatalf("successful logins are not limited: %v", err)
		}
	}
}

// The cost of a stored password: bcrypt at BcryptCost, timed here.
func TestPasswordCost(t *testing.T) {
	db := srv.NewDB(t)
	acc := access.New(db, nil, access.Options{})
	start := time.Now()
	u, err := acc.AddUser(cli(), "alice", []byte("correct horse battery"), false)
	if err != nil {
		t.Fatal(err)
	}
	hashing := time.Since(start)
	cost, err := bcrypt.Cost([]byte(u.PasswordHash))
	if err != nil || cost != access.BcryptCost {
		t.Fatalf("stored cost %d (%v), want %d", cost, err, access.BcryptCost)
	}
	start = time.Now()
	if _, err := acc.Login(context.Background(), "alice", []byte("correct horse battery"), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	t.Logf("bcrypt cost %d: hashing %v, a login %v", cost, hashing.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	// An unknown name costs a comparison all the same.
	start = time.Now()
	if _, err := acc.Login(context.Background(), "nobody", []byte("correct horse battery"), "127.0.0.1"); domain.ErrorCode(err) != domain.ErrUnauthorized {
		t.Fatalf("unknown user: %v", err)
	}
	if d := time.Since(start); d < hashing/4 {
		t.Errorf("an unknown user answers in %v, a real one in %v: names can be told by timing", d, hashing)
	}
}

// Tokens: shown once, stored as a hash, refused when revoked or expired;
// the log records who made and revoked them, never the secret.
func TestTokens(t *testing.T) {
	db := srv.NewDB(t)
	acc := access.New(db, nil, access.Options{BcryptCost: bcrypt.MinCost})
	if _, err := acc.AddUser(cli(), "bot", nil, false); err != nil {
		t.Fatal(err)
	}
	secret, tok, err := acc.CreateToken(cli(), "bot", "script", 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "gpt_") || len(secret) < 4+43 {
		t.Errorf("token %q: want gpt_ and 256 bits", secret[:6])
	}
	a, err := acc.Authenticate(context.Background(), secret)
	if err != nil || a.Name != "bot" || a.Via != access.ViaToken {
		t.Fatalf("authenticate: %v %v", a, err)
	}
	tokens, _ := acc.Tokens(context.Background(), "bot")
	if len(tokens) != 1 || tokens[0].LastUsedAt == nil || tokens[0].ExpiresAt == nil {
		t.Errorf("token list: %+v", tokens)
	}
	if err := acc.RevokeToken(cli(), tok.ID); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, "gpt_" + strings.Repeat("A", 43), "gpt_short", "", "Bearer x"} {
		if _, err := acc.Authenticate(context.Background(), s); domain.ErrorCode(err) != domain.ErrUnauthorized {
			t.Errorf("token %.10q: %v, want unauthorized", s, err)
		}
	}
	var dump string
	if err := db.Pool().QueryRow(context.Background(), `SELECT string_agg(t::text, '|') FROM api_token t`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	log, err := db.Log(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, secret[4:]) || strings.Contains(fmt.Sprint(log), secret[4:]) {
		t.Errorf("the secret is stored")
	}
	var events []string
	for _, e := range log {
		events = append(events, e.Actor+":"+e.Event+":"+e.Subject)
	}
	if want := "cli:user_add:user bot cli:token_create:token 1 cli:token_revoke:token 1"; strings.Join(events, " ") != want {
		t.Errorf("log %v, want %s", events, want)
	}
}

func TestParseExpiry(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * 24 * time.Hour, true}, {"12h", 12 * time.Hour, true}, {"30m", 30 * time.Minute, true},
		{"never", 0, true}, {"0.5d", 12 * time.Hour, true}, {"-1d", 0, false}, {"soon", 0, false}, {"0s", 0, false},
	}
	for _, c := range cases {
		got, err := access.ParseExpiry(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseExpiry(%q) = %v, %v", c.in, got, err)
		}
	}
}

func TestCSRF(t *testing.T) {
	a, b := strings.Repeat("A", 43), strings.Repeat("B", 43)
	cases := []struct {
		session, sent string
		ok            bool
	}{
		{a, access.CSRFToken(a), true}, {a, access.CSRFToken(b), false}, {a, "", false}, {a, a, false},
	}
	for _, c := range cases {
		if got := access.CheckCSRF(c.session, c.sent); got != c.ok {
			t.Errorf("CheckCSRF(%.4s…, %.6q) = %v", c.session, c.sent, got)
		}
	}
}
