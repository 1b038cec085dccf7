package access

import (
	"errors"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/gridplan/gridplan/internal/domain"
)

// BcryptCost is the work factor of stored passwords: 2^12 rounds, about
// a quarter of a second per hash on this project's 2-core machine (see the
// README), slow for a guesser with a stolen table and quick enough for a
// login. Options.BcryptCost lowers it for tests only.
const BcryptCost = 12

// Password limits: bcrypt reads at most 72 bytes, so a longer password
// would be silently cut; refuse it instead.
const (
	minPassword = 10
	maxPassword = 72
)

func checkPasswordRules(pw []byte) error {
	if utf8.RuneCount(pw) < minPassword {
		return domain.Errorf(domain.ErrInvalid, "password: use at least %d characters", minPassword)
	}
	if len(pw) > maxPassword {
		return domain.Errorf(domain.ErrInvalid, "password: at most %d bytes (bcrypt reads no more)", maxPassword)
	}
	return nil
}

func hashPassword(pw []byte, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(pw, cost)
	return string(h), err
}

// passwordMatches compares a password with a stored hash. An account
// without a password (token-only) or an unknown one is compared with a
// hash of the same cost all the same, so a wrong name and a wrong
// password take equally long and names cannot be told by timing.
func passwordMatches(hash string, pw []byte, dummy string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword([]byte(dummy), pw)
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), pw)
	return err == nil && !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword)
}
