// Imposter: a scripted HTTP/1.1 server on 127.0.0.1 (port 0) for tests of HTTP clients.
//
// Rules say what to answer: `when("GET", "/system/functions", Reply::json(200, "[]"))` (the path is
// matched without the query; later rules replace earlier ones; no rule -> 404 "no imposter rule").
// Every request received is recorded (method, target, path, query, headers, body) so a test can
// assert exactly what its client sent. Replies can be streamed chunk by chunk with a hook before
// each chunk (to hold the stream until the test has seen the previous one), can hang (read and
// never answer), close without answering, close after answering without saying so (a stale
// keep-alive connection), or send raw bytes.
//
// The server runs on its own thread and io_context; the methods are thread-safe. Reply hooks run
// on the imposter's thread and may block it (bound the wait: the destructor waits for them).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_client.h"

namespace faas::test {

struct RecordedRequest {
  std::string method;  // "GET"
  std::string target;  // "/system/function/x?namespace=y"
  std::string path;    // "/system/function/x"
  std::string query;   // "namespace=y" (raw)
  Headers headers;
  std::string body;

  // The first value of a header (case-insensitive name), if present.
  std::optional<std::string> header(std::string_view name) const;
  // The decoded value of a query parameter, if present.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Reply {
  enum class Action {
    kRespond,  // status, headers, body (or chunks)
    kHang,     // read the request, never answer; close only when the client does
    kClose,    // close the connection without answering
    kRaw,      // write `raw` verbatim, then close
  };
  Action action = Action::kRespond;
  unsigned status = 200;
  Headers headers;
  std::string body;  // sent with Content-Length unless `chunks` is non-empty
  // Non-empty: the body goes out with Transfer-Encoding: chunked, one chunk per element, each
  // written to the socket before before_chunk(i + 1) runs.
  std::vector<std::string> chunks;
  std::function<void(std::size_t index)> before_chunk;
  std::string raw;
  // Close the connection after this response without a "Connection: close" header, so the client
  // keeps a connection the server has already dropped.
  bool close_after = false;

  static Reply text(unsigned status, std::string body);
  static Reply json(unsigned status, std::string body);
  static Reply hang();
  static Reply close();
  static Reply raw_bytes(std::string bytes);
};

class Imposter {
 public:
  Imposter();  // binds 127.0.0.1:0 and starts serving; a failure to bind fails the test
  ~Imposter();
  Imposter(const Imposter&) = delete;
  Imposter& operator=(const Imposter&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:<port>"

  void when(std::string method, std::string path, Reply reply);
  // A rule whose reply depends on the request (e.g. 401 until an Authorization header comes);
  // responder runs on the imposter's thread. Replaces a fixed rule for the same method and path.
  using Responder = std::function<Reply(const RecordedRequest&)>;
  void when_request(std::string method, std::string path, Responder responder);

  std::vector<RecordedRequest> requests() const;
  // The most recent request; an empty RecordedRequest (method "") when none arrived yet.
  RecordedRequest last_request() const;
  std::size_t connections() const { return connections_.load(); }

  // Closes the listener and every open connection and joins the thread (the destructor does it).
  void stop();

 private:
  struct Impl;
  std::optional<Reply> find(const std::string& method, const std::string& path) const;
  std::optional<Reply> reply_to(const RecordedRequest& request) const;
  void record(RecordedRequest request);

  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Reply> rules_;           // guarded by mutex_
  std::map<std::pair<std::string, std::string>, Responder> responders_;  // guarded by mutex_
  std::vector<RecordedRequest> requests_;                                // guarded by mutex_
  std::thread thread_;
};

}  // namespace faas::test
