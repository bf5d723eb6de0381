// Private: the shared channel, stubs and the glue from gRPC completions to Asio coroutines.
#pragma once

#include <grpcpp/grpcpp.h>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "faas/containerd/client.h"
#include "github.com/containerd/containerd/api/services/containers/v1/containers.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/content/v1/content.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/diff/v1/diff.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/images/v1/images.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/leases/v1/leases.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/namespaces/v1/namespace.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/snapshots/v1/snapshots.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/version/v1/version.grpc.pb.h"

namespace faas::containerd::detail {

namespace asio = boost::asio;
namespace api = ::containerd::services;

struct Core {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<api::version::v1::Version::Stub> version;
  std::unique_ptr<api::namespaces::v1::Namespaces::Stub> namespaces;
  std::unique_ptr<api::containers::v1::Containers::Stub> containers;
  std::unique_ptr<api::tasks::v1::Tasks::Stub> tasks;
  std::unique_ptr<api::images::v1::Images::Stub> images;
  std::unique_ptr<api::content::v1::Content::Stub> content;
  std::unique_ptr<api::snapshots::v1::Snapshots::Stub> snapshots;
  std::unique_ptr<api::diff::v1::Diff::Stub> diff;
  std::unique_ptr<api::leases::v1::Leases::Stub> leases;
  ClientOptions options;
  // Streaming calls (content write/read) block a thread; they run here, never on an io thread.
  asio::thread_pool pool{2};

  std::mutex mu;
  std::set<grpc::ClientContext*> inflight;  // guarded by mu

  void track(grpc::ClientContext* ctx);
  void untrack(grpc::ClientContext* ctx);
  void cancel_all();
};

// Per-call settings: namespace, optional lease, deadline (none for waits).
struct CallOptions {
  std::string ns;
  std::string lease;
  std::optional<std::chrono::milliseconds> timeout;
};
void prepare_context(grpc::ClientContext& ctx, const CallOptions& call);

Error to_error(const grpc::Status& status, std::string what);

template <class Req, class Resp, class Handler>
struct Pending {
  Pending(Handler h, Req r)
      : handler(std::move(h)),
        work(asio::make_work_guard(asio::get_associated_executor(handler))),
        req(std::move(r)) {}
  Handler handler;
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work;
  grpc::ClientContext ctx;
  Req req;
  Resp resp;
};

// One unary RPC through the callback API. start(ctx, req, resp, done) calls
// stub->async()->Method(ctx, req, resp, done). Completes on the awaiting coroutine's executor.
template <class Resp, class Req, class Start>
asio::awaitable<Result<Resp>> unary(std::shared_ptr<Core> core, CallOptions call, Req req,
                                    Start start, std::string what) {
  auto init = [&](auto handler) {
    using H = decltype(handler);
    auto p = std::make_shared<Pending<Req, Resp, H>>(std::move(handler), std::move(req));
    prepare_context(p->ctx, call);
    auto slot = asio::get_associated_cancellation_slot(p->handler);
    if (slot.is_connected()) {
      slot.assign([ctx = &p->ctx](asio::cancellation_type) { ctx->TryCancel(); });
    }
    core->track(&p->ctx);
    start(&p->ctx, &p->req, &p->resp,
          [core, p, what = std::move(what)](grpc::Status status) mutable {
            core->untrack(&p->ctx);
            auto ex = p->work.get_executor();
            // Everything moves to the io thread: the last Core reference must not die on a gRPC
            // thread (that would tear the channel down from inside its own callback).
            asio::post(ex, [p = std::move(p), core = std::move(core), status = std::move(status),
                            what = std::move(what)]() mutable {
              auto slot = asio::get_associated_cancellation_slot(p->handler);
              if (slot.is_connected()) slot.clear();
              Result<Resp> result = status.ok() ? Result<Resp>(std::move(p->resp))
                                                : Result<Resp>(to_error(status, std::move(what)));
              auto handler = std::move(p->handler);
              p->work.reset();
              std::move(handler)(std::move(result));
            });
          });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<Resp>)>(
      init, asio::use_awaitable);
}

// Runs fn() (blocking) on the core's pool and completes on the awaiting coroutine's executor.
template <class T, class Fn>
asio::awaitable<Result<T>> blocking(std::shared_ptr<Core> core, Fn fn) {
  auto init = [&](auto handler) {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(core->pool, [fn = std::move(fn), handler = std::move(handler),
                            work = std::move(work)]() mutable {
      Result<T> result = fn();
      auto ex = work.get_executor();
      // fn travels back too: it may hold the last reference to the Core, whose pool must not
      // be destroyed on one of its own threads.
      asio::post(ex, [handler = std::move(handler), result = std::move(result),
                      fn = std::move(fn)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<T>)>(
      init, asio::use_awaitable);
}

// Conversions between project types and the protobuf messages.
Labels to_labels(const google::protobuf::Map<std::string, std::string>& m);
void set_labels(google::protobuf::Map<std::string, std::string>* m, const Labels& labels);
Mount from_proto(const ::containerd::types::Mount& m);
void to_proto(const Mount& m, ::containerd::types::Mount* out);
Descriptor from_proto(const ::containerd::types::Descriptor& d);
void to_proto(const Descriptor& d, ::containerd::types::Descriptor* out);

}  // namespace faas::containerd::detail
