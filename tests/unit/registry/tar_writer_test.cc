#include "tar_writer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace faas::registry::detail {
namespace {

namespace fs = std::filesystem;

class TarWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("registry_tar_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string archive() const { return (dir_ / "a.tar").string(); }
  // Extracts with the system's tar, the independent judge of the format.
  void extract() {
    std::string cmd = "tar -xf " + archive() + " -C " + (dir_ / "out").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  std::string read(const std::string& rel) {
    std::ifstream in(dir_ / "out" / rel, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(TarWriterTest, SystemTarReadsWhatWeWrite) {
  auto tar = TarWriter::create(archive());
  ASSERT_TRUE(tar) << tar.error().message();
  ASSERT_TRUE(tar->add_file("oci-layout", "{}"));
  ASSERT_TRUE(tar->add_directory("blobs"));
  ASSERT_TRUE(tar->add_directory("blobs/sha256/"));
  std::string big(100000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);
  ASSERT_TRUE(tar->begin_file("blobs/sha256/" + std::string(64, 'a'), big.size()));
  for (std::size_t off = 0; off < big.size(); off += 4093)
    ASSERT_TRUE(tar->write(std::string_view(big).substr(off, 4093)));
  ASSERT_TRUE(tar->end_file());
  ASSERT_TRUE(tar->add_file("empty", ""));
  std::string long_name = std::string(120, 'd') + "/" + std::string(90, 'f');
  ASSERT_TRUE(tar->add_file(long_name, "long"));
  ASSERT_TRUE(tar->add_file("index.json", "[1]"));
  ASSERT_TRUE(tar->finish());
  EXPECT_EQ(fs::file_size(archive()) % 512, 0u);
  extract();
  EXPECT_EQ(read("oci-layout"), "{}");
  EXPECT_EQ(read("blobs/sha256/" + std::string(64, 'a')), big);
  EXPECT_TRUE(fs::is_directory(dir_ / "out" / "blobs" / "sha256"));
  EXPECT_EQ(read("empty"), "");
  EXPECT_EQ(read(long_name), "long");
  EXPECT_EQ(read("index.json"), "[1]");
}

TEST_F(TarWriterTest, WrongAmountOfDataIsAnError) {
  auto tar = TarWriter::create(archive());
  ASSERT_TRUE(tar);
  ASSERT_TRUE(tar->begin_file("f", 3));
  EXPECT_FALSE(tar->write("four"));
  ASSERT_TRUE(tar->write("ab"));
  EXPECT_FALSE(tar->end_file());          // one byte short
  EXPECT_FALSE(tar->add_file("g", "x"));  // still inside f
  EXPECT_FALSE(tar->finish());
  EXPECT_FALSE(tar->write("cd"));
  ASSERT_TRUE(tar->write("c"));
  EXPECT_TRUE(tar->end_file());
  EXPECT_FALSE(tar->end_file());
  EXPECT_FALSE(tar->write("x"));
}

TEST(TarHeader, ChecksumSizeAndLongNames) {
  char block[512];
  ASSERT_TRUE(fill_tar_header(block, "index.json", '0', 1234));
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  EXPECT_EQ(std::strtoul(block + 148, nullptr, 8), sum);
  EXPECT_EQ(std::strtoull(block + 124, nullptr, 8), 1234u);
  EXPECT_EQ(std::string(block + 257), "ustar");

  // 8 GiB and more: base-256.
  ASSERT_TRUE(fill_tar_header(block, "big", '0', 1ULL << 34));
  EXPECT_EQ(static_cast<unsigned char>(block[124]), 0x80);
  std::uint64_t size = 0;
  for (int i = 1; i < 12; ++i) size = size << 8 | static_cast<unsigned char>(block[124 + i]);
  EXPECT_EQ(size, 1ULL << 34);

  EXPECT_FALSE(fill_tar_header(block, std::string(101, 'x'), '0', 0));  // no '/' to split at
  EXPECT_FALSE(fill_tar_header(block, std::string(10, 'p') + "/" + std::string(101, 'x'), '0', 0));
  EXPECT_FALSE(fill_tar_header(block, std::string(160, 'p') + "/x", '0', 0));
}

TEST(TarWriterCreate, UnwritablePathIsAnError) {
  auto tar = TarWriter::create("/nonexistent-dir/x.tar");
  ASSERT_FALSE(tar);
  EXPECT_NE(tar.error().message().find("/nonexistent-dir/x.tar"), std::string::npos);
}

}  // namespace
}  // namespace faas::registry::detail
