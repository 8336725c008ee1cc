package auth

import (
	"errors"
	"strings"
	"testing"
)

func newTestHasher(t *testing.T) *Hasher {
	t.Helper()
	h, err := NewHasher(TestParams())
	if err != nil {
		t.Fatalf("NewHasher: %v", err)
	}
	return h
}

func TestRecommendedParamsMeetOWASP(t *testing.T) {
	p := RecommendedParams()
	if p.Memory < 19*1024 || p.Iterations < 2 || p.Parallelism != 1 || p.SaltLength < 16 || p.KeyLength < 32 {
		t.Fatalf("RecommendedParams() = %+v, below OWASP's 19 MiB / t=2 / p=1 or a 16-byte salt and 32-byte key", p)
	}
	if p != (Params{Memory: 64 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}) {
		t.Fatalf("RecommendedParams() = %+v, want 64 MiB, t=2, p=1, salt 16, key 32", p)
	}
	if _, err := NewHasher(p); err != nil {
		t.Fatalf("NewHasher(RecommendedParams()): %v", err)
	}
}

func TestNewHasherRefusesParamsOutOfBounds(t *testing.T) {
	ok := TestParams()
	tests := []struct {
		name  string
		tweak func(*Params)
	}{
		{"zero iterations", func(p *Params) { p.Iterations = 0 }},
		{"too many iterations", func(p *Params) { p.Iterations = MaxIterations + 1 }},
		{"zero parallelism", func(p *Params) { p.Parallelism = 0 }},
		{"too much parallelism", func(p *Params) { p.Parallelism = MaxParallelism + 1 }},
		{"too little memory", func(p *Params) { p.Memory = 4 }},
		{"too much memory", func(p *Params) { p.Memory = MaxMemory + 1 }},
		{"short salt", func(p *Params) { p.SaltLength = MinSaltLength - 1 }},
		{"short key", func(p *Params) { p.KeyLength = MinKeyLength - 1 }},
		{"long key", func(p *Params) { p.KeyLength = MaxKeyLength + 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.tweak(&p)
			if _, err := NewHasher(p); err == nil {
				t.Fatalf("NewHasher(%+v) accepted parameters out of bounds", p)
			}
		})
	}
}

func TestHashAndVerify(t *testing.T) {
	h := newTestHasher(t)
	const password = "epicevents-demo"
	encoded, err := h.Hash(password)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("Hash = %q, want an argon2id hash with the hasher's params", encoded)
	}
	if strings.Contains(encoded, password) {
		t.Fatal("the hash contains the password")
	}

	t.Run("the right password matches", func(t *testing.T) {
		ok, err := h.Verify(password, encoded)
		if err != nil || !ok {
			t.Fatalf("Verify(right password) = %v, %v; want true, nil", ok, err)
		}
	})
	t.Run("a wrong password does not match", func(t *testing.T) {
		for _, wrong := range []string{"epicevents-demO", "", password + " ", "epicevents"} {
			ok, err := h.Verify(wrong, encoded)
			if err != nil || ok {
				t.Fatalf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
			}
		}
	})
	t.Run("two hashes of one password differ by their salt", func(t *testing.T) {
		again, err := h.Hash(password)
		if err != nil {
			t.Fatal(err)
		}
		if again == encoded {
			t.Fatal("two hashes of the same password are equal: the salt is not random")
		}
	})
	t.Run("a hash made with other params still verifies", func(t *testing.T) {
		p := TestParams()
		p.Iterations = 2
		other, err := NewHasher(p)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := other.Verify(password, encoded)
		if err != nil || !ok {
			t.Fatalf("Verify across params = %v, %v; want true, nil", ok, err)
		}
		if !other.NeedsRehash(encoded) {
			t.Fatal("NeedsRehash = false for a hash made with other params")
		}
		if h.NeedsRehash(encoded) {
			t.Fatal("NeedsRehash = true for a hash made with the hasher's own params")
		}
	})
}

func TestVerifyRefusesTamperedHashes(t *testing.T) {
	h := newTestHasher(t)
	encoded, err := h.Hash("epicevents-demo")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(encoded, "$") // "", "argon2id", "v=19", "m=...,t=...,p=...", salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := []struct {
		name    string
		encoded string
		want    error
	}{
		// Computing any of the first three would allocate 4 GiB or spin for minutes.
		{"memory above 256 MiB", with(3, "m=4194304,t=1,p=1"), ErrHashParams},
		{"iterations above 10", with(3, "m=1024,t=1000000,p=1"), ErrHashParams},
		{"parallelism above 8", with(3, "m=1024,t=1,p=255"), ErrHashParams},
		// argon2 panics on these two.
		{"zero iterations", with(3, "m=1024,t=0,p=1"), ErrHashParams},
		{"zero parallelism", with(3, "m=1024,t=1,p=0"), ErrHashParams},
		// An empty key would match every password.
		{"empty key", with(5, ""), ErrHashParams},
		{"short salt", with(4, "c2FsdA"), ErrHashParams},
		{"negative memory", with(3, "m=-1,t=1,p=1"), ErrMalformedHash},
		{"parallelism that overflows a byte", with(3, "m=1024,t=1,p=256"), ErrMalformedHash},
		{"argon2i instead of argon2id", with(1, "argon2i"), ErrMalformedHash},
		{"unknown version", with(2, "v=16"), ErrMalformedHash},
		{"salt that is not base64", with(4, "!!!"), ErrMalformedHash},
		{"missing part", strings.Join(parts[:5], "$"), ErrMalformedHash},
		{"empty", "", ErrMalformedHash},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := h.Verify("epicevents-demo", tt.encoded)
			if ok || !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, %v; want false, %v", ok, err, tt.want)
			}
			if strings.Contains(err.Error(), tt.encoded) && tt.encoded != "" {
				t.Fatalf("the error %q quotes the stored hash", err)
			}
		})
	}
}

func TestVerifyDummyReturns(t *testing.T) {
	h := newTestHasher(t)
	// It has nothing to return; it must simply do the work and come back, whatever the input.
	for _, password := range []string{"", "epicevents-demo", strings.Repeat("x", 128)} {
		h.VerifyDummy(password)
	}
	if ok, err := h.Verify("not a password: the dummy for unknown accounts", h.dummy); err != nil || !ok {
		t.Fatalf("the dummy hash does not verify as a hash of the hasher's params: %v, %v", ok, err)
	}
	if h.NeedsRehash(h.dummy) {
		t.Fatal("the dummy hash was not made with the hasher's params, so it would not cost the same")
	}
}

// BenchmarkHash measures one hash at production cost: the time a login spends in argon2id.
// Its figure is recorded in BENCHMARKS.md.
func BenchmarkHash(b *testing.B) {
	h, err := NewHasher(RecommendedParams())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash("epicevents-demo"); err != nil {
			b.Fatal(err)
		}
	}
}
