// envsubst: the variable expansion faas-cli applies to stack files before parsing them
// (drone/envsubst, a subset of POSIX shell parameter expansion). Pure function.
#pragma once

#include <string>
#include <string_view>

#include "faas/core/env.h"
#include "faas/core/result.h"

namespace faas::cli {

// Expands in `text`:
//   $NAME, ${NAME}            value, or "" when unset
//   ${NAME:-word} ${NAME-word} word when NAME is unset or empty (:-) / unset (-)
//   ${NAME:=word} ${NAME=word} same as :- / - (the environment is not modified)
//   ${NAME:+word} ${NAME+word} word when NAME is set and non-empty (:+) / set (+), else ""
//   $$                         a literal $
// `word` is expanded itself, so defaults may nest (${A:-${B}}). A `$` not followed by a name or
// `{` stays as it is. Errors: an unterminated `${` or a bad name inside braces.
Result<std::string> envsubst(std::string_view text, const Environment& env);

}  // namespace faas::cli
