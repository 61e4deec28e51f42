# The two commands of the README. Both set up what they need first (scripts/setup.sh).
.PHONY: run test lint bench setup

run:
	@scripts/setup.sh run
	.venv/bin/xiufu run

lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	.venv/bin/mypy

test:
	@scripts/setup.sh test
	$(MAKE) --no-print-directory lint
	.venv/bin/python -m pytest -q

bench:
	@scripts/setup.sh test
	@for b in bench/*.py; do echo "== $$b"; .venv/bin/python $$b || exit 1; done
