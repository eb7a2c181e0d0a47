// A minimal streaming JSON writer for the CLI's --json output (RFC 8259). Always UTF-8, classic locale.
// Strings are escaped per RFC 8259 §7; control characters as \u00XX; non-ASCII is written as is.
#ifndef DHAKIRA_CLI_JSON_H_
#define DHAKIRA_CLI_JSON_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dhakira::cli {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Key + value shorthands.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const std::string& value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, uint64_t value) { return Key(key).Uint(value); }
  JsonWriter& Field(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, uint32_t value) { return Key(key).Uint(value); }
  JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, double value) { return Key(key).Double(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }
  // An object of counts, {"name": count, ...} in the map's (sorted) order.
  JsonWriter& Field(std::string_view key, const std::map<std::string, uint64_t>& counts);

  const std::string& str() const { return out_; }
  // Returns the document and resets the writer.
  std::string Take();

  static void AppendEscaped(std::string* out, std::string_view s);

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace dhakira::cli

#endif  // DHAKIRA_CLI_JSON_H_
