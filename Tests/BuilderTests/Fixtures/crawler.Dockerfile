# The lesson's multi-stage build: a 782 MB builder image, a 41 MB result.
FROM golang-builder AS builder
LABEL maintainer="crawler-team@example.com"
WORKDIR /src
COPY . .
RUN go build -o /src/crawler ./cmd/crawler

FROM busybox
WORKDIR /app
COPY --from=builder /src/crawler /app/crawler
COPY config.toml /app/
EXPOSE 8080
CMD ["./crawler","worker"]
