// Basic authentication for /system/* and /ui/, as OpenFaaS does it: credentials from the files
// `basic-auth-user` and `basic-auth-password` in a secrets directory, compared in constant time.
#pragma once

#include <string>
#include <string_view>

#include "faas/core/result.h"

namespace faas::gateway {

struct Credentials {
  std::string user;
  std::string password;
};

// Reads DIR/basic-auth-user and DIR/basic-auth-password (trimmed of surrounding whitespace).
Result<Credentials> load_credentials(const std::string& dir);

// As load_credentials, but creates the directory (0700) and the files (0600) with user "admin" and
// a random 32-character password when they do not exist yet. `created` tells whether it did.
Result<Credentials> load_or_create_credentials(const std::string& dir, bool* created);

// True if `authorization` (the header value) is "Basic base64(user:password)" for these
// credentials. Runs in time independent of where the first difference is.
bool check_basic_auth(std::string_view authorization, const Credentials& expected);

// Equality whose duration depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace faas::gateway
