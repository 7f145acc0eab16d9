# One image recipe for every service (no per-service copies): SERVICE selects services/<name>.
#   docker build --build-arg SERVICE=customer -t servicehub/customer:<tag> .
# A template with a build argument keeps the base image, user, health check and layout in one
# place; a Dockerfile per service would be the same file N times, drifting apart.
#
# Stage `build` installs the workspace (dev dependencies included: esbuild) once and bundles
# every service (`npm run build`, scripts/build.ts); its layers do not depend on SERVICE, so the
# images of all services share them. The runtime stage holds only the service's bundle (npm
# dependencies are inside it: no node_modules), its SQL migrations, the shared packages'
# migrations, the web app's browser build (services/web/build, self-contained as well) and the
# health probe, and runs as the base image's unprivileged `node` user.
ARG NODE_IMAGE=node:20-bookworm-slim

# Only the npm manifests, so `npm ci` is cached until a package.json or the lock file changes.
FROM ${NODE_IMAGE} AS manifests
COPY . /src
RUN find /src -type f ! -name package.json ! -name package-lock.json -delete && find /src -depth -type d -empty -delete

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /src /src
RUN npm ci --no-audit --no-fund
COPY . /src
RUN npm run build

FROM build AS assemble
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<name> (a folder of services/)"; exit 1; } \
 && test -f "services/${SERVICE}/dist/main.js" || { echo "no service '${SERVICE}' (services/${SERVICE}/src/main.ts)"; exit 1; } \
 && mkdir -p /app/services/${SERVICE} /app/tools \
 && cp -r services/${SERVICE}/dist /app/services/${SERVICE}/ \
 && if [ -d services/${SERVICE}/migrations ]; then cp -r services/${SERVICE}/migrations /app/services/${SERVICE}/; fi \
 && if [ -d services/${SERVICE}/build ]; then cp -r services/${SERVICE}/build /app/services/${SERVICE}/; fi \
 && for m in shared/*/migrations; do mkdir -p /app/$m && cp -r $m/. /app/$m/; done \
 && cp dist/tools/*.js /app/tools/

FROM ${NODE_IMAGE}
ARG SERVICE
LABEL org.opencontainers.image.title="servicehub/${SERVICE}" org.opencontainers.image.source="https://example.invalid/service-hub"
# OPS_PORT: /healthz, /readyz (and metrics) of the service, the HEALTHCHECK's target.
ENV NODE_ENV=production SERVICE=${SERVICE} OPS_PORT=9400
COPY --from=assemble /app /app
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE 9400
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/tools/healthcheck.js"]
CMD ["node", "dist/main.js"]
