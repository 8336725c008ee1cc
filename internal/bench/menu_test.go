package bench_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/ptytest"
	"github.com/epic-events/crm/seeds"
)

// BenchmarkMenuMemory opens the menus in a pseudo-terminal with a saved
// session (so no password is hashed in that process), opens the list of all
// customers, and reports the program's resident memory there (rss-MB) and its peak
// (maxrss-MB), read from /proc. One iteration is one launch.
func BenchmarkMenuMemory(b *testing.B) {
	program, _ := binaries(b)
	dir := b.TempDir()
	env := []string{"DB_DRIVER=sqlite", "DB_PATH=" + filepath.Join(dir, "epicevents.db"),
		"EPIC_SESSION_FILE=" + filepath.Join(dir, "session"), "SENTRY_DSN=", "APP_ENV=development"}
	run := func(stdin string, args ...string) {
		cmd := exec.Command(program, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("epicevents %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("", "db", "reset", "--yes")
	accounts, err := seeds.Accounts()
	if err != nil {
		b.Fatal(err)
	}
	run(seeds.DemoPassword+"\n", "login", "--email", accounts[0].Email, "--password-stdin")
	var rss, peak float64
	for range b.N {
		term := ptytest.Start(b, program, ptytest.Options{Env: env})
		term.WaitFor(b, "? Main menu", 20*time.Second)
		term.Press(ptytest.Enter) // Customers
		term.WaitFor(b, "All customers", 20*time.Second)
		term.Press(ptytest.Enter) // All customers: the first page of the list
		time.Sleep(time.Second)
		if testing.Verbose() && rss == 0 {
			b.Log(term.Screen())
		}
		pid := childRunning(b, program)
		now, hwm := procMemory(b, pid)
		rss, peak = max(rss, now), max(peak, hwm)
		term.Press(ptytest.CtrlD)
	}
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(peak, "maxrss-MB")
}

// childRunning finds the pid of this process's child running program.
func childRunning(b *testing.B, program string) int {
	b.Helper()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, f := range tasks {
		raw, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(raw)) {
			pid, _ := strconv.Atoi(field)
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe == program {
				return pid
			}
		}
	}
	b.Fatal("the program is not running")
	return 0
}

// procMemory reads VmRSS and VmHWM (MB) from /proc/pid/status.
func procMemory(b *testing.B, pid int) (rss, hwm float64) {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var kb float64
		switch {
		case strings.HasPrefix(s.Text(), "VmRSS:"):
			fmt.Sscan(strings.TrimPrefix(s.Text(), "VmRSS:"), &kb)
			rss = kb / 1024
		case strings.HasPrefix(s.Text(), "VmHWM:"):
			fmt.Sscan(strings.TrimPrefix(s.Text(), "VmHWM:"), &kb)
			hwm = kb / 1024
		}
	}
	return rss, hwm
}
