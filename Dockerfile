# One image per service, for machines with Docker (docker-compose.yml builds all five):
#   docker build --build-arg SERVICE=api-gateway -t redis-backup/api-gateway .
# The default path needs no Docker at all: see ./stack in the README.

FROM maven:3.9-eclipse-temurin-21 AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<service module>" && exit 1)
RUN mvn -B -q -pl "$SERVICE" -am package -DskipTests

FROM eclipse-temurin:21-jre
ARG SERVICE
# curl for the health check in docker-compose.yml; redis-server for the restore worker's drills (a scratch server)
RUN apt-get update && apt-get install -y --no-install-recommends curl \
        $([ "$SERVICE" = restore-worker ] && echo redis-server) && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/${SERVICE}/target/quarkus-app/ /app/
# the JVM flags ./stack gives each service (see start_service there): the workers take their whole heap at start,
# a fixed budget; the light services run the quick compiler only, soon, with room for its code
RUN case "$SERVICE" in \
        *-worker) echo "-XX:+AlwaysPreTouch" ;; \
        *) echo "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m -XX:CompileThresholdScaling=0.1" ;; \
    esac > /app/jvm-flags
ENV JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" \
    QUARKUS_HTTP_HOST=0.0.0.0
USER 1001
# JAVA_OPTS last: what it sets wins over the flags above
ENTRYPOINT ["sh", "-c", "exec java $(cat /app/jvm-flags) $JAVA_OPTS -jar /app/quarkus-run.jar"]
