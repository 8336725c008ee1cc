package store_test

// Database faults: a MariaDB server that goes away in the middle of a session
// (a TCP proxy in front of the shared server is cut, the server itself keeps
// running for everyone else) and an SQLite file that is read-only, locked by
// another connection, or damaged. Each gives the user a clear *domain.Error,
// writes nothing half-way, never panics, and the same *store.DB works again
// once the fault is gone.

import (
	"crypto/rand"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

const msgUnavailable = "the database is unavailable; try again"

// captureStderr runs fn with the process's stderr sent to a pipe and returns
// what was written there: the MySQL driver must log nothing of its own.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() {
		os.Stderr = saved
		_ = w.Close()
	}()
	fn()
	os.Stderr = saved
	_ = w.Close()
	return <-done
}

func TestServerGoneMidSessionIsUnavailableAndTheSameDBRecovers(t *testing.T) {
	direct, db, proxy := storetest.MySQLBehindProxy(t)
	if db == nil {
		t.Skip("no MySQL")
	}
	mustNil(t, db.SeedGrants(ctx, testGrants))
	u := newUser(t, db.Repos, domain.RoleSales, "Original Name")

	// Where in a transaction the server goes away: before any statement, after
	// one write and before the next, or after the last write, before COMMIT.
	points := []struct {
		name string
		fn   func(r *store.Repos, cut func()) error
	}{
		{"before the first statement", func(r *store.Repos, cut func()) error {
			cut()
			v, err := r.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			v.FullName = "Half Written"
			return r.UpdateUser(ctx, &v)
		}},
		{"between two writes", func(r *store.Repos, cut func()) error {
			v, err := r.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			v.FullName = "Half Written"
			if err := r.UpdateUser(ctx, &v); err != nil {
				return err
			}
			cut()
			c := domain.Customer{FullName: "Half Customer", Email: "half@example.com", Phone: "+33 6 00 00 00 00", SalesContactID: u.ID}
			return r.CreateCustomer(ctx, &c)
		}},
		{"after the last write, before the commit", func(r *store.Repos, cut func()) error {
			v, err := r.GetUser(ctx, u.ID)
			if err != nil {
				return err
			}
			v.FullName = "Half Written"
			if err := r.UpdateUser(ctx, &v); err != nil {
				return err
			}
			c := domain.Customer{FullName: "Half Customer", Email: "half@example.com", Phone: "+33 6 00 00 00 00", SalesContactID: u.ID}
			if err := r.CreateCustomer(ctx, &c); err != nil {
				return err
			}
			cut()
			return nil
		}},
	}
	faults := 0
	for _, pt := range points {
		t.Run("cut "+pt.name+": unavailable, nothing written, and back once restored", func(t *testing.T) {
			var txErr, whileDown error
			logged := captureStderr(t, func() {
				txErr = db.Tx(ctx, func(r *store.Repos) error { return pt.fn(r, proxy.Cut) })
				_, whileDown = db.GetUser(ctx, u.ID)
			})
			faults++
			for what, err := range map[string]error{"the transaction": txErr, "a read while down": whileDown} {
				de := wantCode(t, err, domain.CodeUnavailable)
				if de.Message != msgUnavailable {
					t.Errorf("%s: message %q, want %q", what, de.Message, msgUnavailable)
				}
			}
			if logged != "" {
				t.Errorf("the driver wrote to stderr on its own:\n%s", logged)
			}
			// Seen from a connection that never went down: nothing of the transaction.
			got, err := direct.GetUser(ctx, u.ID)
			mustNil(t, err)
			if got.FullName != "Original Name" || got.Version != u.Version {
				t.Fatalf("half of the transaction was written: %q v%d", got.FullName, got.Version)
			}
			counts, err := direct.Counts(ctx)
			mustNil(t, err)
			for _, c := range counts {
				if c.Table == "customers" && c.Rows != 0 {
					t.Fatalf("%d customers written by a transaction that failed", c.Rows)
				}
			}

			proxy.Restore()
			back, err := db.GetUser(ctx, u.ID)
			if err != nil {
				t.Fatalf("the same *store.DB after the server came back: %v", err)
			}
			renamed := back
			renamed.FullName = "Renamed After"
			if err := db.Tx(ctx, func(r *store.Repos) error { return r.UpdateUser(ctx, &renamed) }); err != nil {
				t.Fatalf("a write after the server came back: %v", err)
			}
			renamed.FullName = "Original Name" // put it back for the next point
			mustNil(t, db.UpdateUser(ctx, &renamed))
			u = renamed
		})
	}
	t.Logf("MariaDB faults injected: %d cuts mid-transaction, 0 half-written, %d recovered without reopening", faults, faults)
}

