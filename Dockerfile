# Multi-stage build of the jobserver apps; one image, the command picks the app.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY libs libs
COPY apps apps
COPY examples examples
RUN npm ci --no-audit --no-fund && NX_DAEMON=false npx nx run-many -t build \
  && npm prune --omit=dev --no-audit --no-fund \
  && find apps libs -name '*.spec.*' -delete

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production JOBSERVER_BUNDLE_CACHE_DIR=/tmp/jobserver-bundles
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/libs libs
COPY --from=build --chown=node:node /app/apps apps
COPY --from=build --chown=node:node /app/examples/dist examples/dist
USER node
EXPOSE 8090
CMD ["node", "apps/gateway/dist/main.js"]
