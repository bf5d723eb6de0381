// Upstream server of the go template: the watchdog (mode=http) starts it once and proxies each
// request to it on 127.0.0.1:8082. The handler contract is OpenFaaS's golang-middleware one:
// function.Handle(w http.ResponseWriter, r *http.Request), standard library only.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"handler/function"
)

const defaultTimeout = 10 * time.Second

func main() {
	readTimeout := durationFromEnv("read_timeout", defaultTimeout)
	writeTimeout := durationFromEnv("write_timeout", defaultTimeout)
	port := os.Getenv("http_port")
	if port == "" {
		port = "8082"
	}

	s := &http.Server{
		Addr:           "127.0.0.1:" + port,
		Handler:        http.HandlerFunc(function.Handle),
		ReadTimeout:    readTimeout,
		WriteTimeout:   writeTimeout,
		MaxHeaderBytes: 1 << 20,
	}
	listenUntilShutdown(s, writeTimeout)
}

// On SIGTERM the watchdog stops sending new requests first; finish the ones in flight, then exit.
func listenUntilShutdown(s *http.Server, shutdownTimeout time.Duration) {
	done := make(chan struct{})
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		<-sig
		log.Printf("[entrypoint] SIGTERM received, shutting down within %s", shutdownTimeout)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			log.Printf("[entrypoint] shutdown: %v", err)
		}
		close(done)
	}()
	if err := s.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatalf("[entrypoint] listen: %v", err)
	}
	<-done
}

// A bare integer is seconds, otherwise a Go duration, as the watchdog reads its own timeouts.
func durationFromEnv(name string, fallback time.Duration) time.Duration {
	val := os.Getenv(name)
	if val == "" {
		return fallback
	}
	if n, err := strconv.Atoi(val); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(val); err == nil {
		return d
	}
	return fallback
}