// sqliteFile makes a migrated SQLite file holding one collaborator, closed.
func sqliteFile(t *testing.T) (string, domain.Collaborator) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "epicevents.db")
	db, err := store.Open(ctx, store.Config{Driver: store.DriverSQLite, SQLitePath: path})
	mustNil(t, err)
	mustNil(t, db.Migrate(ctx))
	mustNil(t, db.SeedGrants(ctx, testGrants))
	u := newUser(t, db.Repos, domain.RoleSales, "File Owner")
	mustNil(t, db.Close())
	return path, u
}

// noPanic runs fn and fails t if it panics.
func noPanic(t *testing.T, what string, fn func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s panicked: %v", what, r)
		}
	}()
	return fn()
}

// wantClear checks that err tells the user what is wrong: a coded error that is
// not internal, whose message says mentions.
func wantClear(t *testing.T, err error, code domain.Code, mentions ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("got %v (code %s), want a %s *domain.Error", err, domain.ErrorCode(err), code)
	}
	for _, m := range mentions {
		if !strings.Contains(de.Message, m) {
			t.Errorf("message %q does not say %q", de.Message, m)
		}
	}
}

func TestSQLiteFileFaults(t *testing.T) {
	t.Run("a read-only file can be read, and a write says the file is read-only", func(t *testing.T) {
		path, u := sqliteFile(t)
		readOnly(t, path)
		db, err := store.Open(ctx, store.Config{Driver: store.DriverSQLite, SQLitePath: path})
		if err != nil {
			wantClear(t, err, domain.CodeUnavailable, "DB_PATH", "read-only")
			return
		}
		defer db.Close()
		got, err := db.GetUser(ctx, u.ID)
		if err != nil || got.FullName != "File Owner" {
			t.Fatalf("read from a read-only file: %+v, %v", got, err)
		}
		got.FullName = "Changed"
		err = noPanic(t, "a write", func() error { return db.Tx(ctx, func(r *store.Repos) error { return r.UpdateUser(ctx, &got) }) })
		wantClear(t, err, domain.CodeUnavailable, "read-only")
	})

	t.Run("a file locked by another writer: busy, then the next write works", func(t *testing.T) {
		path, u := sqliteFile(t)
		cfg := store.Config{Driver: store.DriverSQLite, SQLitePath: path}
		holder, err := store.Open(ctx, cfg)
		mustNil(t, err)
		defer holder.Close()
		db, err := store.Open(ctx, cfg)
		mustNil(t, err)
		defer db.Close()

		locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error)
		go func() {
			held <- holder.Tx(ctx, func(r *store.Repos) error {
				v, err := r.GetUser(ctx, u.ID)
				if err != nil {
					return err
				}
				v.FullName = "Holder"
				if err := r.UpdateUser(ctx, &v); err != nil {
					return err
				}
				close(locked)
				<-release
				return errors.New("roll back")
			})
		}()
		<-locked
		v, err := db.GetUser(ctx, u.ID)
		if err != nil || v.FullName != "File Owner" {
			t.Fatalf("a read while another holds the write lock: %+v, %v", v, err)
		}
		v.FullName = "Waited"
		err = noPanic(t, "a write", func() error { return db.Tx(ctx, func(r *store.Repos) error { return r.UpdateUser(ctx, &v) }) })
		wantClear(t, err, domain.CodeUnavailable, "busy", "try again")
		close(release)
		<-held
		if err := db.Tx(ctx, func(r *store.Repos) error { return r.UpdateUser(ctx, &v) }); err != nil {
			t.Fatalf("the write once the lock is gone: %v", err)
		}
	})

	damages := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"a file of random bytes", func(t *testing.T, path string) {
			b := make([]byte, 64*1024)
			_, _ = rand.Read(b)
			mustNil(t, os.WriteFile(path, b, 0o600))
		}},
		{"a file whose pages after the first are garbage", func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			mustNil(t, err)
			page := 4096
			if len(b) <= page {
				t.Fatalf("the database is only %d bytes", len(b))
			}
			_, _ = rand.Read(b[page:])
			mustNil(t, os.WriteFile(path, b, 0o600))
		}},
		{"a file whose page holding the collaborator is garbage", func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			mustNil(t, err)
			const page = 4096
			at := strings.Index(string(b[page:]), "File Owner")
			if at < 0 {
				t.Fatal("the collaborator's row is not past the first page")
			}
			start := (page + at) / page * page
			_, _ = rand.Read(b[start : start+page])
			mustNil(t, os.WriteFile(path, b, 0o600))
		}},
		{"a file cut in half", func(t *testing.T, path string) {
			info, err := os.Stat(path)
			mustNil(t, err)
			mustNil(t, os.Truncate(path, info.Size()/2))
		}},
		{"a file whose header is zeroed", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			mustNil(t, err)
			_, err = f.WriteAt(make([]byte, 100), 0)
			mustNil(t, err)
			mustNil(t, f.Close())
		}},
	}
	for _, d := range damages {
		t.Run(d.name+": a clear message, never a panic", func(t *testing.T) {
			path, u := sqliteFile(t)
			// Fold the write-ahead log into the file, so that the damage is all there is.
			for _, suffix := range []string{"-wal", "-shm"} {
				_ = os.Remove(path + suffix)
			}
			d.damage(t, path)
			db, err := noPanicOpen(t, path)
			if err != nil {
				wantClear(t, err, domain.CodeUnavailable, "DB_PATH")
				t.Logf("refused at open: %v", err)
				return
			}
			defer db.Close()
			calls := map[string]func() error{
				"migrate": func() error { return db.Migrate(ctx) },
				"a read":  func() error { _, err := db.GetUser(ctx, u.ID); return err },
				"a list": func() error {
					_, err := db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true})
					return err
				},
				"a write": func() error {
					return db.Tx(ctx, func(r *store.Repos) error {
						c := domain.Customer{FullName: "After Damage", Email: "after@example.com", Phone: "+33 6 00 00 00 00", SalesContactID: u.ID}
						return r.CreateCustomer(ctx, &c)
					})
				},
			}
			failed := 0
			for what, call := range calls {
				err := noPanic(t, what, call)
				if err == nil {
					continue
				}
				failed++
				t.Logf("%s: %v", what, err)
				wantClear(t, err, domain.CodeUnavailable, "damaged")
			}
			if failed == 0 {
				t.Fatal("every call on a damaged file succeeded")
			}
		})
	}
}

func noPanicOpen(t *testing.T, path string) (db *store.DB, err error) {
	t.Helper()
	err = noPanic(t, "Open", func() error {
		db, err = store.Open(ctx, store.Config{Driver: store.DriverSQLite, SQLitePath: path})
		return err
	})
	return db, err
}

// readOnly makes path read-only for this process: by its mode for an ordinary
// user; for root, whom modes do not stop, by the immutable attribute.
func readOnly(t *testing.T, path string) {
	t.Helper()
	mustNil(t, os.Chmod(path, 0o444))
	if os.Geteuid() != 0 {
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("running as root without chattr on this file system: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
}
