package app

// The menus end to end: the real binary in a pseudo-terminal, typed at, its
// screen read through a terminal emulator. The flows themselves are tested
// in package ui with a scripted prompter; here, that the program a person
// starts is those menus on a real terminal: keys, masking, screen, exit
// codes, and the terminal left as it was. Each start hashes a password at
// production cost, so there are few of them.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/ptytest"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

// screenWait bounds each wait for the screen (a login hashes at 64 MiB);
// it is never a measure of speed.
const screenWait = 30 * time.Second

var binary struct {
	once     sync.Once
	dir      string
	path, db string // the program, and a database it seeded with the demo data
	err      error
}

// epicevents builds the program and seeds one demo database, once per test
// binary, and returns the program and a copy of the database for t.
func ptyBinary(t *testing.T) (bin, dbPath string) {
	t.Helper()
	if testing.Short() {
		t.Skip("pseudo-terminal test of the built program")
	}
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "epicevents-pty-"); binary.err != nil {
			return
		}
		if binary.path, binary.err = ptytest.Build(binary.dir, "../../cmd/epicevents"); binary.err != nil {
			return
		}
		binary.db = filepath.Join(binary.dir, "demo.db")
		cmd := exec.Command(binary.path, "db", "seed")
		cmd.Dir = binary.dir
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + binary.dir, "DB_PATH=" + binary.db}
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = errors.New("epicevents db seed: " + err.Error() + "\n" + string(out))
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	data, err := os.ReadFile(binary.db)
	if err != nil {
		t.Fatal(err)
	}
	dbPath = filepath.Join(t.TempDir(), "epicevents.db")
	if err := os.WriteFile(dbPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return binary.path, dbPath
}

// startMenus starts `epicevents` on a fresh copy of the demo database, with
// a session file of its own, no colour, and waits for the login.
func ptyStart(t *testing.T) *ptytest.Term {
	t.Helper()
	term, _ := ptyStartOn(t)
	return term
}

// ptyStartOn is ptyStart, and returns the path of the program's database.
func ptyStartOn(t *testing.T) (*ptytest.Term, string) {
	t.Helper()
	bin, db := ptyBinary(t)
	dir := t.TempDir()
	term := ptytest.Start(t, bin, ptytest.Options{
		Dir: dir,
		Env: []string{"DB_PATH=" + db, "EPIC_SESSION_FILE=" + filepath.Join(dir, "session"), "NO_COLOR=1", "TZ=Europe/Paris"},
	})
	term.WaitFor(t, "✗ Email:", screenWait)
	return term, db
}

// logIn types an email and the demo password, and waits for the main menu.
// (A question being asked shows a mark, ✗ while its answer is not valid;
// one answered shows none: waiting for the mark never mistakes an earlier
// answer for the question.)
func ptyLogIn(t *testing.T, term *ptytest.Term, email string) {
	t.Helper()
	ptyLogInWith(t, term, email, seeds.DemoPassword)
}

func ptyLogInWith(t *testing.T, term *ptytest.Term, email, password string) {
	t.Helper()
	ptyTypeLogIn(t, term, email, password, "? Main menu")
}

// ptyTypeLogIn types the email and the password, and waits for next.
func ptyTypeLogIn(t *testing.T, term *ptytest.Term, email, password, next string) {
	t.Helper()
	term.WaitFor(t, "✗ Email:", screenWait)
	term.Type(email)
	term.Press(ptytest.Enter)
	term.WaitFor(t, "✗ Password:", screenWait)
	before := len(term.Output())
	term.Type(password)
	term.WaitFor(t, "Password: "+strings.Repeat("*", len([]rune(password))), screenWait)
	term.Press(ptytest.Enter)
	term.WaitFor(t, next, screenWait)
	// (The login screen's demo hint names the password: look after it.)
	if strings.Contains(term.Output()[before:], password) {
		t.Fatal("the password was echoed")
	}
}

