// LogFiles::read: the initial messages (tail: backward from the ends of the files; otherwise a
// forward merge of every instance), then, when following, a poll loop over the live files.
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "faas/logfiles/log_files.h"
#include "layout.h"
#include "reader.h"
#include "shared.h"

namespace faas::logfiles {

namespace net = boost::asio;
using detail::Line;

namespace {

// One instance being read: its files, the rotated copy's identity before we started, and where its
// follower continues.
struct Source {
  detail::InstanceFiles files;
  detail::FileSig rotated;
  detail::FollowPoint point;
};

struct Stamped {
  std::size_t source;
  Line line;
};

// The last `tail` lines at or after `since` over every source, oldest first. Reads backward from
// the ends of the files, so only about `tail` lines are read per source.
std::vector<Stamped> tail_lines(std::vector<Source>& sources, const provider::LogRequest& request,
                                const detail::Shared& shared, const std::string& ns) {
  std::vector<std::unique_ptr<detail::BackwardReader>> readers;
  std::vector<std::optional<Line>> heads;
  for (auto& s : sources) {
    bool finished = shared.finished(ns, request.function.name, s.files.instance);
    readers.push_back(std::make_unique<detail::BackwardReader>(s.files.chain, finished));
    heads.push_back(readers.back()->prev());
  }
  for (std::size_t i = 0; i < sources.size(); ++i) sources[i].point = readers[i]->follow_point();
  std::vector<Stamped> out;
  while (out.size() < static_cast<std::size_t>(request.tail)) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < heads.size(); ++i) {
      if (heads[i] && (!best || heads[i]->timestamp > heads[*best]->timestamp)) best = i;
    }
    if (!best) break;
    auto& head = heads[*best];
    if (request.since && head->timestamp < *request.since) {
      head.reset();  // older lines of this source are older still
      continue;
    }
    out.push_back(Stamped{*best, std::move(*head)});
    head = readers[*best]->prev();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// What every step of one read() needs.
struct ReadContext {
  provider::LogRequest request;
  std::string ns;
  std::string dir;  // the function's directory
  std::shared_ptr<detail::Shared> shared;
  provider::LogSink sink;

  bool wanted(const std::string& instance) const {
    return request.instance.empty() || instance == request.instance;
  }
  bool finished(const std::string& instance) const {
    return shared->finished(ns, request.function.name, instance);
  }
  // Named local first: GCC 12 and temporaries holding strings inside co_await (design 002).
  net::awaitable<bool> send(const std::string& instance, Line&& line) {
    api::LogMessage message{.name = request.function.name,
                            .namespace_ = ns,
                            .instance = instance,
                            .timestamp = line.timestamp,
                            .text = std::move(line.text)};
    bool more = co_await sink(message);
    co_return more;
  }
};

// Sleeps until the next poll, stop() or cancellation; false when the follow must end.
net::awaitable<bool> wait_poll(std::shared_ptr<detail::Shared> shared) {
  if (shared->stopped) co_return false;
  net::steady_timer timer(co_await net::this_coro::executor, shared->config.poll);
  struct Registration {
    std::list<net::steady_timer*>& list;
    std::list<net::steady_timer*>::iterator it;
    ~Registration() { list.erase(it); }
  } registration{shared->waiters, shared->waiters.insert(shared->waiters.end(), &timer)};
  // Expiry, stop() (cancel) or our cancellation: the state below tells them apart.
  auto waited = timer.async_wait(net::as_tuple(net::use_awaitable));
  (void)co_await std::move(waited);
  auto state = co_await net::this_coro::cancellation_state;
  if (state.cancelled() != net::cancellation_type::none) co_return false;
  co_return !shared->stopped;
}

// Without tail: every instance merged forward, oldest line first. False: the sink said stop.
net::awaitable<bool> send_all(ReadContext& cx, std::vector<Source>& sources) {
  std::vector<std::unique_ptr<detail::ForwardReader>> readers;
  std::vector<std::optional<Line>> heads;
  for (auto& s : sources) {
    readers.push_back(
        std::make_unique<detail::ForwardReader>(s.files.chain, cx.finished(s.files.instance)));
    heads.push_back(readers.back()->next());
  }
  for (std::size_t skipped = 0;;) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < heads.size(); ++i) {
      if (heads[i] && (!best || heads[i]->timestamp < heads[*best]->timestamp)) best = i;
    }
    if (!best) break;
    Line line = std::move(*heads[*best]);
    heads[*best] = readers[*best]->next();
    if (cx.request.since && line.timestamp < *cx.request.since) {
      // Lines skipped by `since` involve no sink: yield now and then to the other coroutines.
      if (++skipped % 4096 == 0) co_await net::post(net::use_awaitable);
      continue;
    }
    if (!co_await cx.send(sources[*best].files.instance, std::move(line))) co_return false;
  }
  for (std::size_t i = 0; i < sources.size(); ++i) sources[i].point = readers[i]->follow_point();
  co_return true;
}

