package ptytest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// lineecho is testdata/lineecho, built once for the whole run.
var lineecho string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ptytest-")
	if err != nil {
		panic(err)
	}
	lineecho, err = Build(dir, "./testdata/lineecho")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// wait bounds every wait; it is never a measure of speed.
const wait = 10 * time.Second

func TestStart(t *testing.T) {
	t.Parallel()
	t.Run("passes arguments and environment on a terminal of the given size", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{Args: []string{"a b", "c"}, Env: []string{"GREETING=hello"}, Cols: 100, Rows: 40})
		term.WaitFor(t, `ready hello ["a b" "c"] 100x40 tty=true`, wait)
	})
	t.Run("the default size is 80x30", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "80x30", wait)
	})
}

func TestTheTestsEnvironmentIsNotInherited(t *testing.T) {
	t.Setenv("GREETING", "leaked")
	term := Start(t, lineecho, Options{})
	term.WaitFor(t, "ready  []", wait)
}

func TestKeys(t *testing.T) {
	t.Parallel()
	t.Run("typed text and enter reach the program", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Type("héllo wörld")
		term.Press(Enter)
		term.WaitFor(t, "you typed: héllo wörld", wait)
	})
	t.Run("ctrl+d ends the input", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Press(CtrlD)
		term.WaitFor(t, "end of input", wait)
		if code := term.Wait(t, wait); code != 3 {
			t.Fatalf("exit code %d, want 3", code)
		}
	})
	t.Run("ctrl+c interrupts a program that does not catch it", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Press(CtrlC)
		if code := term.Wait(t, wait); code != -1 {
			t.Fatalf("exit code %d, want -1 (killed by SIGINT)", code)
		}
	})
	t.Run("backspace edits the line", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Type("abcx")
		term.Press(Backspace, Enter)
		term.WaitFor(t, "you typed: abc", wait)
		if strings.Contains(term.Screen(), "you typed: abcx") {
			t.Fatalf("backspace did not delete:\n%s", term.Screen())
		}
	})
}

func TestScreen(t *testing.T) {
	t.Parallel()
	t.Run("characters split between reads are drawn whole", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Type("accents")
		term.Press(Enter)
		term.WaitFor(t, "end of accents", wait)
		if n := strings.Count(term.Screen(), "é"); n != 2100 {
			t.Fatalf("%d é on the screen, want 2100:\n%s", n, term.Screen())
		}
	})
	t.Run("the exit code and the last screen survive the program", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Type("exit 7")
		term.Press(Enter)
		if code := term.Wait(t, wait); code != 7 {
			t.Fatalf("exit code %d, want 7", code)
		}
		if !strings.Contains(term.Screen(), "exiting") {
			t.Fatalf("the last output is missing:\n%s", term.Screen())
		}
		if !strings.Contains(term.Output(), "exiting\r\n") {
			t.Fatalf("the raw output is missing: %q", term.Output())
		}
	})
}

// fatalT records a failure instead of stopping, so that a test can check
// that the harness does fail a test.
type fatalT struct {
	testing.TB
	failed string
}

func (f *fatalT) Helper() {}
func (f *fatalT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

func TestWaitingFails(t *testing.T) {
	t.Parallel()
	t.Run("when the text never comes, showing the screen", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		ft := &fatalT{TB: t}
		term.WaitFor(ft, "never printed", 50*time.Millisecond)
		if !strings.Contains(ft.failed, "never printed") || !strings.Contains(ft.failed, "|ready") {
			t.Fatalf("failure = %q, want the text and the screen", ft.failed)
		}
	})
	t.Run("at once when the program has exited", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		term.Press(CtrlD)
		term.Wait(t, wait)
		ft := &fatalT{TB: t}
		term.WaitFor(ft, "never printed", time.Hour)
		if !strings.Contains(ft.failed, "exited") {
			t.Fatalf("failure = %q, want it to say the program exited", ft.failed)
		}
	})
	t.Run("when the text does not leave", func(t *testing.T) {
		t.Parallel()
		term := Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
		ft := &fatalT{TB: t}
		term.WaitForGone(ft, "ready", 50*time.Millisecond)
		if ft.failed == "" {
			t.Fatal("no failure")
		}
	})
}

func TestCleanupKillsTheProgram(t *testing.T) {
	var term *Term
	t.Run("a test that leaves its program running", func(t *testing.T) {
		term = Start(t, lineecho, Options{})
		term.WaitFor(t, "ready", wait)
	})
	select {
	case <-term.exited:
	default:
		t.Fatal("the program is still running after its test ended")
	}
}
