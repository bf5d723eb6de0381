#include "rpc.h"

namespace faas::containerd {

namespace {
class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "containerd"; }
  std::string message(int c) const override {
    switch (static_cast<Errc>(c)) {
      case Errc::kNotFound: return "not found";
      case Errc::kAlreadyExists: return "already exists";
      case Errc::kUnavailable: return "containerd unavailable";
      case Errc::kInvalidArgument: return "invalid argument";
      case Errc::kFailedPrecondition: return "failed precondition";
      case Errc::kCancelled: return "cancelled";
      case Errc::kDeadlineExceeded: return "deadline exceeded";
      case Errc::kBadImage: return "unusable image";
      case Errc::kOther: return "containerd error";
    }
    return "containerd error";
  }
};
}  // namespace

const std::error_category& containerd_category() {
  static const Category category;
  return category;
}

const char* to_string(TaskStatus s) {
  switch (s) {
    case TaskStatus::kCreated: return "created";
    case TaskStatus::kRunning: return "running";
    case TaskStatus::kStopped: return "stopped";
    case TaskStatus::kPaused: return "paused";
    case TaskStatus::kPausing: return "pausing";
    case TaskStatus::kUnknown: break;
  }
  return "unknown";
}

namespace detail {

void Core::track(grpc::ClientContext* ctx) {
  std::lock_guard lock(mu);
  inflight.insert(ctx);
}

void Core::untrack(grpc::ClientContext* ctx) {
  std::lock_guard lock(mu);
  inflight.erase(ctx);
}

void Core::cancel_all() {
  std::lock_guard lock(mu);
  for (auto* ctx : inflight) ctx->TryCancel();
}

void prepare_context(grpc::ClientContext& ctx, const CallOptions& call) {
  ctx.AddMetadata("containerd-namespace", call.ns);
  if (!call.lease.empty()) ctx.AddMetadata("containerd-lease", call.lease);
  if (call.timeout) ctx.set_deadline(std::chrono::system_clock::now() + *call.timeout);
}

Error to_error(const grpc::Status& status, std::string what) {
  Errc code = Errc::kOther;
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND: code = Errc::kNotFound; break;
    case grpc::StatusCode::ALREADY_EXISTS: code = Errc::kAlreadyExists; break;
    case grpc::StatusCode::UNAVAILABLE: code = Errc::kUnavailable; break;
    case grpc::StatusCode::INVALID_ARGUMENT: code = Errc::kInvalidArgument; break;
    case grpc::StatusCode::FAILED_PRECONDITION: code = Errc::kFailedPrecondition; break;
    case grpc::StatusCode::CANCELLED: code = Errc::kCancelled; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: code = Errc::kDeadlineExceeded; break;
    default: break;
  }
  // containerd's own message names the object ("container \"x\": not found"); keep it.
  if (!status.error_message().empty()) what += ": " + status.error_message();
  return make_error(make_error_code(code), std::move(what));
}

Labels to_labels(const google::protobuf::Map<std::string, std::string>& m) {
  return Labels(m.begin(), m.end());
}

void set_labels(google::protobuf::Map<std::string, std::string>* m, const Labels& labels) {
  for (const auto& [k, v] : labels) (*m)[k] = v;
}

Mount from_proto(const ::containerd::types::Mount& m) {
  return Mount{m.type(), m.source(), m.target(), {m.options().begin(), m.options().end()}};
}

void to_proto(const Mount& m, ::containerd::types::Mount* out) {
  out->set_type(m.type);
  out->set_source(m.source);
  out->set_target(m.target);
  for (const auto& o : m.options) out->add_options(o);
}

Descriptor from_proto(const ::containerd::types::Descriptor& d) {
  return Descriptor{d.media_type(), d.digest(), d.size()};
}

void to_proto(const Descriptor& d, ::containerd::types::Descriptor* out) {
  out->set_media_type(d.media_type);
  out->set_digest(d.digest);
  out->set_size(d.size);
}

}  // namespace detail
}  // namespace faas::containerd
