#pragma once
// Value: what a key maps to. Issue 2 has strings only; the collection types
// and their compact encodings arrive with the collections work, behind the
// same type() switch, so commands check the type before touching the payload.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace spindle::storage {

enum class ValueType : uint8_t { kString, kList, kSet, kZSet, kHash, kStream };

// The name TYPE replies with.
const char* ValueTypeName(ValueType type);

class Value {
 public:
  static Value String(std::string s) { return Value(ValueType::kString, std::move(s)); }
  static Value String(std::string_view s) { return Value(ValueType::kString, std::string(s)); }

  // An empty value of the given type. The collection payloads arrive with the
  // collections work; until then this lets tests hold a key of another type
  // to exercise every WRONGTYPE path.
  static Value EmptyOfType(ValueType type) { return Value(type, std::string()); }

  ValueType type() const { return type_; }
  bool is_string() const { return type_ == ValueType::kString; }

  // The string payload (type() == kString).
  std::string& str() { return str_; }
  const std::string& str() const { return str_; }

 private:
  Value(ValueType type, std::string s) : type_(type), str_(std::move(s)) {}
  ValueType type_;
  std::string str_;
};

}  // namespace spindle::storage
