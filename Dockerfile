# Build and run connect-gateway with its JVM bridge. Kafka connector jars go in
# /opt/connect-plugins (set plugin.path=/opt/connect-plugins to host them).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p gateway --bin connect-gateway

# The Java shim and Kafka Connect's runtime class path (what scripts/jvm.sh build makes).
FROM maven:3.9-eclipse-temurin-17 AS shim
WORKDIR /src
COPY jvm-bridge/java /src
RUN mvn -q -B -Dmaven.test.skip=true package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp target/connect-gateway-shim.jar /out/lib/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/connect-gateway /usr/local/bin/connect-gateway
COPY --from=shim /out/lib /opt/connect-gateway/jvm/lib
# The gateway finds libjvm through `java` on PATH; the class path through this variable.
ENV CONNECT_GATEWAY_JVM_LIB=/opt/connect-gateway/jvm/lib
RUN mkdir -p /var/lib/connect-gateway /opt/connect-plugins
WORKDIR /var/lib/connect-gateway
EXPOSE 8083 8082
ENTRYPOINT ["connect-gateway"]
CMD ["standalone", "/etc/connect-gateway/worker.properties"]
