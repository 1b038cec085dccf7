// Package access is who is calling, and who may be: accounts with
// bcrypt-hashed passwords, per-plan grants, bearer tokens, browser
// sessions and the limits on failed logins. It turns a request's
// credential into the domain.Actor that the editing layer authorises
// (internal/editing decides what an actor may change); httpapi asks it
// for the actor, the command line manages accounts through it. Grants,
// tokens and accounts are logged, with their actor, in the write that
// makes them.
package access

import (
	"context"
	"log/slog"
	"time"

	"github.com/gridplan/gridplan/internal/domain"
	"github.com/gridplan/gridplan/internal/store"
)

// Options tune the service; zero values take the defaults.
type Options struct {
	// BcryptCost of new passwords; 0 means BcryptCost. Tests lower it.
	BcryptCost int
	// AccountLimit and AddressLimit bound failed logins. The defaults: an
	// account takes 5 wrong passwords at once and then one every 12 s; an
	// address (perhaps a whole office behind one NAT) 20, then one every
	// 3 s. A guesser gets 5 tries a minute at one account and 20 a minute
	// from one address, which with bcrypt's cost also bounds the CPU one
	// address can spend on logins.
	AccountLimit, AddressLimit Limit
	// SessionTTL is how long a login lasts; 0 means 12 hours (a working day).
	SessionTTL time.Duration
	// Now is the clock; nil means time.Now. Tests move it.
	Now func() time.Time
}

// Service manages accounts and authenticates requests.
type Service struct {
	db     *store.DB
	log    *slog.Logger
	opts   Options
	limits loginLimits
	dummy  string // a bcrypt hash of the service's cost, compared when there is nothing to compare
}

// New returns the access service on db.
func New(db *store.DB, log *slog.Logger, opts Options) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.BcryptCost == 0 {
		opts.BcryptCost = BcryptCost
	}
	if opts.AccountLimit.Burst == 0 {
		opts.AccountLimit = Limit{Burst: 5, PerMinute: 5}
	}
	if opts.AddressLimit.Burst == 0 {
		opts.AddressLimit = Limit{Burst: 20, PerMinute: 20}
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dummy, _ := hashPassword([]byte("no password is stored for this account"), opts.BcryptCost)
	return &Service{db: db, log: log, opts: opts, dummy: dummy,
		limits: loginLimits{accounts: newBuckets(opts.AccountLimit), addresses: newBuckets(opts.AddressLimit)}}
}

// entry starts a log line by the context's actor.
func entry(ctx context.Context, event, subject string) store.LogEntry {
	a := domain.ActorFrom(ctx)
	return store.LogEntry{Actor: a.Name, Via: a.Via, Event: event, Subject: subject}
}

// AddUser adds an account; a nil password makes it token-only (it cannot
// log in on the map). demo marks an account with a published password
// (serve --demo).
func (s *Service) AddUser(ctx context.Context, name string, password []byte, demo bool) (store.User, error) {
	if err := domain.ValidateUserName(name); err != nil {
		return store.User{}, err
	}
	hash := ""
	if password != nil {
		if err := checkPasswordRules(password); err != nil {
			return store.User{}, err
		}
		var err error
		if hash, err = hashPassword(password, s.opts.BcryptCost); err != nil {
			return store.User{}, err
		}
	}
	e := entry(ctx, store.EventUserAdd, "user "+name)
	e.Detail = map[string]any{"password": password != nil, "demo": demo}
	return s.db.CreateUser(ctx, name, hash, demo, e)
}

// RemoveUser deletes an account with its grants, tokens and sessions.
func (s *Service) RemoveUser(ctx context.Context, name string) error {
	return s.db.RemoveUser(ctx, name, entry(ctx, store.EventUserRemove, "user "+name))
}

// Grant gives user role on plan, over the subtrees of scopes (the whole
// plan when there are none). Each scope must be a grid of the published
// plan, so a mistyped code is caught here rather than granting nothing.
func (s *Service) Grant(ctx context.Context, user string, plan domain.Plan, role domain.Role, scopes []string) error {
	if len(scopes) == 0 {
		scopes = []string{""}
	}
	for _, scope := range scopes {
		if scope != "" {
			if _, err := s.db.Grid(ctx, plan.Workspace, scope); err != nil {
				return domain.Errorf(domain.ErrInvalid, "scope %q: plan %q has no such grid", scope, plan.Name)
			}
		}
		e := entry(ctx, store.EventGrant, "user "+user)
		e.PlanID, e.Plan = plan.ID, plan.Name
		e.Detail = map[string]any{"role": role, "scope": scope}
		if err := s.db.AddGrant(ctx, user, plan, domain.Grant{Role: role, Scope: scope}, domain.ActorFrom(ctx).Name, e); err != nil {
			return err
		}
	}
	return nil
}

// Ungrant takes user's grants of role on plan away (all of them when
// role is ""); it says how many went.
func (s *Service) Ungrant(ctx context.Context, user string, plan domain.Plan, role domain.Role) (int64, error) {
	e := entry(ctx, store.EventUngrant, "user "+user)
	e.PlanID, e.Plan = plan.ID, plan.Name
	e.Detail = map[string]any{"role": role}
	return s.db.RemoveGrants(ctx, user, plan, role, e)
}

// CreateToken makes a bearer token acting as user, valid for ttl (0: until
// revoked). The secret is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, user, label string, ttl time.Duration) (string, store.Token, error) {
	var expires *time.Time
	if ttl > 0 {
		t := s.opts.Now().Add(ttl)
		expires = &t
	}
	secret := newToken()
	e := entry(ctx, store.EventTokenCreate, "")
	e.Detail = map[string]any{"user": user, "label": label, "expires_at": expires}
	t, err := s.db.CreateToken(ctx, user, label, hashSecret(secret), expires, e)
	if err != nil {
		return "", t, err
	}
	return secret, t, nil
}

// RevokeToken revokes token id for good.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	return s.db.RevokeToken(ctx, id, entry(ctx, store.EventTokenRevoke, ""))
}

// Tokens lists the tokens of user ("" for everyone's).
func (s *Service) Tokens(ctx context.Context, user string) ([]store.Token, error) {
	return s.db.Tokens(ctx, user)
}
