# Included from tests/CMakeLists.txt: one GoogleTest executable per fuzz target, fuzz_replay_<target>, replaying
# tests/fuzz/corpus/<target> and tests/fuzz/regressions/<target> (see replay_main.cc). Built with the normal
# compiler and flags, so these inputs run in the Release suite and in the sanitizer suite.
file(GLOB DHAKIRA_FUZZ_REPLAY_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*_fuzzer.cc)
foreach(src ${DHAKIRA_FUZZ_REPLAY_SOURCES})
  get_filename_component(target ${src} NAME_WE)
  if(target STREQUAL "convert_fuzzer" AND NOT TARGET dhakira_service)
    continue()
  endif()
  set(name fuzz_replay_${target})
  add_executable(${name} ${CMAKE_CURRENT_LIST_DIR}/replay_main.cc ${src} ${CMAKE_CURRENT_LIST_DIR}/fuzz_util.cc)
  target_link_libraries(${name} PRIVATE dhakira_engine_internal dhakira_warnings GTest::gtest)
  if(target STREQUAL "convert_fuzzer")
    target_link_libraries(${name} PRIVATE dhakira_service_internal)
  endif()
  target_compile_definitions(${name} PRIVATE
    DHAKIRA_FUZZ_TARGET="${target}"
    DHAKIRA_FUZZ_DIR="${CMAKE_CURRENT_LIST_DIR}"
    DHAKIRA_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT "LC_ALL=C.UTF-8")
endforeach()
