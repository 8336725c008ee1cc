//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import (
	"context"
	"time"
)

// lockFile does NOT lock on this platform, which has no flock(2): two
// processes migrating a new SQLite file at the same moment may race here (the
// loser fails, and succeeds when run again). It only opens the lock file, so
// that a directory the program may not write to fails alike everywhere.
func lockFile(_ context.Context, path string, _ time.Duration, _ string) (release func(), err error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	return func() { _ = f.Close() }, nil
}
