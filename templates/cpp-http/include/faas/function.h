// The contract between the cpp-http template's server (main.cc) and a function: implement
//
//   faas::Response handle(const faas::Request& req);
//
// in any .cc file of the handler folder. It is called once per request, possibly from several
// threads at once (one per connection), so shared state needs a lock. An exception that escapes
// it becomes a 500 (its what() goes to the function's log).
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faas {

// Header names compare case-insensitively, as HTTP says.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) <
             std::tolower(static_cast<unsigned char>(y));
    });
  }
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/a/b", without the query
  std::string query;   // raw query string without '?', e.g. "name=x&n=1"
  // Repeated headers are joined with ", ".
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;  // the whole request body

  // The header's value, or "" when absent.
  std::string header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }

  // The first value of a query parameter, percent-decoded ('+' is a space); nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
      size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      size_t eq = pair.find('=');
      if (decode(pair.substr(0, eq)) != name) continue;
      return eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
    }
    return std::nullopt;
  }

  static std::string decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size() &&
                 std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }
};

struct Response {
  int status = 200;
  // Sent as given; Content-Type defaults to "text/plain; charset=utf-8" when not set here.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace faas

// Implemented by the function (handler folder).
faas::Response handle(const faas::Request& req);
