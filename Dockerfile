# Build and run connect-gateway. Plugins for the JVM bridge go in /opt/connect-plugins.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p gateway --bin connect-gateway

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/connect-gateway /usr/local/bin/connect-gateway
RUN mkdir -p /var/lib/connect-gateway /opt/connect-plugins
WORKDIR /var/lib/connect-gateway
EXPOSE 8083 8082
ENTRYPOINT ["connect-gateway"]
CMD ["standalone", "/etc/connect-gateway/worker.properties"]
