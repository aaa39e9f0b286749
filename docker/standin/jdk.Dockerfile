# Stand-in for eclipse-temurin:25-jdk on machines with no registry: the local Debian base plus the
# host's Temurin 25 JDK (the build context is the JDK directory itself), at the path the public
# image uses. Only the jlink stage of docker/Dockerfile runs on it; nothing of it ships.
ARG DEBIAN_IMAGE=taskrunner-testbed/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY . /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
