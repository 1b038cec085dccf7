package access

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// Token and session secrets: 32 random bytes (256 bits) from the
// operating system, written as unpadded base64url. The database keeps
// only their SHA-256: a secret that random cannot be guessed from its
// hash, so a slow hash (needed for passwords) would buy nothing.

// tokenPrefix marks gridplan tokens, so secret scanners and people can
// tell one when they see it.
const tokenPrefix = "gpt_"

const secretBytes = 32

func newSecret() string {
	b := make([]byte, secretBytes)
	rand.Read(b) // never fails (crypto/rand: it panics rather than return weak bytes)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newToken is a fresh bearer token's secret.
func newToken() string { return tokenPrefix + newSecret() }

// hashSecret is what the database keeps of a secret.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// wellFormed reports whether s can be a secret of ours (with prefix
// before it), so that junk is refused before any database lookup.
func wellFormed(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == secretBytes
}

// CSRFToken is the token a cookie-authenticated write must send in the
// X-CSRF-Token header: an HMAC of a fixed label keyed by the session's
// secret. Only a page that can read the session's answers (same origin)
// learns it; a cross-site form cannot, though the browser would attach
// the cookie. It needs no storage: it is computed from the cookie.
func CSRFToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("gridplan csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF compares a sent CSRF token with the session's in constant time.
func CheckCSRF(session, sent string) bool {
	return sent != "" && subtle.ConstantTimeCompare([]byte(CSRFToken(session)), []byte(sent)) == 1
}
