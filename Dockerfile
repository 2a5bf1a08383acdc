# syntax=docker/dockerfile:1
# docker build -t xiaozhi-relay:0.1.0 .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY .ci/checkstyle.xml .ci/
COPY conf conf
COPY src/main src/main
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 relay \
    && useradd --system --uid 10001 --gid relay --no-create-home --home-dir /var/lib/relay relay \
    && mkdir -p /var/lib/relay \
    && chown relay:relay /var/lib/relay
COPY --from=build /src/target/xiaozhi-relay.jar /app/xiaozhi-relay.jar
# the repository's layout: conf/relay.yaml finds ../cluster.xml; Kubernetes mounts its own pair at /etc/relay
COPY conf/ /etc/relay/
COPY cluster.xml /etc/cluster.xml
ENV RELAY_STATE_DIR=/var/lib/relay \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=65 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /var/lib/relay
# devices, admin (health, metrics), Hazelcast, clustered event bus
EXPOSE 8080 8081 5701 5710
ENTRYPOINT ["java", "-jar", "/app/xiaozhi-relay.jar"]
CMD ["--config", "/etc/relay/relay.yaml"]
