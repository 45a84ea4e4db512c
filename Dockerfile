# The Empiric server as an image. Build the application first (./mvnw package -DskipTests), then
#   docker build -t empiric/server .
#   docker run -p 8080:8080 -v /var/run/docker.sock:/var/run/docker.sock \
#       -v /var/lib/empiric:/var/lib/empiric empiric/server
# The server starts trial containers on the engine behind the mounted socket; the trial containers
# themselves never get the socket (docs/sandbox.md). The data directory must sit at the same path
# inside and outside (trial check-outs are bind-mounted by path). Environments are baked in.
# The rows live in H2 under the data directory; for PostgreSQL add -e EMPIRIC_DB=postgresql
# -e EMPIRIC_JDBC_URL=jdbc:postgresql://host:5432/empiric -e EMPIRIC_DB_USER=... -e EMPIRIC_DB_PASSWORD=...
# BASE must be a Java 21+ runtime; offline machines can build one FROM the debootstrap base image.
ARG BASE=eclipse-temurin:21-jre
FROM ${BASE}
WORKDIR /app
COPY target/quarkus-app/ /app/
COPY environments/ /app/environments/
ENV EMPIRIC_DATA_DIR=/var/lib/empiric EMPIRIC_ENVIRONMENTS_DIR=/app/environments
EXPOSE 8080
CMD ["java", "-jar", "/app/quarkus-run.jar"]
