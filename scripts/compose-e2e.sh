#!/usr/bin/env bash
# The compose cluster for real, on podman (no Docker engine needed): builds the product image from
# the Dockerfile, runs docker-compose.yml, and checks it end to end. Run as root on Debian 12:
#   bash scripts/compose-e2e.sh
# 1. installs podman, docker-compose (v1) and debootstrap when missing; configures podman for a
#    machine without systemd (ulimits, cgroupfs, runc);
# 2. base images: pulls the ones the Dockerfile and compose file name, or builds stand-ins from
#    Debian packages (test/compose/images; the Debian base is cached in $CACHE_DIR);
# 3. builds the product image (Dockerfile) and prints its size;
# 4. bad input: compose without the admin secrets refuses, and nothing is created;
# 5. up -d, waits for every health check; the seed walk-through (../shared/seed-walkthrough.sh);
# 6. 3 context workers running 3 contexts at once; a worker and a scheduler killed under load;
# 7. down -v. On any exit (failure included) the stack, the API service and the health ticker go.
# Env: COMPOSE_E2E_PORT (18090), COMPOSE_E2E_PROJECT (jobserver-e2e), SEED_WALKTHROUGH.
# Exit codes: 0 passed; 3 this machine cannot run containers (steps 1–2 failed: packages, the
# Debian mirror, podman itself), said loudly, so that CI can tell it from a product failure; any
# other code: the product failed (image build, health, walk-through, lost jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PROJECT=${COMPOSE_E2E_PROJECT:-jobserver-e2e}
PORT=${COMPOSE_E2E_PORT:-18090}
CACHE_DIR=/var/cache/jobserver-compose-e2e
BASE_RECIPE=2 # bump when debian_base changes, so that a cached base is not reused
BASE_IMAGE=localhost/jobserver-e2e/debian:bookworm-minbase-$BASE_RECIPE
PRODUCT_IMAGE=jobserver:latest
SEED_WALKTHROUGH=${SEED_WALKTHROUGH:-$ROOT/../shared/seed-walkthrough.sh}
RUN_DIR=$(mktemp -d /tmp/jobserver-compose-e2e.XXXXXX)
ADMIN_USER=e2e
ADMIN_HASH=''
ADMIN_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

export DOCKER_HOST=unix://$RUN_DIR/podman.sock COMPOSE_PROJECT_NAME=$PROJECT JOBSERVER_PORT=$PORT
export COMPOSE_HTTP_TIMEOUT=300
BASE_URL=http://127.0.0.1:$PORT

log() { printf '\n[compose-e2e %s] %s\n' "$(date -u +%T)" "$*"; }
fail() { echo "compose-e2e: $*" >&2; exit 1; }

# Timings, printed at the end: `timed <label> <command…>`.
TIMINGS=()
timed() {
  local label=$1 start=$SECONDS
  shift
  "$@"
  TIMINGS+=("$(printf '%-34s %4ds' "$label" $((SECONDS - start)))")
}

