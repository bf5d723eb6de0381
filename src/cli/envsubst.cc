#include "faas/cli/envsubst.h"

namespace faas::cli {
namespace {

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Index of the '}' closing the "${" that starts at `open`, honouring nested "${...}".
size_t find_close(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// The inside of "${...}": NAME, optionally followed by an operator and a word.
Result<std::string> expand_braced(std::string_view inner, const Environment& env) {
  size_t n = 0;
  while (n < inner.size() && is_name_char(inner[n])) ++n;
  if (n == 0 || !is_name_start(inner[0])) {
    return invalid_argument("bad substitution ${" + std::string(inner) + "}");
  }
  auto value = lookup(env, inner.substr(0, n));
  std::string_view rest = inner.substr(n);
  if (rest.empty()) return value.value_or("");
  bool colon = rest.front() == ':';
  if (colon) rest.remove_prefix(1);
  if (rest.empty()) return invalid_argument("bad substitution ${" + std::string(inner) + "}");
  char op = rest.front();
  std::string_view word = rest.substr(1);
  bool present = colon ? (value && !value->empty()) : value.has_value();
  switch (op) {
    case '-':
    case '=':
      if (present) return *value;
      return envsubst(word, env);
    case '+':
      if (present) return envsubst(word, env);
      return std::string();
    default:
      return invalid_argument("bad substitution ${" + std::string(inner) + "}");
  }
}

}  // namespace

Result<std::string> envsubst(std::string_view text, const Environment& env) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    char next = text[i + 1];
    if (next == '$') {
      out += '$';
      ++i;
    } else if (next == '{') {
      size_t close = find_close(text, i);
      if (close == std::string_view::npos) return invalid_argument("unterminated ${ in text");
      auto value = expand_braced(text.substr(i + 2, close - i - 2), env);
      if (!value) return value.error();
      out += *value;
      i = close;
    } else if (is_name_start(next)) {
      size_t end = i + 1;
      while (end < text.size() && is_name_char(text[end])) ++end;
      out += lookup(env, text.substr(i + 1, end - i - 1)).value_or("");
      i = end - 1;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace faas::cli
