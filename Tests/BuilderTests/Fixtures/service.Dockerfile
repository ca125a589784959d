# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG BASE=busybox:1.36

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETARCH
ARG VERSION=dev
ENV CGO_ENABLED=0 \
    GOARCH=$TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    # dependencies first, so the layer caches
    go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build <<EOF
set -e
go build -ldflags "-X main.version=${VERSION}" -o /out/server ./cmd/server
EOF

FROM build AS test
RUN go test ./...

FROM ${BASE}
COPY --from=build --chmod=0755 /out/server /usr/local/bin/server
COPY <<-"EOT" /etc/server/config.toml
	listen = ":8080"
	level = "$LOG_LEVEL"
	EOT
ENV LOG_LEVEL=info
USER 65534:65534
EXPOSE 8080/tcp
HEALTHCHECK --interval=10s --timeout=2s --retries=3 \
  CMD ["/usr/local/bin/server", "-health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/server"]
