// Deterministic 64-bit hashing for structural hashes (the same in every run).
#pragma once

#include <cstdint>
#include <string_view>

namespace gradc::ir {

// splitmix64's finalizer: a cheap, well-mixed bijection.
inline std::uint64_t hash_mix(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

inline std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t v) noexcept {
    return hash_mix(seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

// FNV-1a, then mixed.
inline std::uint64_t hash_string(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ULL;
    return hash_mix(h);
}

}  // namespace gradc::ir
