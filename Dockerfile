# One image recipe for every service (no per-service Dockerfiles): SERVICE selects services/<name>.
# Services run TypeScript through tsx, exactly as `make up` runs them.
FROM node:20-bookworm-slim AS base
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY shared ./shared
COPY services ./services
RUN npm ci --omit=dev --ignore-scripts=false && npm install --no-save tsx@4
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=production
WORKDIR /app/services/${SERVICE}
USER node
CMD ["node", "--import", "tsx", "src/main.ts"]
