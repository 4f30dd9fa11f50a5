#!/bin/bash
# The official image's entrypoint, in short: `redis-server …` runs as user redis with protected
# mode off; any other command runs as given.
set -euo pipefail
if [ "${1:-}" = redis-server ]; then
  shift
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server "$@" --protected-mode no
fi
exec "$@"