// choose picks the item containing text in the Select on the screen, by
// searching for it ("/" then the text) and pressing Enter.
func ptyChoose(t *testing.T, term *ptytest.Term, text string) {
	t.Helper()
	term.Type("/")
	term.WaitFor(t, "Search:", screenWait)
	term.Type(text)
	term.WaitFor(t, "Search: "+text, screenWait)
	term.Press(ptytest.Enter)
}

// answer types text at the question whose mark and label are shown, and
// presses Enter.
func ptyAnswer(t *testing.T, term *ptytest.Term, question, text string) {
	t.Helper()
	term.WaitFor(t, question, screenWait)
	term.Type(text)
	term.Press(ptytest.Enter)
}

// back presses Ctrl+C at each menu in turn, waiting for the next.
func ptyBack(t *testing.T, term *ptytest.Term, menus ...string) {
	t.Helper()
	for _, m := range menus {
		term.Press(ptytest.CtrlC)
		term.WaitFor(t, m, screenWait)
	}
}

// logOut leaves the main menu through Log out, for the next login.
func ptyLogOut(t *testing.T, term *ptytest.Term) {
	t.Helper()
	term.WaitFor(t, "? Main menu", screenWait)
	ptyChoose(t, term, "Log out")
	term.WaitFor(t, "✗ Email:", screenWait)
}

// menu returns the part of the screen from the question being asked down.
func ptyMenu(term *ptytest.Term, question string) string {
	screen := term.Screen()
	return screen[max(0, strings.LastIndex(screen, question)):]
}

