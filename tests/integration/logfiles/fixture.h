// Shared helpers of the logfiles tests: a private directory, real files written the way the
// containerd shim writes them (O_APPEND), and reads run on a real io_context.
#pragma once

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "faas/logfiles/log_files.h"

namespace faas::logfiles::test {

namespace net = boost::asio;
using namespace std::chrono_literals;

// "2006/01/02 15:04:05 " for `t` in local time, as fwatchdog prints it.
inline std::string go_time(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S ", &tm);
  return buf;
}

inline void append(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

inline void set_mtime(const std::string& path, std::time_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

inline std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

class LogFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "logfiles-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    make_files(Config{.dir = root_ + "/logs"});
  }
  void TearDown() override {
    files_.reset();
    std::filesystem::remove_all(root_);
  }
  void make_files(Config config) {
    files_ = std::make_unique<LogFiles>(io_.get_executor(), std::move(config));
  }

  std::string path(const std::string& fn, const std::string& instance,
                   const std::string& ns = "openfaas-fn") {
    auto p = files_->path_for(ns, fn, instance);
    EXPECT_TRUE(p) << p.error().message();
    return p ? *p : "";
  }

  static provider::LogRequest request(const std::string& fn) {
    provider::LogRequest r;
    r.function = provider::FunctionRef{fn, ""};
    return r;
  }

  // A read to its end (no follow).
  std::vector<api::LogMessage> read_all(provider::LogRequest r) {
    std::vector<api::LogMessage> got;
    bool done = false;
    Result<void> result;
    provider::LogSink sink = [&got](const api::LogMessage& m) -> net::awaitable<bool> {
      got.push_back(m);
      co_return true;
    };
    net::co_spawn(io_, files_->read(std::move(r), std::move(sink)),
                  [&](std::exception_ptr e, Result<void> res) {
                    EXPECT_FALSE(e);
                    result = std::move(res);
                    done = true;
                  });
    io_.restart();
    io_.run();
    EXPECT_TRUE(done);
    EXPECT_TRUE(result) << (result ? "" : result.error().message());
    return got;
  }

  // A follow running in the background of run_until().
  struct Follow {
    std::vector<api::LogMessage> got;
    bool done = false;
    bool keep_going = true;  // the sink's answer
    std::optional<Result<void>> result;
    net::cancellation_signal cancel;
  };
  std::shared_ptr<Follow> start_follow(provider::LogRequest r) {
    auto f = std::make_shared<Follow>();
    r.follow = true;
    provider::LogSink sink = [f](const api::LogMessage& m) -> net::awaitable<bool> {
      f->got.push_back(m);
      co_return f->keep_going;
    };
    net::co_spawn(io_, files_->read(std::move(r), std::move(sink)),
                  net::bind_cancellation_slot(f->cancel.slot(),
                                              [f](std::exception_ptr e, Result<void> res) {
                                                EXPECT_FALSE(e);
                                                f->result = std::move(res);
                                                f->done = true;
                                              }));
    return f;
  }

  // Runs the io_context until `done()` (true) or a generous deadline (false). Not a timing
  // assertion: the deadline only turns a hang into a failure.
  bool run_until(const std::function<bool()>& done, std::chrono::seconds deadline = 60s) {
    auto end = std::chrono::steady_clock::now() + deadline;
    io_.restart();
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) return false;
      io_.run_for(5ms);
      io_.restart();
    }
    return true;
  }

  static std::vector<std::string> texts(const std::vector<api::LogMessage>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.text);
    return out;
  }

  net::io_context io_;
  std::string root_;
  std::unique_ptr<LogFiles> files_;
};

}  // namespace faas::logfiles::test
