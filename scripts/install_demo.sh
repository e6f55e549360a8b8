#!/usr/bin/env bash
# `make demo`'s install step: the package with its examples/viz extras, and graphviz's
# `dot` program from apt when it is missing and apt is available.
set -euo pipefail
python3 -m pip install -q -e ".[examples,viz]"
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
