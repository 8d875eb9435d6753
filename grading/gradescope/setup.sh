#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built. The zip's contents (this file,
# run_autograder, the grader's source and its config, see README.md) are unpacked in /autograder/source.
# AUTOGRADER_ROOT names another folder instead of /autograder; GRADER_PREBUILT names an already built grader
# binary to install instead of building one (the tests use both to set up a simulated tree quickly).
set -euo pipefail

SWIFT_VERSION="${SWIFT_VERSION:-6.3.1}"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"

# libopenblas-dev: the CBLAS system library TensorKit links; bubblewrap: the sandbox student code runs in;
# util-linux: setpriv, which drops student code to an unprivileged uid where bubblewrap cannot be used. The rest
# is what the Swift toolchain needs on Ubuntu. Skipped when everything is there already.
if ! { pkg-config --exists openblas 2>/dev/null && command -v bwrap >/dev/null && command -v setpriv >/dev/null \
       && command -v zip >/dev/null && command -v unzip >/dev/null && command -v swift >/dev/null; }; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends \
        libopenblas-dev pkg-config bubblewrap util-linux zip unzip ca-certificates curl \
        binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-13-dev libpython3-dev \
        libsqlite3-0 libstdc++-13-dev libxml2-dev libz3-dev tzdata zlib1g-dev \
      || apt-get install -y --no-install-recommends \
        libopenblas-dev pkg-config bubblewrap util-linux zip unzip ca-certificates curl \
        binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-11-dev libpython3-dev \
        libsqlite3-0 libstdc++-11-dev libxml2-dev libz3-dev tzdata zlib1g-dev
fi

# Install the Swift toolchain unless the image already has one.
if ! command -v swift >/dev/null 2>&1; then
    . /etc/os-release                                   # ID=ubuntu, VERSION_ID=22.04 or 24.04
    platform="${ID}${VERSION_ID}"                        # ubuntu22.04
    directory="${ID}${VERSION_ID//./}"                   # ubuntu2204
    name="swift-${SWIFT_VERSION}-RELEASE-${platform}"
    curl -fsSL -o /tmp/swift.tar.gz \
        "https://download.swift.org/swift-${SWIFT_VERSION}-release/${directory}/swift-${SWIFT_VERSION}-RELEASE/${name}.tar.gz"
    mkdir -p /opt/swift
    tar -xzf /tmp/swift.tar.gz -C /opt/swift --strip-components=1
    rm /tmp/swift.tar.gz
    ln -sf /opt/swift/usr/bin/* /usr/local/bin/
fi
swift --version

# The source folder (solutions, reference, course secret) is closed to every other user from the start; the
# prebuilt kit submissions compile against then lives in /var/cache/training-grader, readable by the sandbox uids.
chmod 700 "$SOURCE"
chmod 600 "$SOURCE/hidden-secret" 2>/dev/null || true

# Build the grader (and the libraries submissions are compiled against) once, in release, so grading a
# submission only compiles the student's files.
cd "$SOURCE"
if [ -n "${GRADER_PREBUILT:-}" ]; then
    mkdir -p "$SOURCE/.build/release"
    cp "$GRADER_PREBUILT" "$SOURCE/.build/release/grader"
else
    swift build -c release --product grader
fi
"$SOURCE/.build/release/grader" --help >/dev/null
# Build the grading kit (the prebuilt modules submissions compile against) now rather than on the first grade.
"$SOURCE/.build/release/grader" check softmax >/dev/null 2>&1 || true
chmod +x "$SOURCE/run_autograder"
