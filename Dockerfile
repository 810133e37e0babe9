# syntax=docker/dockerfile:1
# The Durable Objects node image (the demo node, io.durableobjects.examples.DemoMain, with the example
# objects), as the Kubernetes manifests in k8s/ run it. Build from the repository root:
#
#   docker build -t durable-objects-node:dev .
#
# At the repository root, not in k8s/, because the build stage compiles the whole Maven reactor and
# the build context must contain it.

# --- build: the examples module and its runtime dependencies (examples/target/lib) ---------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The Maven repository is cached between builds (BuildKit); tests run in CI, not here.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl examples -am package \
 && mkdir -p /out/lib \
 && cp examples/target/lib/*.jar /out/lib/ \
 && cp examples/target/durable-objects-examples-*.jar /out/lib/

# --- runtime: a JRE, the jars, a non-root user -----------------------------------------------------
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 durable \
 && useradd --system --uid 10001 --gid durable --home-dir /app --no-create-home durable \
 && mkdir -p /data \
 && chown durable:durable /data
COPY --from=build /out/lib /app/lib
# Only used when no DO_CASSANDRA_CONTACT_POINTS is given: the demo then runs an embedded Cassandra
# with its data here (docker run -v ...:/data). On Kubernetes Cassandra is external.
ENV DO_DATA_DIR=/data
# Container-aware defaults; the Kubernetes manifests set JAVA_OPTS to match their resource limits.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=70 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /app
# HTTP gateway, Pekko remoting (DO_REMOTE_PORT as the manifests set it), Pekko Management.
EXPOSE 8080 25520 7626
# exec: java is PID 1 and gets SIGTERM directly, which starts the graceful shutdown.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/lib/*' io.durableobjects.examples.DemoMain"]
