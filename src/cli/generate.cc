#include "faas/cli/generate.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <regex>
#include <sstream>

namespace faas::cli {
namespace {

// What yaml.v3's resolver reads as null, bool (including YAML 1.1's yes/no/on/off, which it
// quotes for older parsers), int, float or timestamp instead of a string.
bool resolves_to_non_string(std::string_view s) {
  static const std::regex kSpecial(
      "|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|"
      "y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|"
      "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  static const std::regex kNumber(
      "[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)|"  // ints
      "[-+]?([0-9][0-9_]*)?\\.?[0-9_]*([eE][-+]?[0-9]+)?|"        // floats
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|"            // base 60
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?");                // timestamps
  std::string str(s);
  if (std::regex_match(str, kSpecial)) return true;
  bool has_digit = std::any_of(str.begin(), str.end(), [](char c) { return std::isdigit(c); });
  return has_digit && std::regex_match(str, kNumber);
}

// libyaml's analysis: may the scalar be written plain (block context)?
bool plain_allowed(std::string_view s) {
  static constexpr std::string_view kLeading = "-?:,[]{}#&*!|>'\"%@`";
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (kLeading.find(s.front()) != std::string_view::npos) {
    // "-x", "?x", ":x" are plain when followed by a non-space.
    bool indicator_ok =
        (s.front() == '-' || s.front() == '?' || s.front() == ':') && s.size() > 1 && s[1] != ' ';
    if (!indicator_ok) return false;
  }
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) {
    return false;
  }
  if (s.back() == ':') return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789ABCDEF";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void write_map(std::ostringstream& out, std::string_view key, const api::StringMap& m) {
  if (m.empty()) return;
  std::vector<const api::StringMap::value_type*> entries;
  for (const auto& e : m) entries.push_back(&e);
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto* a, const auto* b) { return yaml_key_less(a->first, b->first); });
  out << "  " << key << ":\n";
  for (const auto* e : entries) {
    out << "    " << yaml_scalar(e->first) << ": " << yaml_scalar(e->second) << "\n";
  }
}

void write_list(std::ostringstream& out, std::string_view key,
                const std::vector<std::string>& items) {
  if (items.empty()) return;
  out << "  " << key << ":\n";
  for (const auto& item : items) out << "    - " << yaml_scalar(item) << "\n";
}

void write_resources(std::ostringstream& out, std::string_view key,
                     const std::optional<StackResources>& r) {
  if (!r) return;
  if (r->memory.empty() && r->cpu.empty()) {
    out << "  " << key << ": {}\n";
    return;
  }
  out << "  " << key << ":\n";
  if (!r->memory.empty()) out << "    memory: " << yaml_scalar(r->memory) << "\n";
  if (!r->cpu.empty()) out << "    cpu: " << yaml_scalar(r->cpu) << "\n";
}

Result<std::string> function_crd(const StackFunction& fn, const Stack& stack, const CrdOptions& o) {
  auto env = merged_environment(fn, stack.dir);
  if (!env) return env.error();
  std::ostringstream out;
  out << "---\napiVersion: " << yaml_scalar(o.api_version) << "\nkind: Function\nmetadata:\n"
      << "  name: " << yaml_scalar(fn.name) << "\n";
  if (!o.namespace_.empty()) out << "  namespace: " << yaml_scalar(o.namespace_) << "\n";
  out << "spec:\n  name: " << yaml_scalar(fn.name) << "\n  image: " << yaml_scalar(fn.image)
      << "\n";
  write_map(out, "environment", *env);
  write_map(out, "labels", fn.labels);
  write_map(out, "annotations", fn.annotations);
  write_resources(out, "limits", fn.limits);
  write_resources(out, "requests", fn.requests);
  write_list(out, "constraints", fn.constraints);
  write_list(out, "secrets", fn.secrets);
  if (fn.readonly_root_filesystem) out << "  readOnlyRootFilesystem: true\n";
  return out.str();
}

}  // namespace

bool yaml_key_less(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  bool digits = false;  // the common prefix ends in a digit
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) {
      digits = digit(a[i]);
      continue;
    }
    bool al = letter(a[i]), bl = letter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return digits ? al : bl;
    // Runs of digits compare as numbers ("fn9" < "fn10"); a leading zero after a non-zero digit
    // of the common prefix still counts as part of the number.
    std::int64_t an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (std::size_t j = i; j-- > 0 && digit(a[j]);) {
        if (a[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    std::size_t ai = i, bi = i;
    for (; ai < a.size() && digit(a[ai]); ++ai) an = an * 10 + (a[ai] - '0');
    for (; bi < b.size() && digit(b[bi]); ++bi) bn = bn * 10 + (b[bi] - '0');
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

std::string yaml_scalar(std::string_view s) {
  if (s.find('\n') != std::string_view::npos || resolves_to_non_string(s)) {
    return double_quoted(s);
  }
  return plain_allowed(s) ? std::string(s) : single_quoted(s);
}

Result<std::string> function_crds(const std::vector<StackFunction>& fns, const Stack& stack,
                                  const CrdOptions& options) {
  if (options.api_version != kCrdApiVersion) {
    return invalid_argument("unsupported API version \"" + options.api_version +
                            "\", must be one of: " + kCrdApiVersion);
  }
  std::vector<const StackFunction*> ordered;
  for (const auto& fn : fns) ordered.push_back(&fn);
  std::sort(ordered.begin(), ordered.end(),
            [](const StackFunction* a, const StackFunction* b) { return a->name < b->name; });
  std::string out;
  for (const StackFunction* fn : ordered) {
    auto doc = function_crd(*fn, stack, options);
    if (!doc) return doc.error();
    out += *doc;
  }
  return out;
}

}  // namespace faas::cli
