# Airlock's stages, for machines with a Docker engine (compose.yaml). Node 24 LTS runs the
# TypeScript sources directly (type stripping), so there is no build step beyond the dependencies.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# Dependencies' install scripts stay off; the one Airlock needs is its own: patch-package applies
# patches/ (the kafkajs read_committed fix, ADR 0007), then the dev dependencies go.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npx patch-package --error-on-fail \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY avro ./avro
COPY core ./core
COPY rules ./rules
COPY ingress ./ingress
COPY validators ./validators
COPY router ./router
# The image's unprivileged user; nothing in /app is writable by it.
USER node
# compose.yaml picks the stage with `command`; the ingress is the default.
CMD ["node", "ingress/main.ts"]
