# syntax=docker/dockerfile:1
# dynamini: build the shaded jar with Maven, run it on a slim JRE as a non-root user.
#
#   docker build -t dynamini .
#   docker run -p 3000:3000 -v dynamini-data:/app/data \
#     -v "$PWD/env/api-keys.json:/app/env/api-keys.json:ro" dynamini
#
# Without DYNAMODB_ENDPOINT or AWS_REGION it runs DynamoDB Local inside the JVM with its data in
# /app/data (a volume). docker-compose.yml runs it next to an amazon/dynamodb-local container.
# See docs/operations.md.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src ./src
# the cache mount keeps ~/.m2 between builds; tests run in CI, not in the image build
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Dmaven.test.skip=true package

# Temurin's JRE images are glibc-based (Ubuntu): DynamoDB Local's bundled SQLite library needs
# glibc, so an Alpine (musl) image would fail in embedded mode.
FROM eclipse-temurin:17-jre
RUN command -v curl >/dev/null \
    || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)
RUN groupadd --system dynamini \
    && useradd --system --gid dynamini --home-dir /app --no-create-home --shell /usr/sbin/nologin dynamini
WORKDIR /app
COPY --from=build /build/target/dynamini.jar /app/dynamini.jar
# data/ must belong to the user before a named volume is mounted there, so that Docker copies
# the ownership into the new volume
RUN mkdir -p /app/data /app/env && chown dynamini:dynamini /app/data
USER dynamini

ENV PORT=3000 \
    DATA_DIR=/app/data \
    API_KEYS_FILE=/app/env/api-keys.json
EXPOSE 3000
VOLUME ["/app/data"]

# liveness only: /ready (DynamoDB reachable) is for load balancers, so that a DynamoDB outage
# does not get every container restarted
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health" > /dev/null || exit 1

# exec form: java is PID 1 and gets the SIGTERM itself; it then lets in-flight requests run for up
# to SHUTDOWN_GRACE_MS (default 10 s) and closes DynamoDB. Give the container more than that before
# SIGKILL: docker run --stop-timeout 30, stop_grace_period in compose, terminationGracePeriodSeconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/dynamini.jar"]
