// The parser's entry points: limits, the nesting pre-scan, and the thread with a large
// stack on which the recursive-descent grammar and the lowering run when a formula is
// deeply nested.
#include <pthread.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"
#include "parse/grammar.hpp"
#include "parse/lower.hpp"

namespace gradc {

namespace {

// Stack the grammar and the lowering use per level of nesting. Measured per level:
// about 1.3 KB at -O1, 8 KB at -O0, 10 KB with AddressSanitizer at -O1 and 13 KB at
// -O0; the budget leaves twice that. Only touched pages cost memory.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t kStackPerLevel = std::size_t{32} << 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr std::size_t kStackPerLevel = std::size_t{32} << 10;
#else
constexpr std::size_t kStackPerLevel = std::size_t{16} << 10;
#endif
#else
constexpr std::size_t kStackPerLevel = std::size_t{16} << 10;
#endif
constexpr std::size_t kStackBase = std::size_t{8} << 20;
// Formulas nested at most this deep parse on the caller's stack (under 256 KB even in
// an unoptimized AddressSanitizer build), which saves starting a thread per call.
constexpr std::size_t kCallerStackLevels = 16;

// The deepest nesting of parentheses outside comments. The first '(' past `max_nesting`
// is an error there, found before the recursive parse could exhaust any stack; balance
// is left to the grammar, which reports it in source order.
std::size_t check_nesting(std::string_view source, std::size_t max_nesting) {
    std::size_t depth = 0, deepest = 0;
    const char* const end = source.data() + source.size();
    for (const char* p = source.data(); p != end; ++p) {
        switch (*p) {
            case '#':
                p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
                if (p == nullptr) return deepest;
                break;
            case '(':
                if (++depth > max_nesting)
                    throw ParseError(
                        make_diagnostic(source, static_cast<std::size_t>(p - source.data()),
                                        "nesting deeper than " + std::to_string(max_nesting) +
                                            " levels; split the formula with bindings (name = ...;), or raise "
                                            "ParseLimits::max_nesting (gradc --max-nesting)"));
                deepest = std::max(deepest, depth);
                break;
            case ')':
                if (depth > 0) --depth;
                break;
            default: break;
        }
    }
    return deepest;
}

// Runs `body` on a new thread with a stack of `bytes` (reserved, not committed: only the
// pages it touches cost memory) and rethrows whatever it throws.
void run_with_stack(std::size_t bytes, const std::function<void()>& body) {
    struct Job {
        const std::function<void()>* body;
        std::exception_ptr error;
    } job{&body, nullptr};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    int rc = pthread_attr_setstacksize(&attr, bytes);
    pthread_t thread;
    if (rc == 0)
        rc = pthread_create(
            &thread, &attr,
            [](void* p) -> void* {
                auto* j = static_cast<Job*>(p);
                try {
                    (*j->body)();
                } catch (...) {
                    j->error = std::current_exception();
                }
                return nullptr;
            },
            &job);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        throw LimitError("cannot reserve " + std::to_string(bytes >> 20) +
                         " MiB of stack to parse a formula this deeply nested (" + std::strerror(rc) +
                         "); lower ParseLimits::max_nesting or split the formula with bindings");
    pthread_join(thread, nullptr);
    if (job.error) std::rethrow_exception(job.error);
}

syntax::LoweredProgram parse_program(ExprContext& ctx, std::string_view source, const ParseLimits& limits) {
    if (source.size() > limits.max_length)
        throw LimitError("the formula is " + std::to_string(source.size()) + " bytes long, more than the limit of " +
                         std::to_string(limits.max_length) +
                         " bytes: raise ParseLimits::max_length (gradc --max-length)");
    const std::size_t deepest = check_nesting(source, limits.max_nesting);
    // Formulas average about 8 bytes of text per distinct node; sizing the tables up
    // front saves rehashing a large DAG several times as it grows.
    // Capped, since comments and long names take text without making nodes.
    if (source.size() > 4096) ctx.reserve(std::min<std::size_t>(source.size() / 8, std::size_t{1} << 22));
    syntax::LoweredProgram result;
    auto body = [&] {
        syntax::Lowerer lowerer(ctx, source);
        syntax::read_program(source, lowerer);
        result = std::move(lowerer).finish();
    };
    if (deepest <= kCallerStackLevels)
        body();
    else
        run_with_stack(kStackBase + deepest * kStackPerLevel, body);
    return result;
}

}  // namespace

Program parse(ExprContext& ctx, std::string_view source, const ParseLimits& limits) {
    return parse_program(ctx, source, limits).program;
}

Expr parse_expr(ExprContext& ctx, std::string_view source, const ParseLimits& limits) {
    syntax::LoweredProgram p = parse_program(ctx, source, limits);
    if (p.program.outputs.size() != 1)
        throw ParseError(make_diagnostic(
            source, p.output_offsets[1],
            "expected a single result, found " + std::to_string(p.program.outputs.size()) + " separated by ','"));
    return p.program.outputs.front();
}

}  // namespace gradc
