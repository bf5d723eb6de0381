#include "faas/provider/provider.h"

#include "faas/provider/errors.h"

namespace faas::provider {

Task<std::string> Provider::import_image(std::string /*archive_path*/, std::string /*name*/,
                                         std::string /*namespace_*/) {
  co_return provider_error(ProviderErrc::kNotImplemented,
                           "this provider has no image store: push the image to a registry");
}

}  // namespace faas::provider