# --- cleanup: whatever happened, leave nothing running -------------------------------------------
SERVICE_PID='' TICKER_PID='' STAND_INS_PID=''
# 'machine' while the tools and base images are set up (a failure there says nothing of the product).
PHASE=machine
cleanup() {
  local rc=$?
  set +e
  if [ $rc -ne 0 ] && [ $rc -ne 130 ] && [ "$PHASE" = machine ]; then
    echo "compose-e2e: SKIPPED: this machine could not set up podman or the base images (exit $rc; see above)" >&2
    rc=3
  fi
  if [ -S "$RUN_DIR/podman.sock" ]; then
    [ $rc -ne 0 ] && { log "failed (exit $rc): the stack's last logs"; compose logs --no-color --tail 30 2>/dev/null | tail -150; }
    compose down -v --remove-orphans >/dev/null 2>&1
  fi
  # Whatever compose could not remove (e.g. the API service died first).
  podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" | xargs -r podman rm -f >/dev/null 2>&1
  podman volume ls -q --filter "label=com.docker.compose.project=$PROJECT" | xargs -r podman volume rm -f >/dev/null 2>&1
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1
  # The background jobs: the health loop and its checks, the stand-in builds (if still running).
  for pid in $TICKER_PID $STAND_INS_PID; do pkill -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
  rm -rf "$RUN_DIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Compose with the admin secrets this run uses (the bad-input step runs it without them).
compose() {
  timeout 300 env JOBSERVER_AUTH_ADMIN_USER=$ADMIN_USER JOBSERVER_AUTH_ADMIN_PASSWORD_HASH=$ADMIN_HASH docker-compose "$@"
}

# --- 1. tools ------------------------------------------------------------------------------------
apt_install() {
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { timeout 180 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

install_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ -x /usr/sbin/runc ] || missing+=(runc)
  [ -x /usr/lib/podman/netavark ] || missing+=(netavark aardvark-dns) # networks with DNS names
  [ -x /usr/libexec/podman/catatonit ] || missing+=(catatonit)      # `init: true`
  [ -x /usr/sbin/iptables ] || missing+=(iptables)                   # netavark's NAT and ports
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  # Without systemd: cgroupfs, events to a file; runc (Debian's crun refuses hybrid cgroups);
  # default ulimits within the machine's hard limits, else every container fails to set rlimits.
  local nofile nproc
  nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] || [ "$nofile" -gt 16384 ] && nofile=16384
  nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] || [ "$nproc" -gt 16384 ] && nproc=16384
  mkdir -p /etc/containers/containers.conf.d
  cat >/etc/containers/containers.conf.d/50-jobserver-compose-e2e.conf <<EOF
# Written by jobserver's scripts/compose-e2e.sh.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
  podman --version && docker-compose version --short
}

# --- 2. base images ------------------------------------------------------------------------------
# The Debian base of the stand-ins: debootstrap once, kept as a tarball in $CACHE_DIR.
debian_base() {
  podman image exists "$BASE_IMAGE" && return
  local tar=$CACHE_DIR/bookworm-minbase-$BASE_RECIPE.tar rootfs=$RUN_DIR/rootfs
  if [ ! -s "$tar" ]; then
    echo "debootstrap bookworm (minbase)"
    nice -n 10 debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$RUN_DIR/debootstrap.log" 2>&1 ||
      { tail -20 "$RUN_DIR/debootstrap.log"; fail "debootstrap failed"; }
    # Like Debian's own container images: dpkg without an fsync per file, and without docs, man
    # pages and translations (in this base and in what the stand-ins install on it).
    printf '%s\n' force-unsafe-io 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
      >"$rootfs/etc/dpkg/dpkg.cfg.d/container"
    find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
    rm -rf "$rootfs"/usr/share/{man,info,locale}/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    mkdir -p "$CACHE_DIR"
    tar -C "$rootfs" --numeric-owner -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$rootfs"
  fi
  podman import -q --change 'CMD ["bash"]' "$tar" "$BASE_IMAGE" >/dev/null
}

# The images the files name: the Dockerfile's FROM, the compose file's redis and postgres.
NODE_IMAGE=$(awk '/^FROM /{print $2; exit}' Dockerfile)
REDIS_IMAGE=$(awk '/^  redis:/{s=1} s && /image:/{print $2; exit}' docker-compose.yml)
POSTGRES_IMAGE=$(awk '/^  postgres:/{s=1} s && /image:/{print $2; exit}' docker-compose.yml)

# Succeeds when <image> is there for real (or pulled now); fails when a stand-in must be built.
have_real_image() {
  local image=$1
  if podman image exists "$image"; then
    [ -z "$(podman image inspect --format '{{index .Labels "org.jobserver.e2e.stand-in"}}' "$image" 2>/dev/null)" ]
    return
  fi
  timeout 120 podman pull -q "docker.io/library/$image" >/dev/null 2>&1
}

# build_stand_in <kind> <image> [<context dir>]: test/compose/images/<kind>, tagged as <image>.
build_stand_in() {
  local kind=$1 image=$2 context=${3:-test/compose/images/$1}
  nice -n 10 podman build -q --build-arg "BASE=$BASE_IMAGE" -f "test/compose/images/$kind/Containerfile" \
    -t "docker.io/library/$image" "$context" >/dev/null
}

