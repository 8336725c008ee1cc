// Package bench holds the performance benchmarks of the CRM (`make bench`):
// every list and filter at its first page and at page 5 000, detail views,
// saves with their audit row, the per-command session check, login, start-up
// of the built binary, demo reset and seed, and the scale generator's
// throughput. Each pairs the program's operation with the equivalent
// hand-written database/sql work on the same database in the same run and
// reports the ratio (x-raw), on SQLite and, when EPIC_TEST_MYSQL_DSN is set,
// on MariaDB.
//
// It has no code outside its tests: benchmarks never run in `make test`
// (go test skips Benchmark functions without -bench), and their data sets are
// built inside them. EPIC_BENCH_SCALE sets the number of customers (10 events
// each); BENCHMARKS.md records the figures and how to reproduce them.
package bench
