#include "dhakira/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace dhakira {
namespace {

TEST(StatusTest, OkAndCodes) {
  EXPECT_TRUE(Status::OK().ok());
  EXPECT_EQ(Status::OK().ToString(), "OK");
  Status s = Status::NotFound("unit 7");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.ToString(), "not found: unit 7");
  EXPECT_TRUE(Status::InvalidArgument("x").IsInvalidArgument());
  EXPECT_TRUE(Status::Corruption("x").IsCorruption());
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = Status::IOError("MDB_MAP_FULL: Environment mapsize limit reached").WithContext("adding unit");
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_EQ(s.message(), "adding unit: MDB_MAP_FULL: Environment mapsize limit reached");
  EXPECT_TRUE(Status::OK().WithContext("anything").ok());
}

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  DHAKIRA_ASSIGN_OR_RETURN(int h, Half(x));
  DHAKIRA_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckQuarter(int x) {
  DHAKIRA_RETURN_IF_ERROR(Quarter(x).status());
  return Status::OK();
}

TEST(StatusOrTest, ValueAndErrorPropagation) {
  auto ok = Quarter(12);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd: 3");
  EXPECT_TRUE(CheckQuarter(8).ok());
  EXPECT_TRUE(CheckQuarter(10).IsInvalidArgument());
}

TEST(StatusOrTest, MoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> p = std::make_unique<int>(5);
  ASSERT_TRUE(p.ok());
  std::unique_ptr<int> owned = std::move(p).value();
  EXPECT_EQ(*owned, 5);
}

// value() of an error is a bug: with asserts (Debug, scripts/test --sanitize) it aborts naming the error.
TEST(StatusDeathTest, ValueOfAnErrorAbortsWithItsText) {
#ifdef NDEBUG
  GTEST_SKIP() << "asserts are compiled out (NDEBUG); scripts/test --sanitize runs this test";
#else
  StatusOr<int> error = Status::NotFound("unit 7");
  EXPECT_DEATH((void)error.value(), "StatusOr::value\\(\\) of an error: not found: unit 7");
  EXPECT_DEATH((void)*StatusOr<std::string>(Status::Corruption("bad crc")), "corruption: bad crc");
#endif
}

}  // namespace
}  // namespace dhakira
