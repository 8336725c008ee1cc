//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// lockFile takes an exclusive flock(2) on the file at path, for what (a
// description of the database) waiting up to wait. The lock belongs to the
// open file, so two handles in one process exclude each other as two processes
// do. It tries without blocking, again and again until the wait ends: a
// blocked flock could be cut short by neither the wait nor ctx.
func lockFile(ctx context.Context, path string, wait time.Duration, what string) (release func(), err error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	pause := 5 * time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			// Closing the file releases its lock.
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("migrate: lock %s: %w", path, err)
		}
		if !time.Now().Before(deadline) {
			_ = f.Close()
			return nil, errMigrateWait(what, wait, "lock file "+path)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("migrate: lock %s: %w", path, ctx.Err())
		case <-time.After(min(pause, time.Until(deadline))):
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}
