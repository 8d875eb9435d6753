#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built. The zip's contents (this file,
# run_autograder and the grader's source, see README.md) are unpacked in /autograder/source.
set -euo pipefail

SWIFT_VERSION="${SWIFT_VERSION:-6.3.1}"
SOURCE=/autograder/source

export DEBIAN_FRONTEND=noninteractive
apt-get update
# libopenblas-dev: the CBLAS system library TensorKit links; bubblewrap: the sandbox student code runs in.
# The rest is what the Swift toolchain needs on Ubuntu.
apt-get install -y --no-install-recommends \
    libopenblas-dev pkg-config bubblewrap zip unzip ca-certificates curl \
    binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-13-dev libpython3-dev \
    libsqlite3-0 libstdc++-13-dev libxml2-dev libz3-dev tzdata zlib1g-dev \
  || apt-get install -y --no-install-recommends \
    libopenblas-dev pkg-config bubblewrap zip unzip ca-certificates curl \
    binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-11-dev libpython3-dev \
    libsqlite3-0 libstdc++-11-dev libxml2-dev libz3-dev tzdata zlib1g-dev

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

# Build the grader (and the libraries submissions are compiled against) once, in release, so grading a
# submission only compiles the student's files.
cd "$SOURCE"
swift build -c release
"$SOURCE/.build/release/grader" --help >/dev/null
# Build the grading kit (the prebuilt modules submissions compile against) now rather than on the first grade.
"$SOURCE/.build/release/grader" check >/dev/null 2>&1 || true
chmod +x "$SOURCE/run_autograder"
