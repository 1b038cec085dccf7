package store

// PgError is pgError, for the tests of how PostgreSQL's errors are told.
var PgError = pgError
