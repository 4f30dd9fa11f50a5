# One image for every jobserver process; the compose `command` picks the app:
#   node apps/gateway/dist/main.js | node apps/scheduler/dist/main.js | node apps/context-worker/dist/main.js
# Multi-stage: the build stage compiles the workspace with every dev dependency; the runtime
# stage gets only the compiled apps and libs and the production node_modules (without the
# embedded Postgres, which only `npm start` uses), and runs as `node`.

FROM node:20-bookworm-slim AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true
WORKDIR /app
# Manifests first, so that `npm ci` is cached while only sources change.
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY apps/gateway/package.json apps/gateway/
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/context-worker/package.json apps/context-worker/
COPY apps/web/package.json apps/web/
COPY libs/api/package.json libs/api/
COPY libs/protocol/package.json libs/protocol/
COPY libs/config/package.json libs/config/
COPY libs/persistence/package.json libs/persistence/
COPY libs/bundle/package.json libs/bundle/
COPY libs/client/package.json libs/client/
COPY apps/cli/package.json apps/cli/
COPY examples/package.json examples/
RUN npm ci --no-audit --no-fund
COPY apps apps
COPY libs libs
COPY examples examples
RUN npx nx run-many -t build --outputStyle=stream \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/@electric-sql \
  && find apps libs -path '*/dist/*' \( -name '*.d.ts' -o -name '*.map' -o -name '.tsbuildinfo' \) -delete

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production JOBSERVER_BUNDLE_CACHE_DIR=/tmp/jobserver-bundles
WORKDIR /app
COPY --from=build /app/package.json ./
# node_modules/@jobserver/* are links to ../../libs/* and ../../apps/*, copied below.
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/libs/api/package.json libs/api/
COPY --from=build /app/libs/api/dist libs/api/dist
COPY --from=build /app/libs/protocol/package.json libs/protocol/
COPY --from=build /app/libs/protocol/dist libs/protocol/dist
COPY --from=build /app/libs/config/package.json libs/config/
COPY --from=build /app/libs/config/dist libs/config/dist
COPY --from=build /app/libs/persistence/package.json libs/persistence/
COPY --from=build /app/libs/persistence/dist libs/persistence/dist
COPY --from=build /app/libs/bundle/package.json libs/bundle/
COPY --from=build /app/libs/bundle/dist libs/bundle/dist
COPY --from=build /app/apps/gateway/package.json apps/gateway/
COPY --from=build /app/apps/gateway/dist apps/gateway/dist
COPY --from=build /app/apps/scheduler/package.json apps/scheduler/
COPY --from=build /app/apps/scheduler/dist apps/scheduler/dist
COPY --from=build /app/apps/context-worker/package.json apps/context-worker/
COPY --from=build /app/apps/context-worker/dist apps/context-worker/dist
# The web UI's static build; the gateway serves it (apps/gateway/dist → ../../web/dist).
COPY --from=build /app/apps/web/dist apps/web/dist
# The jobserver command and its client, for `docker compose exec gateway node apps/cli/bin/jobserver.js …`.
COPY --from=build /app/libs/client/package.json libs/client/
COPY --from=build /app/libs/client/dist libs/client/dist
COPY --from=build /app/apps/cli/package.json apps/cli/
COPY --from=build /app/apps/cli/dist apps/cli/dist
COPY --from=build /app/apps/cli/bin apps/cli/bin
COPY --from=build /app/apps/cli/template apps/cli/template
COPY --from=build /app/examples/package.json examples/
COPY --from=build /app/examples/dist examples/dist
# Files are root-owned and read-only for the app; it writes only its bundle cache under /tmp.
# Every process runs as `node`. Exception: compose runs the context-worker service as root with
# JOBSERVER_WORKER_USER=node, so that a root supervisor keeps the secrets and the worker that runs
# user code is `node` with a clean env (docs/security.md).
USER node
EXPOSE 8090
CMD ["node", "apps/gateway/dist/main.js"]
