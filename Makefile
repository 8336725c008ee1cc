# Epic Events CRM. `make` alone lists the targets.

BINARY  := bin/epicevents
TESTFLAGS ?=
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/epic-events/crm/internal/app.version=$(VERSION)

.DEFAULT_GOAL := help
.PHONY: help build run test test-mysql lint reset

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/epicevents (version from git describe; static: no cgo, as deployed)
	CGO_ENABLED=0 go build -ldflags "$(LDFLAGS)" -o $(BINARY) ./cmd/epicevents

run: build ## build, then launch on the database of the settings (SQLite epicevents.db by default)
	./$(BINARY)

test: ## run every test, with the race detector (MariaDB tests too when EPIC_TEST_MYSQL_DSN is set)
	go test -race $(TESTFLAGS) ./...

test-mysql: ## bring up a local MariaDB with a test account, then run every test on it too
	@dsn="$$(scripts/mariadb-up.sh)" && \
		EPIC_TEST_MYSQL_DSN="$$dsn" EPIC_REQUIRE_MYSQL=1 go test -race $(TESTFLAGS) ./...

lint: ## gofmt check (fails when a file needs formatting) and go vet
	@files="$$(gofmt -l .)"; \
		if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi
	go vet ./...

reset: build ## build, then erase the database and seed the demo data (no question asked)
	./$(BINARY) db reset --yes

.PHONY: cluster-up cluster-down
cluster-up: ## start a 3-node MariaDB Galera cluster on 127.0.0.1:4406-4408 (scripts/galera-up.sh)
	@scripts/galera-up.sh >/dev/null

cluster-down: ## stop the Galera cluster and erase its data (scripts/galera-down.sh)
	@scripts/galera-down.sh

FUZZTIME ?= 10s

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (10s; e.g. FUZZTIME=1m); a crasher is saved under testdata/fuzz
	@set -e; for pkg in $$(go list ./...); do \
		targets="$$(go test -list '^Fuzz' "$$pkg")"; \
		for target in $$(echo "$$targets" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			go test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done

.PHONY: bench
BENCHFLAGS ?= -benchtime 1s
bench: ## run the benchmarks (EPIC_BENCH_SCALE customers, default 2000; MariaDB too when EPIC_TEST_MYSQL_DSN is set)
	go test -run '^$$' -bench . -benchmem -timeout 0 $(BENCHFLAGS) ./internal/bench/ ./internal/auth/
