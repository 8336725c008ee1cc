package bench_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// envStartupProgram names a binary BenchmarkStartup measures instead of the
// one `make build` makes: a variant built elsewhere, to weigh a change.
const envStartupProgram = "EPIC_BENCH_STARTUP_PROGRAM"

// binaries builds the program as `make build` does (or takes the one
// envStartupProgram names) and a Go hello-world, once per run, with the same
// toolchain and no cgo, then installs each by copying it as install(1) does
// in a deployment. The copy matters: a file just written by the linker
// (through a memory map) started 1.5 to 4 ms slower than the same bytes
// copied, on this machine, whatever the order of the runs.
func binaries(b *testing.B) (program, hello string) {
	b.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "epicevents-bench-bin")
		if buildErr != nil {
			return
		}
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		built := filepath.Join(buildDir, "epicevents.built")
		if variant := os.Getenv(envStartupProgram); variant != "" {
			built = variant
		} else if out, err := exec.Command("make", "-s", "-C", root, "build", "BINARY="+built).CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build epicevents: %v\n%s", err, out)
			return
		}
		src := filepath.Join(buildDir, "hello")
		if err := os.MkdirAll(src, 0o755); err != nil {
			buildErr = err
			return
		}
		_ = os.WriteFile(filepath.Join(src, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644)
		_ = os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n"), 0o644)
		hello := exec.Command("go", "build", "-C", src, "-o", filepath.Join(buildDir, "hello-world.built"), ".")
		hello.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := hello.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build hello-world: %v\n%s", err, out)
			return
		}
		if buildErr = install(built, filepath.Join(buildDir, "epicevents")); buildErr != nil {
			return
		}
		buildErr = install(filepath.Join(buildDir, "hello-world.built"), filepath.Join(buildDir, "hello-world"))
		// The linker's files are not needed any more (30 MB each run).
		_ = os.Remove(filepath.Join(buildDir, "epicevents.built"))
		_ = os.Remove(filepath.Join(buildDir, "hello-world.built"))
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "epicevents"), filepath.Join(buildDir, "hello-world")
}

// install copies the executable from to a new file to.
func install(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("install %s: %w", to, err)
	}
	return dst.Close()
}

// firstOutput starts the command and returns the time until its first byte of
// output (stdout or stderr), having waited for it to exit, and the output.
func firstOutput(b *testing.B, cmd *exec.Cmd, stdin string) (time.Duration, string) {
	b.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr, cmd.Stdin = w, w, strings.NewReader(stdin)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w.Close()
	first := make([]byte, 1)
	var took time.Duration
	if _, err := r.Read(first); err == nil {
		took = time.Since(began)
	}
	rest, _ := io.ReadAll(r)
	r.Close()
	_ = cmd.Wait()
	if took == 0 {
		b.Fatalf("%s printed nothing", cmd)
	}
	return took, string(first) + string(rest)
}

