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
#include <tuple>
#include <utility>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"
#include "gradc/tensor_parse.hpp"
#include "parse/grammar.hpp"
#include "parse/lower.hpp"
#include "parse/lower_tensor.hpp"

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

// The deepest nesting outside comments, a bound on the depth of the syntax tree: each
// parenthesis and bracket, and each postfix operator applied to an operand (x'', x[0][1],
// (...)' wraps all of the operand before it). The first '(', '[' or "'" past
// `max_nesting` is an error there, found before the recursive parse could exhaust any
// stack; balance is left to the grammar, which reports it in source order.
std::size_t check_nesting(std::string_view source, std::size_t max_nesting) {
    const char* const begin = source.data();
    const char* const end = begin + source.size();
    std::size_t depth = 0, deepest = 0;
    // `operand`: the depth of the operand being read at this level (its groups and
    // postfix operators so far); an operator or separator starts a new one. `most`: the
    // deepest operand of this level. Both are kept for the enclosing levels.
    std::size_t operand = 0, most = 0;
    std::vector<std::pair<std::size_t, std::size_t>> enclosing;
    const auto deeper = [&](const char* p, std::size_t levels) {
        if (levels > max_nesting)
            throw ParseError(make_diagnostic(source, static_cast<std::size_t>(p - begin),
                                             "nesting deeper than " + std::to_string(max_nesting) +
                                                 " levels; split the formula with bindings (name = ...;), or raise "
                                                 "ParseLimits::max_nesting (gradc --max-nesting)"));
        deepest = std::max(deepest, levels);
    };
    for (const char* p = begin; p != end; ++p) {
        switch (*p) {
            case '#':
                p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
                if (p == nullptr) return deepest;
                break;
            case '(':
            case '[':
                enclosing.emplace_back(operand, most);
                operand = most = 0;
                deeper(p, ++depth);
                break;
            case ')':
            case ']': {
                const std::size_t inside = std::max(operand, most);
                if (depth > 0) --depth;
                if (!enclosing.empty()) {
                    std::tie(operand, most) = enclosing.back();
                    enclosing.pop_back();
                }
                operand += inside + 1;
                deeper(p, depth + operand);
                break;
            }
            case '\'': deeper(p, depth + ++operand); break;
            case '.':
                if (p + 1 != end && p[1] == 'T') deeper(p, depth + ++operand);
                break;
            case ';':
            case ',':
            case '+':
            case '-':
            case '*':
            case '/':
            case '@':
            case '^':
            case '=':
            case '<':
            case '>':
            case '!':
                most = std::max(most, operand);
                operand = 0;
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

// Checks the limits, then runs `body` (the grammar and a lowering) on a stack deep
// enough for the source's nesting.
void read_within_limits(ExprContext& ctx, std::string_view source, const ParseLimits& limits,
                        const std::function<void()>& body) {
    if (source.size() > limits.max_length)
        throw LimitError("the formula is " + std::to_string(source.size()) + " bytes long, more than the limit of " +
                         std::to_string(limits.max_length) +
                         " bytes: raise ParseLimits::max_length (gradc --max-length)");
    const std::size_t deepest = check_nesting(source, limits.max_nesting);
    // Formulas average about 8 bytes of text per distinct node; sizing the tables up
    // front saves rehashing a large DAG several times as it grows.
    // Capped, since comments and long names take text without making nodes.
    if (source.size() > 4096) ctx.reserve(std::min<std::size_t>(source.size() / 8, std::size_t{1} << 22));
    if (deepest <= kCallerStackLevels)
        body();
    else
        run_with_stack(kStackBase + deepest * kStackPerLevel, body);
}

syntax::LoweredProgram parse_program(ExprContext& ctx, std::string_view source, const ParseLimits& limits) {
    syntax::LoweredProgram result;
    read_within_limits(ctx, source, limits, [&] {
        syntax::Lowerer lowerer(ctx, source);
        syntax::read_program(source, lowerer);
        result = std::move(lowerer).finish();
    });
    return result;
}

}  // namespace

Program parse(ExprContext& ctx, std::string_view source, const ParseLimits& limits) {
    return parse_program(ctx, source, limits).program;
}

bool declares_tensors(std::string_view source) noexcept {
    const char* p = source.data();
    const char* const end = p + source.size();
    for (;;) {
        // At the start of a statement: a name, then ':'.
        p = syntax::lex::skip_blank(p, end);
        const char* name_end = syntax::lex::scan_name(p, end);
        if (name_end != p) {
            const char* q = syntax::lex::skip_blank(name_end, end);
            if (q != end && *q == ':') return true;
        }
        // On to the next ';' outside comments.
        while (p != end && *p != ';') {
            if (*p == '#')
                p = syntax::lex::skip_blank(p, end);
            else
                ++p;
        }
        if (p == end) return false;
        ++p;
    }
}

TensorProgram parse_tensor_program(TensorContext& ctx, std::string_view source, const ParseLimits& limits) {
    TensorProgram result;
    read_within_limits(ctx.scalars(), source, limits, [&] {
        syntax::TensorLowerer lowerer(ctx, source);
        syntax::read_program(source, lowerer);
        result = std::move(lowerer).finish();
    });
    return result;
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