// One poll of every follower (new instances included), or on stop() their partial lines; the
// lines in time order. `names[k]` is the instance of the lines with source k.
std::vector<Stamped> poll_followers(ReadContext& cx, std::map<std::string, detail::Follower>& followers,
                                    bool stopping, std::vector<std::string>& names) {
  std::vector<Stamped> batch;
  if (stopping) {
    // stop(): the held-back partial lines are all we will ever see of them.
    for (auto& [instance, follower] : followers) {
      if (auto line = follower.take_partial()) {
        batch.push_back(Stamped{names.size(), std::move(*line)});
        names.push_back(instance);
      }
    }
    return batch;
  }
  for (auto& [instance, files] : detail::list_instances(cx.dir)) {
    if (!cx.wanted(instance) || followers.contains(instance)) continue;
    // A new instance: everything it has, its rotated copy first (the follower sees it as new).
    followers.emplace(instance, detail::Follower(files.live, {}, detail::FileSig{}));
  }
  for (auto it = followers.begin(); it != followers.end();) {
    auto lines = it->second.poll(cx.finished(it->first));
    for (auto& line : lines) batch.push_back(Stamped{names.size(), std::move(line)});
    if (!lines.empty()) names.push_back(it->first);
    it = it->second.gone() ? followers.erase(it) : std::next(it);
  }
  std::stable_sort(batch.begin(), batch.end(), [](const Stamped& a, const Stamped& b) {
    return a.line.timestamp < b.line.timestamp;
  });
  return batch;
}

net::awaitable<void> follow(ReadContext& cx, std::vector<Source>& sources) {
  std::map<std::string, detail::Follower> followers;
  for (auto& s : sources) {
    // Without a live file the chain ended in a rotated copy: follow the live file from its start.
    bool live_last = !s.files.chain.empty() && s.files.chain.back() == s.files.live;
    auto point = live_last ? std::move(s.point) : detail::FollowPoint{0, "", s.point.last};
    followers.emplace(s.files.instance, detail::Follower(s.files.live, std::move(point), s.rotated));
  }
  for (;;) {
    bool go_on = co_await wait_poll(cx.shared);
    if (!go_on && !cx.shared->stopped) co_return;  // cancelled
    std::vector<std::string> names;
    for (auto& s : poll_followers(cx, followers, !go_on, names)) {
      if (!co_await cx.send(names[s.source], std::move(s.line))) co_return;
    }
    if (!go_on) co_return;
  }
}

}  // namespace

net::awaitable<Result<void>> LogFiles::read(provider::LogRequest request, provider::LogSink sink) {
  std::string ns = request.function.namespace_.empty() ? std::string(api::kDefaultNamespace)
                                                       : request.function.namespace_;
  if (auto v = detail::check_part("namespace", ns); !v) co_return v.error();
  if (auto v = detail::check_part("function", request.function.name); !v) co_return v.error();
  // The context holds the shared state: this LogFiles may be destroyed while we are suspended.
  std::string dir = shared_->function_dir(ns, request.function.name);
  ReadContext cx{std::move(request), std::move(ns), std::move(dir), shared_, std::move(sink)};

  std::vector<Source> sources;
  for (auto& [instance, files] : detail::list_instances(cx.dir)) {
    if (!cx.wanted(instance)) continue;
    // Before any byte is read, so a rotation while we read is seen by the follower.
    auto sig = detail::file_sig(detail::rotated_path(files.live, 1));
    sources.push_back(Source{std::move(files), sig, {}});
  }
  if (cx.request.tail > 0) {
    for (auto& s : tail_lines(sources, cx.request, *cx.shared, cx.ns)) {
      if (!co_await cx.send(sources[s.source].files.instance, std::move(s.line))) {
        co_return Result<void>{};
      }
    }
  } else if (!co_await send_all(cx, sources)) {
    co_return Result<void>{};
  }
  if (cx.request.follow) co_await follow(cx, sources);
  co_return Result<void>{};
}

}  // namespace faas::logfiles
