package auth

import (
	"errors"
	"fmt"
	"sync"

	"github.com/alexedwards/argon2id"
)

// Params are argon2id's cost parameters. Memory is in KiB.
type Params struct {
	Memory      uint32
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32
	KeyLength   uint32
}

// RecommendedParams are the production costs: 64 MiB, 2 passes, 1 lane, above
// OWASP's minimum (19 MiB, t=2, p=1). Parallelism is fixed rather than the CPU
// count (argon2id.DefaultParams), because it is part of the hash: a hash made on
// an 8-core laptop would otherwise cost differently on a 2-core server.
func RecommendedParams() Params {
	return Params{Memory: 64 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// TestParams are cheap costs for tests (1 MiB, 1 pass): never use them for real passwords.
func TestParams() Params {
	return Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// Bounds on parameters, both for a Hasher and for a hash read back from storage.
// The upper bounds stop a tampered row from making one login allocate gigabytes
// or spin for minutes; the lower bounds stop argon2 from panicking (t or p of 0)
// and an empty key from matching every password.
const (
	MaxMemory      = 256 * 1024 // KiB
	MaxIterations  = 10
	MaxParallelism = 8
	MinSaltLength  = 8
	MaxSaltLength  = 64
	MinKeyLength   = 16
	MaxKeyLength   = 64
)

var (
	// ErrMalformedHash is returned by Verify for a stored value that is not an argon2id hash.
	ErrMalformedHash = errors.New("stored password hash is malformed")
	// ErrHashParams is returned by Verify for a stored hash whose costs are out of bounds.
	ErrHashParams = errors.New("stored password hash has parameters out of bounds")
)

func (p Params) check() error {
	switch {
	case p.Iterations < 1 || p.Iterations > MaxIterations:
		return fmt.Errorf("iterations must be 1 to %d", MaxIterations)
	case p.Parallelism < 1 || p.Parallelism > MaxParallelism:
		return fmt.Errorf("parallelism must be 1 to %d", MaxParallelism)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > MaxMemory:
		return fmt.Errorf("memory must be 8 KiB per lane to %d KiB", MaxMemory)
	case p.SaltLength < MinSaltLength || p.SaltLength > MaxSaltLength:
		return fmt.Errorf("salt length must be %d to %d bytes", MinSaltLength, MaxSaltLength)
	case p.KeyLength < MinKeyLength || p.KeyLength > MaxKeyLength:
		return fmt.Errorf("key length must be %d to %d bytes", MinKeyLength, MaxKeyLength)
	}
	return nil
}

func (p Params) lib() *argon2id.Params {
	return &argon2id.Params{
		Memory: p.Memory, Iterations: p.Iterations, Parallelism: p.Parallelism,
		SaltLength: p.SaltLength, KeyLength: p.KeyLength,
	}
}

// Hasher hashes and verifies passwords with fixed parameters. It is safe for concurrent use.
type Hasher struct {
	params Params
	// dummy is made on first use: most commands never verify a password, and one
	// hash at production cost is a tenth of a second they need not spend.
	dummyOnce sync.Once
	dummy     string
}

// NewHasher checks p and prepares the dummy hash that VerifyDummy compares against.
func NewHasher(p Params) (*Hasher, error) {
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("new hasher: %w", err)
	}
	return &Hasher{params: p}, nil
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the encoded argon2id hash of password, with a fresh random salt.
func (h *Hasher) Hash(password string) (string, error) {
	encoded, err := argon2id.CreateHash(password, h.params.lib())
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return encoded, nil
}

// Verify reports whether password matches encoded. A wrong password is (false, nil);
// a stored value that is malformed or whose parameters are out of bounds is an
// error (ErrMalformedHash, ErrHashParams), and nothing is computed for it.
func (h *Hasher) Verify(password, encoded string) (bool, error) {
	if _, err := decodeParams(encoded); err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	match, _, err := argon2id.CheckHash(password, encoded)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", ErrMalformedHash)
	}
	return match, nil
}

// VerifyDummy spends the time of one Verify against a hash no password matches,
// so that a login for an unknown email takes as long as one for a known email.
func (h *Hasher) VerifyDummy(password string) {
	made := false
	h.dummyOnce.Do(func() {
		// Made with the same params, so making it costs what verifying it does: the
		// call that makes it has spent its one hash, the others verify against it.
		h.dummy, _ = h.Hash("not a password: the dummy for unknown accounts")
		made = true
	})
	if !made {
		_, _, _ = argon2id.CheckHash(password, h.dummy)
	}
}

// NeedsRehash reports whether encoded was made with other parameters than the
// Hasher's (cheaper or dearer): a successful login then stores the password
// hashed again at today's cost (service.Auth.Login). A malformed hash needs it too.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, err := decodeParams(encoded)
	return err != nil || p != h.params
}

// decodeParams reads and bounds the parameters of a stored hash. The library's
// errors are not passed on: they are not the user's business and some quote the input.
func decodeParams(encoded string) (Params, error) {
	lp, _, _, err := argon2id.DecodeHash(encoded)
	if err != nil {
		return Params{}, ErrMalformedHash
	}
	p := Params{
		Memory: lp.Memory, Iterations: lp.Iterations, Parallelism: lp.Parallelism,
		SaltLength: lp.SaltLength, KeyLength: lp.KeyLength,
	}
	if p.check() != nil {
		return Params{}, ErrHashParams
	}
	return p, nil
}
