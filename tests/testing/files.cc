#include "testing/files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace dhakira::test_support {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "dhk-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Path(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

std::string TempDir::Write(const std::string& name, const std::string& bytes) const {
  const std::string p = Path(name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> NonEmptyLines(const std::string& text) {
  std::vector<std::string> lines;
  for (std::string& line : Lines(text))
    if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace dhakira::test_support
