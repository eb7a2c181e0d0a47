// Compiled by the layers_* tests (tests/CMakeLists.txt) with one engine header forced in (-include) and
// one area's private include root: whether that area may include the header (docs/architecture.md).