func TestMenusInAPseudoTerminal(t *testing.T) {
	t.Parallel()
	t.Run("sales log in, see what needs them, create a customer, find it, and ctrl+c their way out", func(t *testing.T) {
		t.Parallel()
		term := ptyStart(t)
		term.WaitFor(t, "Demo accounts", screenWait)
		ptyLogIn(t, term, "sales1@epicevents.test")
		term.WaitFor(t, "Logged in as Léa Fontaine · sales · sales1@epicevents.test", screenWait)
		term.WaitFor(t, "! 2 contracts of your customers unsigned: #2 Kevin Casey, #6", screenWait)
		if screen := term.Screen(); strings.Contains(screen, "Collaborators") || !strings.Contains(screen, "My account") {
			t.Fatalf("the sales main menu:\n%s", screen)
		}

		term.Press(ptytest.Enter) // Customers, the first entry
		term.WaitFor(t, "? Customers", screenWait)
		ptyChoose(t, term, "New customer")
		term.WaitFor(t, "✗ Full name:", screenWait)
		term.Type("Ada Lovelace")
		term.Press(ptytest.Enter)
		term.WaitFor(t, "✗ Email:", screenWait)
		term.Type("ada@")
		term.Press(ptytest.Enter)
		term.WaitFor(t, ">> Email must be an address such as name@example.com", screenWait)
		term.Type("example.com")
		term.Press(ptytest.Enter)
		term.WaitFor(t, "✗ Phone:", screenWait)
		term.Type("+44 20 7946 0000")
		term.Press(ptytest.Enter)
		term.WaitFor(t, "✔ Company (may be empty):", screenWait)
		term.Type("Analytical Engines")
		term.Press(ptytest.Enter)
		term.WaitFor(t, "✓ Customer Ada Lovelace created", screenWait)
		term.WaitFor(t, "? Customer Ada Lovelace", screenWait)
		term.Press(ptytest.CtrlC)

		term.WaitFor(t, "? Customers", screenWait)
		term.Press(ptytest.Enter) // All customers
		term.WaitFor(t, "? All customers · page 1", screenWait)
		ptyChoose(t, term, "Search")
		term.WaitFor(t, "✔ Search (empty for all):", screenWait)
		term.Type("lovelace")
		term.Press(ptytest.Enter)
		term.WaitFor(t, `? All customers matching "lovelace" · page 1`, screenWait)
		term.WaitFor(t, "Ada Lovelace", screenWait)
		term.Press(ptytest.Enter) // the one row
		term.WaitFor(t, "+44 20 7946 0000", screenWait)
		term.WaitFor(t, "? Customer Ada Lovelace", screenWait)

		for _, back := range []string{`? All customers matching "lovelace"`, "? Customers", "? Main menu"} {
			term.Press(ptytest.CtrlC)
			term.WaitFor(t, back, screenWait)
		}
		term.Press(ptytest.CtrlC) // at the main menu: quit
		if code := term.Wait(t, screenWait); code != 0 {
			t.Fatalf("exit code %d, want 0\n%s", code, term.Screen())
		}
		if !term.CursorVisible() {
			t.Error("the program left the cursor hidden")
		}
		if strings.Contains(term.Output(), "\a") {
			t.Error("the terminal bell rang")
		}
	})
	t.Run("support see no Collaborators entry, management do, and ctrl+d quits", func(t *testing.T) {
		t.Parallel()
		term := ptyStart(t)
		ptyLogIn(t, term, "support1@epicevents.test")
		term.WaitFor(t, "Logged in as Julien Moreau · support", screenWait)
		term.WaitFor(t, "! 1 event of yours in the next 7 days: Okafor Logistique staff evening", screenWait)
		if screen := term.Screen(); strings.Contains(screen, "Collaborators") || strings.Contains(screen, "Audit log") {
			t.Fatalf("support are offered management's entries:\n%s", screen)
		}
		ptyChoose(t, term, "Log out")
		term.WaitFor(t, "Logged out.", screenWait)
		ptyLogIn(t, term, "manager1@epicevents.test")
		term.WaitFor(t, "Collaborators", screenWait)
		term.WaitFor(t, "Audit log", screenWait)
		term.Press(ptytest.CtrlD)
		if code := term.Wait(t, screenWait); code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
		if !term.CursorVisible() {
			t.Error("the program left the cursor hidden")
		}
	})
	t.Run("from a new sales collaborator to the notes of their event, across the roles", func(t *testing.T) {
		t.Parallel()
		const nina, ninasPassword = "nina.petrova@epicevents.test", "nina's long password"
		const initialPassword = "the manager chose this one"
		paris, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			t.Skip("no time zone database")
		}
		day := time.Now().In(paris).AddDate(0, 1, 0).Format("2006-01-02")
		term := ptyStart(t)

		// A manager creates a sales collaborator.
		ptyLogIn(t, term, "manager1@epicevents.test")
		ptyChoose(t, term, "Collaborators")
		term.WaitFor(t, "? Collaborators", screenWait)
		ptyChoose(t, term, "New collaborator")
		ptyAnswer(t, term, "✗ Full name:", "Nina Petrova")
		ptyAnswer(t, term, "✗ Email (their login):", nina)
		term.WaitFor(t, "? Role", screenWait)
		term.Press(ptytest.Enter) // sales, the default
		ptyAnswer(t, term, "✔ Employee number (optional):", "")
		ptyAnswer(t, term, "✗ Initial password:", initialPassword)
		ptyAnswer(t, term, "✗ The same password again:", initialPassword)
		term.WaitFor(t, "can now log in as "+nina, screenWait)
		term.WaitFor(t, "? Collaborator Nina Petrova", screenWait)
		ptyBack(t, term, "? Collaborators", "? Main menu")
		ptyLogOut(t, term)

		// She chooses her own password first; she has no Collaborators entry,
		// and creates a customer.
		ptyTypeLogIn(t, term, nina, initialPassword, "Your password was set by a manager")
		ptyAnswer(t, term, "✗ New password:", ninasPassword)
		ptyAnswer(t, term, "✗ The same password again:", ninasPassword)
		term.WaitFor(t, "? Main menu", screenWait)
		if m := ptyMenu(term, "? Main menu"); strings.Contains(m, "Collaborators") || !strings.Contains(m, "Customers") {
			t.Fatalf("the sales main menu:\n%s", m)
		}
		ptyChoose(t, term, "Customers")
		term.WaitFor(t, "? Customers", screenWait)
		ptyChoose(t, term, "New customer")
		ptyAnswer(t, term, "✗ Full name:", "Zoe Martel")
		ptyAnswer(t, term, "✗ Email:", "zoe.martel@example.com")
		ptyAnswer(t, term, "✗ Phone:", "+33 6 10 20 30 40")
		ptyAnswer(t, term, "✔ Company (may be empty):", "Martel Events")
		term.WaitFor(t, "? Customer Zoe Martel", screenWait)
		ptyBack(t, term, "? Customers")
		ptyChoose(t, term, "My customers")
		term.WaitFor(t, "? My customers · page 1", screenWait)
		if m := ptyMenu(term, "? My customers"); !strings.Contains(m, "Zoe Martel") {
			t.Fatalf("her customers:\n%s", m)
		}
		ptyBack(t, term, "? Customers", "? Main menu")
		ptyLogOut(t, term)

		// A manager drafts a contract for the customer, picked from a list, and signs it.
		ptyLogIn(t, term, "manager1@epicevents.test")
		ptyChoose(t, term, "Contracts")
		term.WaitFor(t, "? Contracts", screenWait)
		ptyChoose(t, term, "New contract")
		term.WaitFor(t, "? Choose the customer of the new contract · page 1", screenWait)
		ptyChoose(t, term, "Search")
		ptyAnswer(t, term, "✔ Search (empty for all):", "Martel")
		term.WaitFor(t, `? Choose the customer of the new contract matching "Martel"`, screenWait)
		term.Press(ptytest.Enter) // the one customer
		ptyAnswer(t, term, "✗ Total amount (€):", "3 000")
		term.WaitFor(t, "? Contract #", screenWait)
		ptyChoose(t, term, "Sign")
		term.WaitFor(t, "Signing cannot be undone.", screenWait)
		term.Press(ptytest.Down, ptytest.Enter) // Yes
		term.WaitFor(t, "✓ Contract #", screenWait)
		term.WaitFor(t, " signed on ", screenWait)
		ptyBack(t, term, "? Contracts", "? Main menu")
		ptyLogOut(t, term)

		// The sales collaborator plans an event on the signed contract.
		ptyLogInWith(t, term, nina, ninasPassword)
		ptyChoose(t, term, "Events")
		term.WaitFor(t, "? Events", screenWait)
		ptyChoose(t, term, "New event")
		term.WaitFor(t, "? Choose the signed contract of the new event · page 1", screenWait)
		term.Press(ptytest.Enter) // her one signed contract
		ptyAnswer(t, term, "✗ Event name:", "Martel launch party")
		ptyAnswer(t, term, "✗ Starts (YYYY-MM-DD HH:MM):", day+" 18:00")
		ptyAnswer(t, term, "✗ Ends (YYYY-MM-DD HH:MM):", day+" 23:00")
		ptyAnswer(t, term, "✗ Location:", "Quai de la Gare, Paris")
		ptyAnswer(t, term, "✔ Attendees:", "80")
		ptyAnswer(t, term, "✔ Notes (may be empty):", "")
		term.WaitFor(t, "✓ Event Martel launch party created", screenWait)
		term.WaitFor(t, "? Event Martel launch party", screenWait)
		ptyBack(t, term, "? Events", "? Main menu")
		ptyLogOut(t, term)

		// A manager assigns support.
		ptyLogIn(t, term, "manager1@epicevents.test")
		ptyChoose(t, term, "Events")
		term.WaitFor(t, "? Events", screenWait)
		ptyChoose(t, term, "Upcoming without support")
		term.WaitFor(t, "? Upcoming without support · page 1", screenWait)
		ptyChoose(t, term, "Martel launch")
		term.WaitFor(t, "? Event Martel launch party", screenWait)
		ptyChoose(t, term, "Assign support")
		term.WaitFor(t, "? Choose the support contact of Martel launch party", screenWait)
		ptyChoose(t, term, "Julien Moreau")
		term.WaitFor(t, "✓ Julien Moreau now supports Martel launch party.", screenWait)
		term.WaitFor(t, "? Event Martel launch party", screenWait)
		ptyBack(t, term, "? Upcoming without support", "? Events", "? Main menu")
		ptyLogOut(t, term)

		// The support collaborator finds it among theirs and updates its notes.
		ptyLogIn(t, term, "support1@epicevents.test")
		ptyChoose(t, term, "Events")
		term.WaitFor(t, "? Events", screenWait)
		ptyChoose(t, term, "My upcoming events")
		term.WaitFor(t, "? My upcoming events · page 1", screenWait)
		ptyChoose(t, term, "Martel launch")
		term.WaitFor(t, "? Event Martel launch party", screenWait)
		ptyChoose(t, term, "Update the event")
		for _, kept := range []string{"✔ Event name:", "✔ Starts", "✔ Ends", "✔ Location:", "✔ Attendees:"} {
			ptyAnswer(t, term, kept, "") // Enter keeps the current value
		}
		ptyAnswer(t, term, "✔ Notes (may be empty):", "Badges at the door.")
		term.WaitFor(t, "✓ Event updated.", screenWait)
		term.WaitFor(t, "Badges at the door.", screenWait)
		term.WaitFor(t, "? Event Martel launch party", screenWait)
		ptyBack(t, term, "? My upcoming events", "? Events")
		term.Press(ptytest.CtrlD)
		if code := term.Wait(t, screenWait); code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
		if !term.CursorVisible() {
			t.Error("the program left the cursor hidden")
		}
	})
	t.Run("ctrl+c during a slow save cancels the save, writes nothing, and the menus go on", func(t *testing.T) {
		t.Parallel()
		term, dbPath := ptyStartOn(t)
		ptyLogIn(t, term, "sales1@epicevents.test")
		ptyChoose(t, term, "Customers")
		term.WaitFor(t, "? Customers", screenWait)
		ptyChoose(t, term, "New customer")
		ptyAnswer(t, term, "✗ Full name:", "Ada Lovelace")
		ptyAnswer(t, term, "✗ Email:", "ada@example.com")
		ptyAnswer(t, term, "✗ Phone:", "+44 20 7946 0000")
		term.WaitFor(t, "✔ Company (may be empty):", screenWait)

		// Another program holds the database's write lock: the save waits.
		unlock := holdWriteLock(t, dbPath)
		db := openSQLite(t, dbPath) // to look (the locking one's only connection is taken)
		before := tableRows(t, db)
		term.Type("Analytical Engines")
		term.Press(ptytest.Enter)
		// Answered: no prompt is open, the terminal is not raw, and Ctrl+C is
		// a SIGINT.
		term.WaitForGone(t, "✔ Company", screenWait)
		term.Press(ptytest.CtrlC)
		term.WaitFor(t, "✗ Cancelled: nothing more was done.", screenWait)
		term.WaitFor(t, "? Customers", screenWait)
		unlock()

		after := tableRows(t, db)
		for _, table := range []string{"customers", "audit_log"} {
			if after[table] != before[table] {
				t.Errorf("%s: %d rows before the cancelled save, %d after", table, before[table], after[table])
			}
		}
		if screen := term.Screen(); strings.Contains(screen, "interrupted") || strings.Contains(screen, "^C") {
			t.Errorf("the program was interrupted, or left the echoed ^C:\n%s", screen)
		}
		// The menus go on; Ctrl+C at a prompt goes back, and at the main menu quits.
		ptyBack(t, term, "? Main menu")
		term.Press(ptytest.CtrlC)
		if code := term.Wait(t, screenWait); code != 0 {
			t.Fatalf("exit code %d, want 0\n%s", code, term.Screen())
		}
		if !term.CursorVisible() {
			t.Error("the program left the cursor hidden")
		}
	})
	t.Run("without a terminal the menus refuse at once with exit 2", func(t *testing.T) {
		t.Parallel()
		bin, db := ptyBinary(t)
		cmd := exec.Command(bin)
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir, "DB_PATH=" + db}
		cmd.Stdin = strings.NewReader("sales1@epicevents.test\n")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != ExitUsage {
			t.Fatalf("exit %v, want %d; stderr: %s", err, ExitUsage, stderr.String())
		}
		if !strings.Contains(stderr.String(), "the menus need a terminal") || !strings.Contains(stderr.String(), "epicevents --help") {
			t.Errorf("stderr: %s", stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout: %s", stdout.String())
		}
	})
}

