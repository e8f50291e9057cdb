#!/usr/bin/env bash
# Makes sure the demo and the tests have a Pulumi CLI (`make cli` runs this).
#
#   tools/pulumi-cli/ensure.sh PYTHON
#
# * A `pulumi` already on PATH at version $MIN_VERSION or newer is used as it is.
# * Otherwise the pinned CLI ($PIN, go.mod beside this script) is built from the Go module proxy with the
#   ordinary `go` client into .tools/bin/pulumi (once; a rebuild happens only when the pin changes).
# * Either way .tools/bin/pulumi-resource-pulumi-python is (re)written: the executable the engine starts
#   for Python dynamic providers, running `PYTHON -u -m pulumi.dynamic` (PULUMI_PYTHON_CMD overrides it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${1:?usage: ensure.sh PYTHON}"
bin="$root/.tools/bin"
PIN="$(cd "$here" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3 2>/dev/null || true)"
MIN_VERSION="3.200.0"
mkdir -p "$bin"

cat > "$bin/pulumi-resource-pulumi-python" <<SHIM
#!/bin/sh
# Written by tools/pulumi-cli/ensure.sh: Python dynamic providers run in this project's virtualenv.
exec "\${PULUMI_PYTHON_CMD:-$python}" -u -m pulumi.dynamic "\$@"
SHIM
chmod +x "$bin/pulumi-resource-pulumi-python"

version_ok() { # "v3.274.1" or "3.274.1-dev..." >= MIN_VERSION
    local v="${1#v}"; v="${v%%-*}"; v="${v%%+*}"
    [ "$(printf '%s\n%s\n' "$MIN_VERSION" "$v" | sort -V | head -n1)" = "$MIN_VERSION" ]
}

ambient="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$bin" | paste -sd: -)" command -v pulumi || true)"
if [ -n "$ambient" ] && version_ok "$("$ambient" version 2>/dev/null || echo 0)"; then
    echo "pulumi: using $ambient ($("$ambient" version)) from PATH"
    exit 0
fi
if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$PIN" ]; then
    echo "pulumi: using $bin/pulumi ($PIN)"
    exit 0
fi
[ -n "$PIN" ] || { echo "pulumi: no pulumi >= $MIN_VERSION on PATH, and \`go list\` in $here failed (is Go installed?)" >&2; exit 1; }
echo "pulumi: building $PIN from the Go module proxy into $bin (a cold build takes several minutes)"
start=$SECONDS
(
    cd "$here"
    CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PIN" \
        -o "$bin/pulumi.new" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
mv "$bin/pulumi.new" "$bin/pulumi"
echo "pulumi: built $("$bin/pulumi" version) in $((SECONDS - start)) s"
