// The numeric user of an image. An image config's `User` may be a name ("app", "app:staff"), which
// runc cannot use: like docker and faasd, we read the image's own /etc/passwd and /etc/group
// (function templates say `USER app`). Numeric users ("1000", "1000:1000") pass through as they are.
#pragma once

#include <string>
#include <string_view>

#include "faas/containerd/client.h"
#include "faas/containerd/types.h"
#include "faas/core/result.h"

namespace faas::containerd {

// "uid:gid" for `user` given the text of the image's passwd and group files. A numeric uid without
// a group takes its primary gid from passwd (0 if it has no entry). Errors name the missing user
// or group.
Result<std::string> numeric_user(std::string_view user, std::string_view passwd,
                                 std::string_view group);

// The image's config user as "uid:gid" (empty stays empty: root). Names are looked up in the
// image's unpacked layers (a short-lived snapshot on image.chain_id gives their directories).
Async<std::string> resolve_image_user(Client client, Image image);

}  // namespace faas::containerd
