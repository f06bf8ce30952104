#!/usr/bin/env bash
# The GPU figures of the performance issue, in one run on a device machine (see pack.sh): native
# wgpu ms per step at 128, 224 and 512 px, a batch of 16 against one image, and the CPU's batch of
# 8 on all cores against two. Interleaved rounds, medians; JSON lines to stdout and $OUT.
# VK_DRIVER_FILES, if set, picks another Vulkan driver (lavapipe, to try the script without a GPU).
set -uo pipefail
cd "$(dirname "$0")"
CARRY="$PWD/carry"
OUT="${OUT:-$(mktemp -d)}"
ROUNDS="${ROUNDS:-3}"
STEPS="${STEPS:-40}"
SIZES="${SIZES:-128 224 512}"
# The batch, `head` and CPU cases' image size, and the GPU batch.
SIZE="${SIZE:-224}"
BATCH="${BATCH:-16}"

if [ -z "${VK_DRIVER_FILES:-}" ]; then
  for deb in "$CARRY"/debs/*.deb; do dpkg -x "$deb" /; done
  ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
BASIS="$(mktemp -d)/basis"
xz -dc "$CARRY/basis.xz" > "$BASIS" && chmod +x "$BASIS"
export BASIS_DATA="$CARRY/data"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

# One benchmark: its settings and basis's JSON on one line.
bench() {
  local label="$1"; shift
  local json
  json=$("$@" --channel 10 --warmup 5 2>&1 | tail -1)
  printf '{"round":%s,"case":"%s","result":%s}\n' "$round" "$label" "$json" | tee -a "$OUT/gpu-bench.jsonl"
}

for round in $(seq 1 "$ROUNDS"); do
  for size in $SIZES; do
    bench "wgpu $size px" "$BASIS" bench --backend wgpu --layer block8 --size "$size" --steps "$STEPS"
  done
  bench "wgpu $SIZE px, batch $BATCH" \
    "$BASIS" bench --backend wgpu --layer block8 --size "$SIZE" --steps "$STEPS" --batch "$BATCH"
  bench "wgpu $SIZE px, head" "$BASIS" bench --backend wgpu --layer head --size "$SIZE" --steps "$STEPS"
  bench "cpu $SIZE px, 2 cores" \
    taskset -c 0,1 "$BASIS" bench --backend cpu --layer block8 --size "$SIZE" --steps 20
  bench "cpu 128 px, batch 8, 2 cores" taskset -c 0,1 \
    "$BASIS" bench --backend cpu --layer block8 --size 128 --steps 8 --batch 8 --threads 2
  bench "cpu 128 px, batch 8, all cores" \
    "$BASIS" bench --backend cpu --layer block8 --size 128 --steps 8 --batch 8 --threads 8
done
