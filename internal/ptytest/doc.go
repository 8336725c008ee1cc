// Package ptytest drives a real program in a pseudo-terminal for end-to-end
// tests: it builds the binary, starts it on a pty of a given size with a
// given environment, types keys, and reads the screen as a user would see it
// through a terminal emulator (vt10x), so tests assert on rendered text rather
// than on escape sequences.
//
// It is test support only: nothing but _test.go files imports it.
package ptytest
