package access

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
)

// Ways an actor comes (domain.Actor.Via).
const (
	ViaToken   = "token"
	ViaSession = "session"
)

// Authenticate is the actor a bearer token acts as: its user. A token
// that is malformed, unknown, expired or revoked is ErrUnauthorized, and
// the message does not say which (that would help a guesser).
func (s *Service) Authenticate(ctx context.Context, token string) (domain.Actor, error) {
	refused := domain.Errorf(domain.ErrUnauthorized, "the bearer token is not valid (unknown, expired or revoked); create one with: gridplan token create --user NAME")
	if !wellFormed(token, tokenPrefix) {
		return domain.Actor{}, refused
	}
	t, ok, err := s.db.TokenUser(ctx, hashSecret(token))
	if err != nil {
		return domain.Actor{}, err
	}
	if !ok {
		return domain.Actor{}, refused
	}
	return domain.Actor{Name: t.User, Via: ViaToken}, nil
}

// Session is a logged-in browser.
type Session struct {
	Secret  string    `json:"-"` // the cookie's value: never logged, never in an answer body
	CSRF    string    `json:"csrf_token"`
	User    string    `json:"user"`
	Expires time.Time `json:"expires_at"`
}

// TooManyError is a login refused by the limits on failed logins, with how
// long to wait (the Retry-After of the answer).
type TooManyError struct {
	Err  *domain.Error
	Wait time.Duration
}

func (e *TooManyError) Error() string { return e.Err.Message }

func (e *TooManyError) Unwrap() error { return e.Err }

// Login checks a name and password and opens a session. Failed logins are
// limited per account and per address (see Options); past the limit the
// password is not even checked.
func (s *Service) Login(ctx context.Context, name string, password []byte, address string) (Session, error) {
	now := s.opts.Now()
	done, wait := s.limits.attempt(name, address, now)
	if done == nil {
		secs := int(math.Ceil(wait.Seconds()))
		s.log.Warn("login refused: too many failures", "user", name, "address", address, "retry_after_s", secs)
		return Session{}, &TooManyError{Err: domain.Errorf(domain.ErrTooMany,
			"too many failed logins for this account or from this address; try again in %d s", secs), Wait: wait}
	}
	u, err := s.db.User(ctx, name)
	if err != nil && domain.ErrorCode(err) != domain.ErrNotFound {
		done(false)
		return Session{}, err
	}
	ok := passwordMatches(u.PasswordHash, password, s.dummy)
	done(ok)
	if !ok {
		s.log.Warn("login failed", "user", name, "address", address)
		return Session{}, domain.Errorf(domain.ErrUnauthorized, "wrong user name or password")
	}
	secret := newSecret()
	sess := Session{Secret: secret, CSRF: CSRFToken(secret), User: u.Name, Expires: now.Add(s.opts.SessionTTL)}
	if err := s.db.CreateSession(ctx, u.Name, hashSecret(secret), sess.Expires); err != nil {
		return Session{}, err
	}
	s.log.Info("login", "user", u.Name, "address", address)
	return sess, nil
}

// Session is the actor of a session cookie's value; ok is false for a
// value that is no live session (expired, logged out or made up).
func (s *Service) Session(ctx context.Context, secret string) (domain.Actor, bool, error) {
	if !wellFormed(secret, "") {
		return domain.Actor{}, false, nil
	}
	user, ok, err := s.db.SessionUser(ctx, hashSecret(secret))
	if err != nil || !ok {
		return domain.Actor{}, false, err
	}
	return domain.Actor{Name: user, Via: ViaSession}, true, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	if !wellFormed(secret, "") {
		return nil
	}
	return s.db.DeleteSession(ctx, hashSecret(secret))
}

// Reads reports whether actor may read plan planID on a private server:
// any grant on it does (every role includes viewer).
func (s *Service) Reads(ctx context.Context, actor domain.Actor, planID int64) (bool, error) {
	gs, err := s.db.GrantsOf(ctx, actor.Name, planID)
	return gs.Holds(domain.RoleViewer), err
}

// ParseExpiry reads a token lifetime: "90d", "12h", "30m" (Go durations
// plus days), or "never".
func ParseExpiry(s string) (time.Duration, error) {
	if s == "never" || s == "" {
		return 0, nil
	}
	var n float64
	var unit string
	if _, err := fmt.Sscanf(s, "%g%s", &n, &unit); err == nil && unit == "d" && n > 0 {
		return time.Duration(n * 24 * float64(time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "expires %q: want a lifetime such as 90d, 12h or 30m, or never", s)
	}
	return d, nil
}
