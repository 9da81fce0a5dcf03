# One image for the three roles; the compose file picks the command.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Strictly the lock file (it lists every platform's optional binaries): a lock out of sync fails the build.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY ingress ingress
COPY workers workers
COPY shared shared
COPY sandbox sandbox
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
# ingress by default; the worker and sandbox services override the command.
CMD ["node", "dist/ingress/main.js"]
