# `make run` and `make test` do all set-up on a fresh machine: they create .venv and install
# ScamGuard with its test extras the first time (and again whenever pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-future test-windows lint bench previews clean package deb msi test-packaging \
	translations translations-update

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $(STAMP)

run: $(STAMP) translations
	$(BIN)/scamguard

# Translations (docs/translations.md): each ui/translations/scamguard_<locale>.ts, the file a
# translator edits, compiled to the .qm ScamGuard loads. The .qm is built, never committed, so
# it cannot disagree with its .ts; the PyInstaller spec compiles its own copy the same way.
TS := $(wildcard ui/translations/scamguard_*.ts)
translations: $(TS:.ts=.qm)

ui/translations/%.qm: ui/translations/%.ts | $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# After the English text changed: new strings into every .ts, then a list of what is left to
# translate (tools/translations.py todo lists it again; tests/test_translation.py fails until
# it is empty).
translations-update: $(STAMP)
	$(BIN)/python tools/translations.py update

# Debian programs some tests drive for real (tests/debian-packages.txt), installed if missing.
DEBS := $(BIN)/python packaging/linux/ensure_tools.py --list tests/debian-packages.txt

test: $(STAMP) translations
	$(DEBS) || [ "$$(id -u)" != 0 ]
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/scamguard signatures validate
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not packaging"

# The whole suite with the clock a year ahead (tests/travel/sitecustomize.py): no test may
# depend on today's date, and shipped data going stale must never turn the suite red.
test-future: $(STAMP)
	$(DEBS) || [ "$$(id -u)" != 0 ]
	SCAMGUARD_TEST_TRAVEL_DAYS=365 PYTHONPATH=$(CURDIR)/tests/travel \
		QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -p no:time_machine -m "not packaging" -q

# The suite on Windows: Windows CPython 3.11 under Debian's Wine, set up in .wine-lane/ (git-
# ignored) on first use by tests/wine-lane/setup.sh; skips say why a test cannot run there.
# `.ci/run` calls it after `make test`. docs/architecture.md says what it does and does not prove.
# Its time is spent waiting on Wine, not computing: two workers (pytest-xdist) halve it.
# Timing under Wine is noisy: a test that fails is run once more, alone and on one worker,
# and only a test that fails twice fails the lane (both runs' failures are printed). Only
# failed tests are run again (pytest's exit 1): a run that broke or was stopped fails the lane.
# Each run has a deadline (timeout(1)), so a hang fails with its reason instead of eating
# CI's whole budget; the lane takes about 10 minutes. --foreground keeps the run in make's
# process group (Ctrl-C and CI's stop reach it); run.sh ends its Wine processes on the way out.
WIN_PYTEST := tests/wine-lane/run.sh -m pytest -o cache_dir=.wine-lane/pytest-cache \
	-m "not packaging" -q --timeout 300
test-windows:
	tests/wine-lane/setup.sh
	timeout --foreground -k 30 1800 $(WIN_PYTEST) -n 2 -rs; rc=$$?; \
	if [ $$rc = 1 ]; then \
		timeout --foreground -k 30 600 $(WIN_PYTEST) -rfE --last-failed \
			--last-failed-no-failures none; \
		rc=$$?; fi; \
	case $$rc in 124|137) echo "wine lane: a run did not finish within its deadline" >&2;; esac; \
	exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/identify_names.py
	$(BIN)/python benchmarks/catalog_coverage.py
	$(BIN)/python benchmarks/live_guard.py
	$(BIN)/python benchmarks/tray.py
	$(BIN)/python benchmarks/hold.py
	$(BIN)/python benchmarks/renamed_tools.py
	$(BIN)/python benchmarks/exec_gate.py
	$(BIN)/python benchmarks/first_run.py
	$(BIN)/python benchmarks/tray_speech.py
	$(BIN)/python benchmarks/service_link.py
	$(BIN)/python benchmarks/focus_change.py
	$(BIN)/python benchmarks/session_monitor.py
	$(BIN)/python benchmarks/banking_warning.py

# The warning as a person sees it, for the README and for ISPs to compare against.
previews: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool anydesk --provider talktalk --out docs/images/warning-talktalk.png
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool anydesk --provider generic-uk --out docs/images/warning-generic-uk.png
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool anydesk --provider talktalk --page question --out docs/images/warning-talktalk-question.png
	QT_QPA_PLATFORM=offscreen $(BIN)/scamguard preview-warning --tool teamviewer --provider talktalk --banking Barclays --out docs/images/warning-banking-talktalk.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ui.windows.first_run --out docs/images

# Installable builds (docs/isp-bundling.md). `make package` builds for the platform it runs
# on: dist/scamguard/ (the tray and CLI, one folder; on macOS also dist/ScamGuard.app) and
# dist/scamguard-service/ (the service, no Qt), then prints both sizes in MiB.
PKG_STAMP := $(VENV)/.package-stamp

$(PKG_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --editable '.[test,package]'
	touch $(PKG_STAMP)

package: $(PKG_STAMP)
	$(BIN)/python packaging/check_release.py
	@# Linux: ICU's tools, to cut its data library (packaging/pyinstaller/icu_trim.py); without
	@# them the build keeps the whole library and says so.
	if [ "$$(uname)" = Linux ]; then $(BIN)/python packaging/linux/ensure_tools.py icu-devtools || true; fi
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/pyinstaller/scamguard.spec
	$(BIN)/python packaging/sizes.py

# The Debian/Ubuntu package, from dist/scamguard: dist/scamguard_<version>_<arch>.deb
deb: package
	$(BIN)/python packaging/linux/build_deb.py

# The Windows MSI's tables, built on Linux with wixl from the Linux build as a stand-in
# payload (a real MSI is built on Windows: packaging/README.md).
msi: package
	$(BIN)/python packaging/linux/ensure_tools.py wixl msitools
	$(BIN)/python packaging/windows/build_msi.py --payload dist/scamguard --stand-in \
		--out dist/ScamGuard-stand-in.msi

# Builds the package, then installs, runs and removes the .deb (as root) and checks the
# MSI; `.ci/run` calls it after `make test`.
test-packaging: package
	$(BIN)/python packaging/linux/ensure_tools.py wixl msitools
	SCAMGUARD_PACKAGING_REQUIRED=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m packaging

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .wine-lane build dist
	rm -f ui/translations/*.qm
