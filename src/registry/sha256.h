// Private: incremental SHA-256 (OpenSSL EVP) for verifying blobs while they stream.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace faas::registry::detail {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // "sha256:<64 lowercase hex>"; call once.
  std::string digest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_digest(std::string_view data);

}  // namespace faas::registry::detail