// BenchmarkStartup runs the built binary beside a Go hello-world, each pair
// in the same loop: --version (the process alone) and whoami with a valid
// session on the SQLite demo database (settings, database, session check,
// output: what every scriptable command pays before its work), both to their
// first output on a pipe; and login-prompt, what the target names:
// the plain launch in a pseudo-terminal on the seeded demo database with no
// saved session, until the email prompt is written (the hello-world to its
// line on a pseudo-terminal too), with the program's peak resident memory
// then. A child's ru_maxrss is no measure here: os/exec starts it with vfork,
// so it counts the memory of this benchmark's process, which the child shares
// until it execs (a hello-world shows 18 MB). Times are medians (overHello).
func BenchmarkStartup(b *testing.B) {
	program, hello := binaries(b)
	dir := b.TempDir()
	env := append(os.Environ(), "DB_DRIVER=sqlite", "DB_PATH="+filepath.Join(dir, "epicevents.db"),
		"EPIC_SESSION_FILE="+filepath.Join(dir, "session"), "SENTRY_DSN=", "APP_ENV=development")
	run := func(stdin string, args ...string) string {
		cmd := exec.Command(program, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("epicevents %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("", "db", "reset", "--yes")
	accounts, err := seeds.Accounts()
	if err != nil {
		b.Fatal(err)
	}
	run(seeds.DemoPassword+"\n", "login", "--email", accounts[0].Email, "--password-stdin")
	b.Run("login-prompt", func(b *testing.B) {
		// Its own session file, never written: the launch must ask who logs in.
		env := append(env[:len(env):len(env)], "EPIC_SESSION_FILE="+filepath.Join(dir, "no-session"), "NO_COLOR=1")
		var pairs overHello
		var peak float64
		for range b.N {
			took, hwm := untilOnTerminal(b, program, env, "Email")
			peak = max(peak, hwm)
			helloTook, _ := untilOnTerminal(b, hello, env, "hello, world")
			pairs.add(took, helloTook)
		}
		pairs.report(b)
		b.ReportMetric(peak, "maxrss-MB")
	})
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"version", []string{"--version"}},
		{"whoami", []string{"whoami"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var pairs overHello
			for range b.N {
				cmd := exec.Command(program, tc.args...)
				cmd.Env = env
				took, out := firstOutput(b, cmd, "")
				if tc.name == "whoami" && !strings.Contains(out, accounts[0].Email) {
					b.Fatalf("whoami: %s", out)
				}
				helloTook, _ := firstOutput(b, exec.Command(hello), "")
				pairs.add(took, helloTook)
			}
			pairs.report(b)
		})
	}
}

// overHello collects the program's times beside the hello-world's, run by
// run. It reports medians, of each and of the difference within each pair:
// on a machine shared with other work a few runs stall for tens of
// milliseconds, which would move a mean more than any change to the program.
type overHello struct{ ours, hello, diff []float64 }

func (o *overHello) add(ours, hello time.Duration) {
	o.ours = append(o.ours, float64(ours.Nanoseconds()))
	o.hello = append(o.hello, float64(hello.Nanoseconds()))
	o.diff = append(o.diff, float64((ours - hello).Nanoseconds()))
}

func (o *overHello) report(b *testing.B) {
	b.ReportMetric(median(o.ours), "ns/op")
	b.ReportMetric(median(o.hello), "hello-ns/op")
	b.ReportMetric(median(o.diff)/1e6, "ms-over-hello")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// untilOnTerminal starts bin in a new pseudo-terminal and returns the time
// until it has written want and its peak resident memory (MB) then, read from
// /proc (0 when it has already exited); then it ends it (a prompt waits for
// ever). The raw bytes are searched, not a rendered screen: a screen read
// every few milliseconds would add its period to the figure.
func untilOnTerminal(b *testing.B, bin string, env []string, want string) (time.Duration, float64) {
	b.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	began := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 30})
	if err != nil {
		b.Fatal(err)
	}
	var seen []byte
	var took time.Duration
	buf := make([]byte, 4096)
	for took == 0 {
		n, err := f.Read(buf)
		seen = append(seen, buf[:n]...)
		if bytes.Contains(seen, []byte(want)) {
			took = time.Since(began)
		} else if err != nil {
			break // EIO: the program exited without writing it
		}
	}
	var hwm float64
	if took > 0 {
		_, hwm = procMemory(b, cmd.Process.Pid)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	f.Close()
	if took == 0 {
		b.Fatalf("%s never wrote %q:\n%s", bin, want, seen)
	}
	return took, hwm
}

// BenchmarkSeedBinary runs `epicevents db seed --scale N` (N from
// EPIC_BENCH_SEED_SCALE, default EPIC_BENCH_SCALE) as a process on an empty
// database and reports its wall time, throughput and peak resident memory.
func BenchmarkSeedBinary(b *testing.B) {
	program, _ := binaries(b)
	n := envInt(b, envSeedScale, benchScale(b))
	for _, driver := range drivers() {
		b.Run(fmt.Sprintf("%s/N=%d", driver, n), func(b *testing.B) {
			dir := b.TempDir()
			env := append(os.Environ(), "DB_DRIVER="+driver, "SENTRY_DSN=", "APP_ENV=development")
			if driver == store.DriverSQLite {
				env = append(env, "DB_PATH="+filepath.Join(dir, "seed.db"))
			} else {
				db := freshDB(b, driver, "epic_bench_seedbin") // creates it; the binary connects on its own
				_ = db
				dsn, err := mysqlEnv()
				if err != nil {
					b.Fatal(err)
				}
				env = append(env, dsn...)
				env = append(env, "DB_NAME=epic_bench_seedbin")
			}
			var wall time.Duration
			var rss float64
			for range b.N {
				reset := exec.Command(program, "db", "reset", "--yes")
				reset.Env = env
				if out, err := reset.CombinedOutput(); err != nil {
					b.Fatalf("reset: %v\n%s", err, out)
				}
				cmd := exec.Command(program, "db", "seed", "--scale", fmt.Sprint(n))
				cmd.Env = env
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				began := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				peak := watchPeak(cmd.Process.Pid)
				err := cmd.Wait()
				wall += time.Since(began)
				if err != nil {
					b.Fatalf("seed: %v\n%s", err, out.String())
				}
				rss = max(rss, peak())
				if b.N == 1 {
					b.Log(strings.TrimSpace(out.String()))
				}
			}
			b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N), "ns/op")
			b.ReportMetric(rss, "maxrss-MB")
		})
	}
}

// watchPeak samples the peak resident memory (VmHWM, MB) of the running
// process pid every 10 ms until the returned function is called, after the
// process ended, and returns the last sample. The child's ru_maxrss would
// not do: os/exec starts it with vfork, and the kernel carries this
// process's own peak into the child's at exec. The peak only grows, so the
// last sample misses at most the final 10 ms.
func watchPeak(pid int) func() float64 {
	var (
		peak float64
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if hwm, ok := peakOf(pid); ok {
				peak = max(peak, hwm)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		return peak
	}
}

// peakOf reads VmHWM (MB) of a live process; ok is false once it has exited.
func peakOf(pid int) (mb float64, ok bool) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if v, found := strings.CutPrefix(line, "VmHWM:"); found {
			var kb float64
			if _, err := fmt.Sscan(v, &kb); err == nil {
				return kb / 1024, true
			}
		}
	}
	return 0, false
}

// mysqlEnv turns EPIC_TEST_MYSQL_DSN into the program's DB_* settings.
func mysqlEnv() ([]string, error) {
	dsn := os.Getenv(storetest.EnvMySQLDSN)
	at := strings.LastIndex(dsn, "@tcp(")
	if at < 0 {
		return nil, fmt.Errorf("%s: want user:password@tcp(host:port)/", storetest.EnvMySQLDSN)
	}
	user, pass, _ := strings.Cut(dsn[:at], ":")
	addr := strings.TrimSuffix(strings.SplitN(dsn[at+len("@tcp("):], ")", 2)[0], ")")
	host, port, _ := strings.Cut(addr, ":")
	return []string{"DB_DRIVER=mysql", "DB_HOST=" + host, "DB_PORT=" + port, "DB_USER=" + user, "DB_PASS=" + pass}, nil
}
