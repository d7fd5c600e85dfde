#pragma once
// Versions. Spindle reports the Redis version it is compatible with where
// clients read a Redis version (INFO redis_version, HELLO), so client
// libraries enable the same features they would against Redis 7.0, and its
// own version in INFO's spindle_version.

namespace spindle::server {

inline constexpr const char* kRedisVersion = "7.0.15";
inline constexpr const char* kSpindleVersion = "0.1.0";

}  // namespace spindle::server
