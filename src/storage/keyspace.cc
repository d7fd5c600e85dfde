#include "storage/keyspace.h"

namespace spindle::storage {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZSet: return "zset";
    case ValueType::kHash: return "hash";
    case ValueType::kStream: return "stream";
  }
  return "none";
}

bool Database::ExpireIfNeeded(std::string_view key, int64_t now_ms) {
  if (expires_.empty()) return false;
  auto it = expires_.find(key);
  if (it == expires_.end() || it->second > now_ms) return false;
  expires_.erase(it);
  auto mit = map_.find(key);
  if (mit != map_.end()) map_.erase(mit);
  ++stats_->expired_keys;
  return true;
}

Value* Database::LookupWrite(std::string_view key, int64_t now_ms) {
  ExpireIfNeeded(key, now_ms);
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : &it->second;
}

Value* Database::LookupRead(std::string_view key, int64_t now_ms) {
  Value* v = LookupWrite(key, now_ms);
  if (v) {
    ++stats_->keyspace_hits;
  } else {
    ++stats_->keyspace_misses;
  }
  return v;
}

Value& Database::Set(std::string_view key, Value value, bool keep_ttl) {
  auto it = map_.find(key);
  if (it == map_.end()) {
    it = map_.emplace(std::string(key), std::move(value)).first;
  } else {
    it->second = std::move(value);
  }
  if (!keep_ttl && !expires_.empty()) {
    auto eit = expires_.find(key);
    if (eit != expires_.end()) expires_.erase(eit);
  }
  return it->second;
}

bool Database::Delete(std::string_view key, int64_t now_ms) {
  if (ExpireIfNeeded(key, now_ms)) return false;
  auto it = map_.find(key);
  if (it == map_.end()) return false;
  map_.erase(it);
  RemoveExpire(key);
  return true;
}

int64_t Database::GetExpire(std::string_view key) const {
  auto it = expires_.find(key);
  return it == expires_.end() ? -1 : it->second;
}

void Database::SetExpire(std::string_view key, int64_t when_ms) {
  auto it = expires_.find(key);
  if (it == expires_.end()) {
    expires_.emplace(std::string(key), when_ms);
  } else {
    it->second = when_ms;
  }
}

bool Database::RemoveExpire(std::string_view key) {
  auto it = expires_.find(key);
  if (it == expires_.end()) return false;
  expires_.erase(it);
  return true;
}

void Database::Clear() {
  map_.clear();
  expires_.clear();
}

Keyspace::Keyspace(int databases) {
  dbs_.reserve(databases);
  for (int i = 0; i < databases; ++i) dbs_.push_back(std::make_unique<Database>(i, &stats_));
}

void Keyspace::FlushAll() {
  for (auto& db : dbs_) db->Clear();
}

}  // namespace spindle::storage
