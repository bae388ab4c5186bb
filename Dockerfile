# kubesim in a container, for sweeps run as shards of a Kubernetes Indexed Job (docs/DISTRIBUTED.md).
# Build it from the repository root, with your scenarios and manifests under scenarios/:
#   docker build -t registry.example.com/kubesim:1 .
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY scenarios ./scenarios
RUN ln -s /app/bin/kubesim.js /usr/local/bin/kubesim
# uid 1000, gid 1000 in node:20-slim: the emitted Job sets fsGroup 1000 so that this user can
# write to the results volume.
USER node
ENTRYPOINT ["kubesim"]
CMD ["--help"]
