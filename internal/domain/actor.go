package domain

import "context"

// Actor is who makes a change: recorded with every revision, publish and
// grant, and what authorisation decides on.
type Actor struct {
	Name string // a user name, or "cli" for the local administrator
	// Via says how the actor came: "cli" (the command line, which holds
	// the database and acts as a local administrator), "token", "session"
	// or "anonymous".
	Via string
}

// CLIActor is the command line's actor: a local administrator.
func CLIActor() Actor { return Actor{Name: "cli", Via: "cli"} }

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom is the actor ctx carries; anonymous when none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "anonymous", Via: "anonymous"}
}
