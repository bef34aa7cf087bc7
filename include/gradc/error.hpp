// gradc's error types. User errors derive from gradc::Error and carry a message
// that says what went wrong and what to do; internal invariants throw
// InternalError through GRADC_ASSERT, which is always on.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gradc {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A place in the source text, with the line it is on, so a message can show a caret.
struct Diagnostic {
    std::size_t offset = 0;   // byte offset into the source
    std::size_t line = 1;     // 1-based
    std::size_t column = 1;   // 1-based, in bytes
    std::string source_line;  // the line the offset is on (cut around it when very long)
    std::size_t caret = 0;    // 0-based position of the offset within source_line
    std::string message;      // what is wrong and what to do, without the position

    // "line 1, column 7: expected ')'\n  sin(x\n        ^"
    std::string format() const;
};

// Builds a Diagnostic for `offset` in `source`.
Diagnostic make_diagnostic(std::string_view source, std::size_t offset, std::string message);

// The formula is not well formed: a syntax error, an unknown name, a wrong arity.
class ParseError : public Error {
public:
    explicit ParseError(Diagnostic d);
    const Diagnostic& diagnostic() const noexcept { return diagnostic_; }

private:
    Diagnostic diagnostic_;
};

// The formula is well formed but cannot be used as asked (a missing variable value, ...).
class SemanticError : public Error {
public:
    using Error::Error;
};

// A configured limit (length, nesting, node count) was exceeded.
class LimitError : public Error {
public:
    using Error::Error;
};

// A broken invariant inside gradc: a bug, never the user's fault.
class InternalError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const char* why);

}  // namespace gradc

#define GRADC_ASSERT(cond, why) \
    ((cond) ? static_cast<void>(0) : ::gradc::assertion_failed(#cond, __FILE__, __LINE__, why))
