#include "faas/function.h"

// Called once per request (possibly from several threads at once).
faas::Response handle(const faas::Request& req) {
  faas::Response res;
  res.status = 200;
  res.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  res.body = "Hello from cpp-http. You said: " + req.body;
  return res;
}