var errRollback = errors.New("rolled back on purpose")

func openSQLite(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{Driver: store.DriverSQLite, SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// holdWriteLock opens the SQLite database at path as another program would,
// and holds its write lock until unlock is called.
func holdWriteLock(t *testing.T, path string) (unlock func()) {
	t.Helper()
	ctx := context.Background()
	db := openSQLite(t, path)
	locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Tx(ctx, func(r *store.Repos) error {
			if _, err := r.PutSettingIfAbsent(ctx, "test.write_lock", "held"); err != nil {
				return err
			}
			close(locked)
			<-release
			return errRollback
		})
	}()
	select {
	case <-locked:
	case err := <-done:
		t.Fatalf("take the write lock: %v", err)
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			close(release)
			if err := <-done; !errors.Is(err, errRollback) {
				t.Errorf("the lock's transaction: %v", err)
			}
		})
	}
	t.Cleanup(unlock)
	return unlock
}

func tableRows(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	counts, err := db.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range counts {
		out[c.Table] = c.Rows
	}
	return out
}

// SignalContext is how main hands Ctrl+C and SIGTERM to the program. The
// signals are sent to this very process, one at a time, while it listens.
func TestSignalContext(t *testing.T) {
	raise := func(t *testing.T, sig syscall.Signal) {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
	}
	cancelled := func(t *testing.T, ctx context.Context) {
		t.Helper()
		select {
		case <-ctx.Done():
		case <-time.After(screenWait):
			t.Fatal("the context was not cancelled")
		}
	}
	t.Run("SIGINT stops a command", func(t *testing.T) {
		ctx, stop := SignalContext(context.Background())
		defer stop()
		raise(t, syscall.SIGINT)
		cancelled(t, ctx)
	})
	t.Run("while the menus hold SIGINT it reaches them only; SIGTERM still stops", func(t *testing.T) {
		ctx, stop := SignalContext(context.Background())
		defer stop()
		in, ok := ctx.Value(interruptsKey{}).(*interrupts)
		if !ok {
			t.Fatal("the context carries nothing the menus can take SIGINT from")
		}
		got := make(chan struct{}, 1)
		release := in.divert(func() { got <- struct{}{} })
		defer release()
		raise(t, syscall.SIGINT)
		select {
		case <-got:
		case <-time.After(screenWait):
			t.Fatal("the menus did not get the SIGINT")
		}
		if ctx.Err() != nil {
			t.Fatal("a SIGINT the menus held stopped the program")
		}
		raise(t, syscall.SIGTERM)
		cancelled(t, ctx)
	})
	t.Run("once the menus let go, SIGINT stops again", func(t *testing.T) {
		ctx, stop := SignalContext(context.Background())
		defer stop()
		in := ctx.Value(interruptsKey{}).(*interrupts)
		in.divert(func() { t.Error("a released handler got the SIGINT") })()
		raise(t, syscall.SIGINT)
		cancelled(t, ctx)
	})
}
