// Function templates and `faas-cli new` (reference §7.2, §8.1). A template is a directory
// <root>/<lang>/ with template.yml, a Dockerfile and a handler skeleton in `function/` (or the
// template's handler_folder). Roots are searched in order: ./template (faas-cli's pulled
// templates), $FAAS_TEMPLATE_DIR, then the templates/ directory shipped with faas++.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

struct BuildOption {
  std::string name;
  std::vector<std::string> packages;
};

struct LanguageTemplate {
  std::string language;
  std::string fprocess;
  std::string welcome_message;
  std::string handler_folder = "function";
  std::vector<BuildOption> build_options;
};

Result<LanguageTemplate> read_template_yml(const std::filesystem::path& file);

std::vector<std::filesystem::path> template_roots(const Environment& env,
                                                  const std::filesystem::path& cwd);
// The first root holding <lang>/template.yml.
std::optional<std::filesystem::path> find_template(const std::vector<std::filesystem::path>& roots,
                                                   const std::string& lang);
// Every language in the roots, sorted, without duplicates.
std::vector<std::string> list_templates(const std::vector<std::filesystem::path>& roots);

struct NewFunction {
  std::string name;
  std::string lang;
  std::string prefix;      // image prefix (registry/owner), may be empty
  std::string handler;     // folder, default ./<name>
  std::string stack_file;  // file to write or append to, default stack.yaml
  std::string gateway = "http://127.0.0.1:8080";
};

struct NewResult {
  std::filesystem::path handler_dir;
  std::filesystem::path stack_file;
  bool appended = false;
  std::string welcome_message;
};

// Copies the template's handler skeleton to the handler folder (which must not exist), copies the
// template itself into <cwd>/template/<lang> when it came from elsewhere (so deploy can read its
// fprocess and build can find it), and writes the stack file, or appends the function to it
// when it exists (the name must not be taken). Relative paths are against `cwd`.
Result<NewResult> new_function(const NewFunction& fn,
                               const std::vector<std::filesystem::path>& roots,
                               const std::filesystem::path& cwd);

inline constexpr const char* kDefaultTemplateRepository =
    "https://github.com/openfaas/templates.git";

struct PullOptions {
  std::string source;     // a directory, or a git URL with an optional "#ref"
  std::string only;       // pull just this template ("" = all)
  bool overwrite = true;  // replace templates already in ./template
};

struct PullResult {
  std::vector<std::string> written;
  std::vector<std::string> skipped;  // existed and overwrite was false
};

// `faas-cli template pull`: copies the templates of `source` (its template/ folder, or the
// folder itself when it holds <lang>/template.yml directly) into <cwd>/template/. A git source is
// cloned (depth 1) with the `git` found on env's PATH into a temporary directory first.
Result<PullResult> pull_templates(const PullOptions& options, const Environment& env,
                                  const std::filesystem::path& cwd);

// The text of the function's entry under `functions:`, indented two spaces.
std::string function_stanza(const NewFunction& fn);

}  // namespace faas::cli
