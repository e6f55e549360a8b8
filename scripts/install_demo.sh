#!/usr/bin/env bash
# `make demo`'s install step: the package with its examples/viz extras, and graphviz's
# `dot` program from apt when it is missing and apt is available.
set -euo pipefail
if ! python3 -m pip install -q -e ".[examples,viz]"; then
  # Offline, pip can fail even when everything is already installed; the examples run
  # from the checkout, so go on if their imports work.
  if python3 -c "import numpy, tqdm, matplotlib, graphviz" 2>/dev/null; then
    echo "warning: pip install failed (offline?); the packages the demo needs are present, going on"
  else
    echo "error: could not install the demo's packages (numpy, tqdm, matplotlib, graphviz);" \
         "connect to the internet or install them, then run make demo again" >&2
    exit 1
  fi
fi
if ! command -v dot >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing graphviz (the dot program) with apt-get..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
      || echo "warning: could not install graphviz; graph.svg will be written as .dot only"
  else
    echo "warning: graphviz's dot is missing (apt-get install graphviz / brew install graphviz);" \
         "graph.svg will be written as .dot only"
  fi
fi
# Where the MNIST files will come from (tg.data.MNIST's search order).
if [ -n "${TENSORGRAPH_DATA:-}" ]; then
  echo "data: \$TENSORGRAPH_DATA/mnist ($TENSORGRAPH_DATA/mnist), else ~/.cache/tensorgraph/mnist, else download"
else
  echo "data: ~/.cache/tensorgraph/mnist, else downloaded there (about 11 MB)"
fi
