// Reading files and text in tests. Include as "testing/files.h".
#ifndef DHAKIRA_TESTS_TESTING_FILES_H_
#define DHAKIRA_TESTS_TESTING_FILES_H_

#include <filesystem>
#include <string>
#include <vector>

namespace dhakira::test_support {

// The whole content of the file at `path`, bytes as they are (empty when it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

// The lines of `text` without their '\n', empty ones included; no last empty line for a final '\n'.
std::vector<std::string> Lines(const std::string& text);

// The non-empty lines of `text`, without their '\n'.
std::vector<std::string> NonEmptyLines(const std::string& text);

}  // namespace dhakira::test_support

#endif  // DHAKIRA_TESTS_TESTING_FILES_H_
