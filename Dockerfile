# The broker image the k8s/ manifests run: build the jar first
#   mvn -B -q package -DskipTests && docker build -t junction:0.1.0 .
# With no JUNCTION_PG_URI the node starts an embedded PostgreSQL under /data (one node only).
FROM eclipse-temurin:17-jre
WORKDIR /opt/junction
COPY target/junction.jar junction.jar
COPY conf/ conf/
ENV JUNCTION_DATA_DIR=/data
RUN mkdir /data && chown 1000:1000 /data
VOLUME /data
EXPOSE 8080 61613 5701
USER 1000
ENTRYPOINT ["java", "-jar", "/opt/junction/junction.jar"]
