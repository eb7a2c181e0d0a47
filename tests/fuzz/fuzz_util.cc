#include "fuzz_util.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

namespace dhakira::fuzz {
namespace {

// Removes the scratch directory at a normal exit (end of a run or of a corpus replay), so that it
// does not pile up in /tmp. After a crash it stays, with the file that crashed: useful for
// reproducing.
struct ScratchOwner {
  std::string path;
  ~ScratchOwner() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

const std::string& ScratchDir() {
  static ScratchOwner owner = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/dhakira-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("dhakira fuzz: mkdtemp");
      std::abort();
    }
    return ScratchOwner{pattern};
  }();
  return owner.path;
}

std::string WriteScratchFile(std::string_view name, std::string_view bytes) {
  std::string path = ScratchDir() + "/" + std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "dhakira fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

std::string WriteScratchGzip(std::string_view name, std::string_view bytes) {
  std::string path = ScratchDir() + "/" + std::string(name);
  gzFile gz = gzopen(path.c_str(), "wb1");
  bool ok = gz != nullptr;
  if (ok && !bytes.empty()) ok = gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) > 0;
  if (gz != nullptr && gzclose(gz) != Z_OK) ok = false;
  if (!ok) {
    std::fprintf(stderr, "dhakira fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

Store& ScratchStore(int inputs_per_store) {
  static std::unique_ptr<Store> store;
  static int uses = 0;
  static int generation = 0;
  if (store == nullptr || ++uses > inputs_per_store) {
    store.reset();
    uses = 1;
    StoreOptions options;
    options.sync = false;
    options.prepare_threads = 1;
    options.initial_map_size = 8ull << 20;
    const std::string path = ScratchDir() + "/tm" + std::to_string(generation++ % 2);
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
    auto opened = TranslationMemory::Open(path, options);
    CheckOk(opened.status(), "TranslationMemory::Open of the scratch TM");
    store = std::move(opened).value();
  }
  return *store;
}

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "dhakira fuzz: invariant violated: %s\n", what);
  std::abort();
}

void CheckStatus(const Status& status, bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "dhakira fuzz: invariant violated: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

void CheckOk(const Status& status, const char* what) {
  if (status.ok()) return;
  std::fprintf(stderr, "dhakira fuzz: %s failed: %s\n", what, status.ToString().c_str());
  std::abort();
}

}  // namespace dhakira::fuzz
