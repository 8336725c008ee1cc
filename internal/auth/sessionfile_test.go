package auth

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
)

const testToken = "header.payload.signature"

func wantUnauthenticated(t *testing.T, err error, contains string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeUnauthenticated {
		t.Fatalf("err = %v; want an unauthenticated *domain.Error", err)
	}
	if !strings.Contains(de.Message, contains) {
		t.Fatalf("message %q does not say %q", de.Message, contains)
	}
}

func TestSessionFileSave(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes on Windows")
	}
	dir := filepath.Join(t.TempDir(), "config", "epicevents")
	f := SessionFile{Path: filepath.Join(dir, "session")}

	t.Run("creates the file 0600 in a 0700 directory", func(t *testing.T) {
		if err := f.Save(testToken); err != nil {
			t.Fatalf("Save: %v", err)
		}
		assertMode(t, dir, 0o700)
		assertMode(t, f.Path, 0o600)
		got, err := f.Load()
		if err != nil || got != testToken {
			t.Fatalf("Load = %q, %v; want the saved token", got, err)
		}
	})
	t.Run("replaces a previous token and its loose mode", func(t *testing.T) {
		if err := os.Chmod(f.Path, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := f.Save("second.token.value"); err != nil {
			t.Fatalf("Save: %v", err)
		}
		assertMode(t, f.Path, 0o600)
		if got, err := f.Load(); err != nil || got != "second.token.value" {
			t.Fatalf("Load = %q, %v; want the second token", got, err)
		}
	})
	t.Run("leaves no temporary file behind", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Name() != "session" {
			t.Fatalf("directory holds %v; want only the session file", entries)
		}
	})
	t.Run("does not loosen or tighten an existing directory", func(t *testing.T) {
		shared := filepath.Join(t.TempDir(), "shared")
		if err := os.Mkdir(shared, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(shared, 0o755); err != nil {
			t.Fatal(err)
		}
		g := SessionFile{Path: filepath.Join(shared, "session")}
		if err := g.Save(testToken); err != nil {
			t.Fatal(err)
		}
		assertMode(t, shared, 0o755)
		assertMode(t, g.Path, 0o600)
	})
}

func TestSessionFileLoad(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes on Windows")
	}
	write := func(t *testing.T, content string, mode os.FileMode) SessionFile {
		t.Helper()
		path := filepath.Join(t.TempDir(), "my session")
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is filtered by the umask
			t.Fatal(err)
		}
		return SessionFile{Path: path}
	}

	t.Run("a missing file means not logged in", func(t *testing.T) {
		_, err := SessionFile{Path: filepath.Join(t.TempDir(), "session")}.Load()
		wantUnauthenticated(t, err, "not logged in: run `epicevents login`")
	})
	t.Run("an empty file means not logged in", func(t *testing.T) {
		_, err := write(t, "\n", 0o600).Load()
		wantUnauthenticated(t, err, "not logged in")
	})
	t.Run("a trailing newline is ignored", func(t *testing.T) {
		got, err := write(t, testToken+"\n", 0o600).Load()
		if err != nil || got != testToken {
			t.Fatalf("Load = %q, %v", got, err)
		}
	})
	for _, mode := range []os.FileMode{0o640, 0o604, 0o620, 0o602, 0o666} {
		t.Run("a file with mode "+mode.String()+" is refused with the fix", func(t *testing.T) {
			f := write(t, testToken, mode)
			got, err := f.Load()
			wantUnauthenticated(t, err, "run `chmod 600 '"+f.Path+"'`")
			if got != "" || strings.Contains(err.Error(), testToken) {
				t.Fatal("the token was returned or quoted")
			}
		})
	}
	t.Run("a directory is refused", func(t *testing.T) {
		_, err := SessionFile{Path: t.TempDir()}.Load()
		wantUnauthenticated(t, err, "not a regular file")
	})
	t.Run("an oversized file is refused", func(t *testing.T) {
		_, err := write(t, strings.Repeat("a", maxSessionFileSize+1), 0o600).Load()
		wantUnauthenticated(t, err, "is not a session")
	})
}

func TestSessionFileRemoveIsIdempotent(t *testing.T) {
	f := SessionFile{Path: filepath.Join(t.TempDir(), "session")}
	if err := f.Save(testToken); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := f.Remove(); err != nil {
			t.Fatalf("Remove #%d: %v", i+1, err)
		}
	}
	_, err := f.Load()
	wantUnauthenticated(t, err, "not logged in")
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/home/ann/.config/epicevents/session": "/home/ann/.config/epicevents/session",
		"/tmp/my session":                      "'/tmp/my session'",
		"/tmp/it's":                            `'/tmp/it'\''s'`,
		"~/session":                            "'~/session'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Fatalf("%s has mode %o, want %o", path, got, want)
	}
}
