# Seedpod — `make run` serves pods from ./data; `make test` installs what the tests need and runs them all.
BIN      := $(CURDIR)/bin
MINIO_MODULE := github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
export SEEDPOD_MINIO_BIN := $(BIN)/minio
NATS_MODULE := github.com/nats-io/nats-server/v2@v2.15.2
export SEEDPOD_NATS_BIN := $(BIN)/nats-server
GO_TEST_FLAGS ?= -race -count=1

.PHONY: all run build test lint fuzz bench minio nats css spec spec-css tidy-check clients-deps chromium

all: build

build:          ## build bin/seedpod
	go build -o $(BIN)/seedpod ./cmd/seedpod

run: build      ## serve pods from ./data on http://localhost:3000/ (creates a public demo pod once)
	@[ -d data/demo ] || $(BIN)/seedpod pod create demo --public --data ./data
	@echo "Seedpod: serving http://localhost:3000/ — demo pod at http://localhost:3000/demo/ — sign up for your own pod and WebID at http://localhost:3000/.account/signup/ (or: bin/seedpod account create --email E --pod NAME --password-file F)"
	$(BIN)/seedpod serve --data ./data

minio: $(BIN)/minio   ## install the pinned MinIO server into bin/ (tests start it themselves)
$(BIN)/minio:
	GOBIN=$(BIN) go install $(MINIO_MODULE)

nats: $(BIN)/nats-server   ## install the pinned NATS server into bin/ (the cluster tests start it themselves)
$(BIN)/nats-server:
	GOBIN=$(BIN) go install $(NATS_MODULE)

# The real-client tests (spec/clients_test.go) need the pinned npm packages of
# spec/clients (Inrupt's client libraries, playwright-core) and spec/css (the
# Community Solid Server), and Debian's Chromium. Each is installed only when
# missing: npm ci when node_modules is missing or older than package-lock.json
# (npm ci writes node_modules/.package-lock.json), apt-get when the browser
# is not there.
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)
CHROMIUM ?= /usr/bin/chromium
NPM_CI   := npm ci --no-audit --no-fund --loglevel=error

clients-deps: spec/clients/node_modules/.package-lock.json spec/css/node_modules/.package-lock.json ## npm packages of the client tests
spec/clients/node_modules/.package-lock.json: spec/clients/package-lock.json
	cd spec/clients && $(NPM_CI)
	@touch $@
spec/css/node_modules/.package-lock.json: spec/css/package-lock.json
	cd spec/css && $(NPM_CI)
	@touch $@

chromium: $(CHROMIUM)  ## Debian's Chromium for the browser login test
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

lint:           ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

test: minio nats clients-deps chromium lint   ## install test dependencies, then run every test (both storage backends)
	go test $(GO_TEST_FLAGS) ./...

spec:           ## the black-box conformance suite against Seedpod (disk and MinIO)
	go test -count=1 ./spec/

spec-css: minio ## the same suite against the Community Solid Server (installed from npm into spec/css)
	bash spec/css/run.sh

bench: build minio  ## load benchmark: Seedpod (disk, MinIO) vs CSS and bare baselines (bin/bench-results.txt)
	bash scripts/bench.sh

fuzz:           ## run each fuzz target briefly
	@bash scripts/fuzz.sh

tidy-check:     ## go.mod and go.sum are tidy
	go mod tidy && git diff --exit-code go.mod go.sum
