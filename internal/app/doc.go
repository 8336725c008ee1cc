// Package app owns the program's wiring and its command tree (cobra): it reads
// the settings, opens and prepares the database, and runs what was asked —
// the plain launch, --reset, and the db migrate / reset / seed commands. It
// also owns the edge of error handling: one line per error on stderr, the exit
// codes of exit.go, and recovery from panics.
//
// Nothing imports app. Everything it talks to (arguments, standard streams,
// environment, clock, terminal detection, hashing costs) is passed in, so a
// test runs the whole program in-process.
package app