# The node stand-in takes the host's Node (same major as the image's tag) and npm.
node_stand_in() {
  have_real_image "$NODE_IMAGE" && { echo "$NODE_IMAGE: pulled or present"; return; }
  local want=${NODE_IMAGE#node:}; want=${want%%[-.]*}
  [ "$(node -p 'process.versions.node.split(".")[0]')" = "$want" ] ||
    echo "warning: the host's Node is $(node -v), the Dockerfile asks for Node $want"
  local ctx=$RUN_DIR/node-context npm_dir
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  mkdir -p "$ctx"
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  cp -r "$npm_dir" "$ctx/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/"
  build_stand_in node "$NODE_IMAGE" "$ctx"
  echo "$NODE_IMAGE: stand-in ($(node -v), npm $(npm -v))"
}

# Redis and Postgres stand-ins build in the background, while the product image builds.
services_stand_ins() {
  local image kind start=$SECONDS
  for kind in redis postgres; do
    [ $kind = redis ] && image=$REDIS_IMAGE || image=$POSTGRES_IMAGE
    if have_real_image "$image"; then echo "$image: pulled or present"; else
      build_stand_in $kind "$image" && echo "$image: stand-in"
    fi
  done
  echo "redis/postgres images: $((SECONDS - start))s, beside the product build"
}

# --- 3. the product image ------------------------------------------------------------------------
build_product() {
  nice -n 10 podman build -t "localhost/$PRODUCT_IMAGE" -f Dockerfile . >"$RUN_DIR/build.log" 2>&1 ||
    { tail -40 "$RUN_DIR/build.log"; fail "podman build (Dockerfile) failed"; }
  grep -E 'added [0-9]+ packages|Run duration' "$RUN_DIR/build.log" | sed 's/^ */  /' || true
}

# --- 4. bad input --------------------------------------------------------------------------------
refuses_without_secrets() {
  local out
  if out=$(env -u JOBSERVER_AUTH_ADMIN_USER -u JOBSERVER_AUTH_ADMIN_PASSWORD_HASH docker-compose up -d --no-build 2>&1); then
    fail "compose started without the admin secrets"
  fi
  grep -q 'set JOBSERVER_AUTH_ADMIN_USER' <<<"$out" || fail "no clear message without the secrets: $out"
  [ -z "$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] || fail "containers were created"
  ! podman network exists "${PROJECT}_default" || fail "a network was created"
  echo "refused: ...${out##*: }"
}

# --- 5. the stack --------------------------------------------------------------------------------
start_api_service() {
  podman system service --time=0 "$DOCKER_HOST" >"$RUN_DIR/podman-service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 50); do curl -sf --unix-socket "$RUN_DIR/podman.sock" http://d/_ping >/dev/null && return; sleep 0.2; done
  fail "podman system service did not answer"
}

# Podman runs health checks from systemd timers; without systemd, this loop is the timer:
# every 2 s for containers still starting, every 10 s (the apps' interval) for the others. The
# checks run side by side, each bounded: one into a container that is exiting can hang.
start_health_ticker() {
  (
    tick=0
    while sleep 2; do
      filter=(--filter health=starting)
      [ $((tick++ % 5)) -eq 0 ] && filter=()
      for c in $(podman ps -q --filter "label=com.docker.compose.project=$PROJECT" "${filter[@]}"); do
        timeout 10 podman healthcheck run "$c" >/dev/null 2>&1 &
      done
      wait
    done
  ) >/dev/null 2>&1 &
  TICKER_PID=$!
}

# wait_healthy <containers expected>: every container of the project running and healthy.
wait_healthy() {
  local want=$1 deadline=$((SECONDS + ${2:-180})) total healthy
  while :; do
    total=$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" | wc -l)
    healthy=$(podman ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter health=healthy | wc -l)
    [ "$total" -eq "$want" ] && [ "$healthy" -eq "$want" ] && break
    [ $(((SECONDS - deadline) % 15)) -eq 0 ] && echo "  $healthy of $want healthy ($total containers)" &&
      podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '    {{.Names}}  {{.Status}}' | grep -v '(healthy)'

    if [ $SECONDS -gt "$deadline" ]; then
      podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}  {{.Status}}'
      fail "not all $want containers healthy (healthy: $healthy of $total)"
    fi
    sleep 1
  done
  podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '  {{.Names}}  {{.Status}}' | sort
}

stack_up() {
  compose up -d --no-build
  wait_healthy 6
}

walk_through() {
  # The walk-through's curl calls take the admin's credentials from a curlrc (auth is on).
  mkdir -p "$RUN_DIR/curl"
  printf 'user = "%s:%s"\n' "$ADMIN_USER" "$ADMIN_PASSWORD" >"$RUN_DIR/curl/.curlrc"
  podman run --rm "localhost/$PRODUCT_IMAGE" cat examples/dist/jobserver-examples.mjs >"$RUN_DIR/examples.mjs"
  if [ ! -f "$SEED_WALKTHROUGH" ]; then
    echo "compose-e2e: no seed walk-through at $SEED_WALKTHROUGH (../shared beside the clone, or SEED_WALKTHROUGH): step skipped"
    # Its first step, which the cluster checks rely on: the example bundle as app test.
    local code
    code=$(CURL_HOME=$RUN_DIR/curl curl -s -o /dev/null -w '%{http_code}' --data-binary @"$RUN_DIR/examples.mjs" "$BASE_URL/jars/test")
    [ "$code" = 200 ] || [ "$code" = 201 ] || fail "upload of the example bundle answered $code"
    return
  fi
  CURL_HOME=$RUN_DIR/curl bash "$SEED_WALKTHROUGH" "$RUN_DIR/examples.mjs" "$BASE_URL"
}

# --- 6. scale, and kills under load --------------------------------------------------------------
cluster_checks() {
  BASE_URL=$BASE_URL AUTH=$ADMIN_USER:$ADMIN_PASSWORD PROJECT=$PROJECT node test/compose/cluster-checks.mjs "$1"
}

scale_out() {
  compose up -d --no-build --scale context-worker=3 --scale scheduler=2
  wait_healthy 8
}

# --- run -----------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || fail "run as root (rootful podman)"
[ -n "$NODE_IMAGE" ] && [ -n "$REDIS_IMAGE" ] && [ -n "$POSTGRES_IMAGE" ] || fail "cannot read the base images' names"
START=$SECONDS

log "1. podman and docker-compose"
timed "tools (install/configure)" install_tools
ADMIN_HASH=$(node scripts/hash-password.js "$ADMIN_PASSWORD")

log "2. base images: $NODE_IMAGE, $REDIS_IMAGE, $POSTGRES_IMAGE"
timed "debian base (debootstrap/cache)" debian_base
timed "node base image" node_stand_in
services_stand_ins >"$RUN_DIR/stand-ins.log" 2>&1 &
STAND_INS_PID=$!

log "3. product image (Dockerfile)"
PHASE=product
timed "product image build" build_product
IMAGE_SIZE=$(podman image inspect --format '{{.Size}}' "localhost/$PRODUCT_IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}')
echo "localhost/$PRODUCT_IMAGE: $IMAGE_SIZE"
wait_stand_ins() {
  wait "$STAND_INS_PID" || { cat "$RUN_DIR/stand-ins.log"; fail "redis/postgres base images failed"; }
  grep -v '^debconf: delaying' "$RUN_DIR/stand-ins.log" || true
}
timed "redis/postgres images (rest)" wait_stand_ins

log "4. bad input: compose without the admin secrets"
start_api_service
refuses_without_secrets

log "5. docker-compose up -d, every health check, the seed walk-through"
start_health_ticker
timed "stack up (all healthy)" stack_up
timed "seed walk-through" walk_through

log "6. 3 context workers, 2 schedulers: 3 contexts at once; kills under load"
timed "scale out (all healthy)" scale_out
timed "3 contexts on 3 containers" cluster_checks contexts
timed "kill worker + scheduler under load" cluster_checks kill

log "7. docker-compose down -v"
timed "down -v" compose down -v --remove-orphans
[ -z "$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] || fail "containers left after down"

log "compose e2e passed in $((SECONDS - START))s"
printf '  %s\n' "${TIMINGS[@]}"
echo "  product image $PRODUCT_IMAGE: $IMAGE_SIZE"
