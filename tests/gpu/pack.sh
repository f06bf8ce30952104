#!/usr/bin/env bash
# Packs what tests/gpu/bench.sh needs on the device machine (an NVIDIA GPU with its driver, no
# network, no Rust) into tests/gpu/carry/, which git ignores: the release `basis`, stripped and
# xz-compressed; the model; and Debian's Vulkan loader and GL libraries (the driver there ships
# only its Vulkan ICD). About 40 MB, under the device tool's 64 MiB carry limit.
# Then, with the device tool: run `bash tests/gpu/bench.sh`, carrying tests/gpu/carry.
source "$(dirname "$0")/../setup.sh"

CARRY="$ROOT/tests/gpu/carry"
ensure_toolchain
ensure_model
rm -rf "$CARRY" && mkdir -p "$CARRY/data" "$CARRY/debs"
strip -o "$CARRY/basis" "$BASIS"
xz -T0 -6 "$CARRY/basis"
# Only Lite0, which bench.sh measures: the three networks' weights together pass the carry limit.
mkdir -p "$CARRY/data/model"
cp "$BASIS_DATA"/model/efficientnet-lite0.{bpk,json} "$BASIS_DATA/model/imagenet-labels.txt" "$CARRY/data/model/"
(cd "$CARRY/debs" && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh "$CARRY"
