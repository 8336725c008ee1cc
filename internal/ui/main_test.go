package ui_test

import (
	"os"
	"sync"
	"testing"

	"github.com/epic-events/crm/internal/ptytest"
)

// binDir holds the programs the pseudo-terminal tests build, once per run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ui-test-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var demo struct {
	once sync.Once
	path string
	err  error
}

// promptDemo returns testdata/promptdemo built, building it on first use so
// that running only the fast tests builds nothing.
func promptDemo(t *testing.T) string {
	t.Helper()
	demo.once.Do(func() { demo.path, demo.err = ptytest.Build(binDir, "./testdata/promptdemo") })
	if demo.err != nil {
		t.Fatal(demo.err)
	}
	return demo.path
}
