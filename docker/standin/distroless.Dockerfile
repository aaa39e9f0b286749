# Stand-in for gcr.io/distroless/cc-debian12:nonroot on machines with no registry: the same idea
# (glibc, libstdc++, zlib, CA certificates, time zones, a numeric nonroot user 65532, no shell, no
# package manager), assembled from the files of the local Debian packages. The first stage has a
# shell; the final one is FROM scratch and gets only the listed packages' files.
ARG DEBIAN_IMAGE=taskrunner-testbed/debian:bookworm
FROM ${DEBIAN_IMAGE} AS rootfs
RUN set -eu; \
    # Merged /usr like the base: /lib, /lib64, /bin, /sbin are links into /usr.
    mkdir -p /rootfs/usr/lib /rootfs/usr/lib64 /rootfs/usr/bin /rootfs/usr/sbin; \
    for d in lib lib64 bin sbin; do ln -s "usr/$d" "/rootfs/$d"; done; \
    for pkg in libc6 libgcc-s1 libstdc++6 zlib1g ca-certificates tzdata netbase; do \
      dpkg -L "$pkg" | while read -r f; do \
        case "$f" in /usr/share/doc/*|/usr/share/man/*|/usr/share/locale/*|/usr/share/lintian/*) continue ;; esac; \
        # Programs from these packages (ldconfig, iconvconfig, ...) are not needed to run java.
        case "$f" in /sbin/*|/usr/sbin/*|/bin/*|/usr/bin/*) continue ;; esac; \
        if [ -d "$f" ]; then continue; fi; \
        if [ -f "$f" ] || [ -L "$f" ]; then cp -a --parents "$f" /rootfs/; fi; \
      done; \
    done; \
    # Generated at install time, so not in dpkg -L.
    cp -a --parents /etc/ssl/certs /rootfs/; \
    mkdir -p /rootfs/tmp /rootfs/home/nonroot /rootfs/root; \
    chmod 1777 /rootfs/tmp; chmod 700 /rootfs/root; \
    chown 65532:65532 /rootfs/home/nonroot; chmod 700 /rootfs/home/nonroot; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /rootfs/etc/passwd; \
    printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > /rootfs/etc/group; \
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' > /rootfs/etc/nsswitch.conf; \
    test ! -e /rootfs/bin/sh && test ! -e /rootfs/usr/bin/sh

FROM scratch
COPY --from=rootfs /rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /home/nonroot
