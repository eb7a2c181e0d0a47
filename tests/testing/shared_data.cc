#include "testing/shared_data.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace dhakira::test_support {

std::string SharedDir() {
  // The environment wins so that a test binary can be pointed elsewhere (or at nothing, to check
  // the skips) without rebuilding.
  const char* env = std::getenv("DHAKIRA_SHARED_DIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(DHAKIRA_SHARED_DIR);
}

std::string SharedPath(const std::string& relative) { return SharedDir() + "/" + relative; }

std::string SharedDirMissing() {
  const std::string dir = SharedDir();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return "";
  return "the shared test material is absent (" + dir +
         " is not a directory): this test needs ../shared beside the source tree, or "
         "DHAKIRA_SHARED_DIR set to it";
}

}  // namespace dhakira::test_support
