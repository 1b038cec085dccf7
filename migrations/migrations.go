// Package migrations embeds gridplan's schema migrations, applied in order by
// store.Migrate with jackc/tern.
package migrations

import "embed"

// FS holds the numbered migration files.
//
//go:embed *.sql
var FS embed.FS
