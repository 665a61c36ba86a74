# syntax=docker/dockerfile:1
# dynamini: build with Maven, run on a slim JRE as a non-root user, in front of DynamoDB.
#
#   docker build -t dynamini .
#   docker run -p 3000:3000 -e AWS_REGION=eu-central-1 \
#     -v "$PWD/env/api-keys.json:/app/env/api-keys.json:ro" dynamini
#
# The image holds no DynamoDB Local: its licence does not allow us to distribute it. So the image
# needs a DynamoDB: AWS_REGION (real DynamoDB) or DYNAMODB_ENDPOINT (docker-compose.yml runs AWS's
# own amazon/dynamodb-local image next to it). See docs/operations.md.

# pinned: the same build every time; bump deliberately
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src ./src
# the cache mount keeps ~/.m2 between builds; tests run in CI, not in the image build. -Dimage
# resolves the libraries without the embedded profile: no DynamoDB Local, nor what only it needs
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Dmaven.test.skip=true package \
    && mvn -B -q -Dimage dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/image-lib \
    && ! ls target/image-lib | grep -q DynamoDBLocal

# Temurin's JRE images are glibc-based (Ubuntu)
FROM eclipse-temurin:17.0.13_11-jre
RUN command -v curl >/dev/null \
    || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)
RUN groupadd --system dynamini \
    && useradd --system --gid dynamini --home-dir /app --no-create-home --shell /usr/sbin/nologin dynamini
WORKDIR /app
COPY --from=build /build/target/image-lib /app/lib
COPY --from=build /build/target/dynamini.jar /app/dynamini.jar
RUN mkdir -p /app/env
USER dynamini

# a container is reached through its published port, so it listens on every interface (the jar
# alone listens on 127.0.0.1)
ENV HOST=0.0.0.0 \
    PORT=3000 \
    API_KEYS_FILE=/app/env/api-keys.json
EXPOSE 3000

# liveness only: /ready (DynamoDB reachable) is for load balancers, so that a DynamoDB outage
# does not get every container restarted
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health" > /dev/null || exit 1

# exec form: java is PID 1 and gets the SIGTERM itself; it then lets in-flight requests run for up
# to SHUTDOWN_GRACE_MS (default 10 s). Give the container more than that before SIGKILL:
# docker run --stop-timeout 30, stop_grace_period in compose, terminationGracePeriodSeconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/dynamini.jar"]
