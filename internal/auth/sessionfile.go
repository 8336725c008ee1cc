package auth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// maxSessionFileSize bounds what Load reads: a token is a few hundred bytes.
const maxSessionFileSize = 16 * 1024

// SessionFile keeps the token of the current login between commands. It holds a
// bearer credential, so it is written readable by its owner only, and refused
// when anyone else could read or change it.
type SessionFile struct {
	Path string
}

// Save writes token atomically: to a temporary file in the same directory
// (created 0600), synced, then renamed over Path. A reader never sees half a
// token, and a crash leaves the old one or the new one.
func (f SessionFile) Save(token string) (err error) {
	dir := filepath.Dir(f.Path)
	// MkdirAll's mode applies only to the directories it creates; an existing
	// directory (say /tmp for EPIC_SESSION_FILE=/tmp/s) is left as its owner set it.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".session-*")
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.WriteString(token); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if err = os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	// CreateTemp already made it 0600; the chmod states the intent whatever the platform's default.
	if err := os.Chmod(f.Path, 0o600); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the platform allows it; failing to is not
// worth failing a login over.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Load returns the saved token. No file (or an empty one) means not logged in;
// a file that group or others may read or write is refused, with the command that fixes it.
func (f SessionFile) Load() (string, error) {
	file, err := os.Open(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", notLoggedIn()
	}
	if err != nil {
		return "", fmt.Errorf("load session: %w", err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return "", fmt.Errorf("load session: %w", err)
	}
	if !info.Mode().IsRegular() {
		return "", domain.Errorf(domain.CodeUnauthenticated,
			"the session file %s is not a regular file: remove it and run `epicevents login`", f.Path)
	}
	// Windows has no such mode bits (Go reports 0666 for any writable file).
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return "", domain.Errorf(domain.CodeUnauthenticated,
			"the session file %s can be read or changed by other users, so it is not used: run `chmod 600 %s` (or log in again)", f.Path, shellQuote(f.Path))
	}
	b, err := io.ReadAll(io.LimitReader(file, maxSessionFileSize+1))
	if err != nil {
		return "", fmt.Errorf("load session: %w", err)
	}
	if len(b) > maxSessionFileSize {
		return "", domain.Errorf(domain.CodeUnauthenticated,
			"the session file %s is not a session: remove it and run `epicevents login`", f.Path)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", notLoggedIn()
	}
	return token, nil
}

// Remove deletes the session file; a file already gone is not an error.
func (f SessionFile) Remove() error {
	if err := os.Remove(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove session: %w", err)
	}
	return nil
}

func notLoggedIn() error {
	return &domain.Error{Code: domain.CodeUnauthenticated, Message: "not logged in: run `epicevents login`"}
}

// shellQuote quotes a path for a command the user is told to paste.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@%,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
