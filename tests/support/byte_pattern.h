// BytePattern: a deterministic byte stream of any length for large-body tests, produced and checked
// piece by piece so neither side ever holds more than one block.
//
// The stream is 1 MiB blocks of pseudo-random bytes; the first 8 bytes of block k hold k, so a
// dropped, repeated or reordered block is caught as well as a corrupted byte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace faas::test {

class BytePattern {
 public:
  static constexpr std::size_t kBlock = 1 << 20;

  static const std::vector<char>& base() {
    static const std::vector<char> block = [] {
      std::vector<char> b(kBlock);
      std::uint64_t x = 0x9E3779B97F4A7C15ULL;
      for (auto& c : b) {  // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        c = static_cast<char>(x >> 24);
      }
      return b;
    }();
    return block;
  }

  // The expected byte run at [offset, offset + n) within one block, written to out.
  static void expected(std::uint64_t offset, std::size_t n, char* out) {
    const std::uint64_t block = offset / kBlock;
    const std::size_t in_block = offset % kBlock;
    std::memcpy(out, base().data() + in_block, n);
    for (std::size_t i = in_block; i < 8 && i < in_block + n; ++i) {
      out[i - in_block] = static_cast<char>(block >> (8 * i));
    }
  }
};

// Produces `total` bytes of the pattern in pieces of at most `piece` bytes (a BodySource).
class PatternSource {
 public:
  PatternSource(std::uint64_t total, std::size_t piece = 64 * 1024)
      : total_(total), piece_(std::min(piece, BytePattern::kBlock)), buf_(piece_) {}

  std::string_view operator()() {
    if (sent_ >= total_) return {};
    std::size_t in_block = sent_ % BytePattern::kBlock;
    auto n = static_cast<std::size_t>(
        std::min<std::uint64_t>({piece_, total_ - sent_, BytePattern::kBlock - in_block}));
    BytePattern::expected(sent_, n, buf_.data());
    sent_ += n;
    return {buf_.data(), n};
  }
  std::uint64_t sent() const { return sent_; }

 private:
  std::uint64_t total_;
  std::uint64_t sent_ = 0;
  std::size_t piece_;
  std::vector<char> buf_;
};

// Checks received pieces against the pattern; remembers the first mismatch.
class PatternVerifier {
 public:
  void consume(std::string_view data) {
    while (!data.empty()) {
      std::size_t in_block = received_ % BytePattern::kBlock;
      std::size_t n = std::min(data.size(), BytePattern::kBlock - in_block);
      if (scratch_.size() < n) scratch_.resize(n);
      BytePattern::expected(received_, n, scratch_.data());
      if (ok_ && std::memcmp(scratch_.data(), data.data(), n) != 0) {
        ok_ = false;
        for (std::size_t i = 0; i < n; ++i) {
          if (scratch_[i] != data[i]) {
            first_mismatch_ = received_ + i;
            break;
          }
        }
      }
      received_ += n;
      data.remove_prefix(n);
    }
  }
  std::uint64_t received() const { return received_; }
  bool ok() const { return ok_; }
  std::uint64_t first_mismatch() const { return first_mismatch_; }

 private:
  std::uint64_t received_ = 0;
  bool ok_ = true;
  std::uint64_t first_mismatch_ = 0;
  std::vector<char> scratch_;
};

}  // namespace faas::test
