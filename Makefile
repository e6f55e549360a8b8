# Thin targets: each one calls a script or pytest.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: demo test soak bench fuzz install-test install-demo

# Use the offline MNIST copy next to the checkout (what CI uses) when the user set no data folder.
ifeq ($(origin TENSORGRAPH_DATA),undefined)
ifneq ($(wildcard ../shared/data/mnist),)
export TENSORGRAPH_DATA := $(abspath ../shared/data)
endif
endif

install-test:
	$(PIP) install -q -e ".[test]"

install-demo:
	bash scripts/install_demo.sh

demo: install-demo
	$(PYTHON) examples/mnist.py

test: install-test
	$(PYTHON) -m pytest -m "not soak"

soak: install-test
	$(PYTHON) -m pytest -m soak -q

bench:  # runs this checkout's tensorgraph (bench.py puts it first on sys.path)
	$(PYTHON) benchmarks/bench.py

fuzz: install-test
	TENSORGRAPH_FUZZ_EXAMPLES=2000 $(PYTHON) -m pytest tests/test_fuzz.py -q
