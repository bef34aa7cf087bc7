// Any text either parses or raises a ParseError that points inside it: random token
// soups (seeded) never crash, never raise another exception type, and a text that
// parses once parses the same way again.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

std::string token_soup(std::mt19937_64& rng) {
    static constexpr const char* kTokens[] = {
        "x", "y", "t1", "sin", "atan2", "where", "pi", "e",        "2", ".5", "1e-3", "1e999", "(",   "(",
        ")", ")", ",",  ";",   "=",     "==",    "!=", "<=",       "<", ">",  "+",    "-",     "*",   "**",
        "^", "/", " ",  "\n",  "\r\n",  "# c\n", "$",  "\xce\xb1", "!", ".",  "e5",   "sqr",   "a =", "min",
    };
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kTokens) - 1);
    std::uniform_int_distribution<int> length(0, 14);
    std::string s;
    for (int i = length(rng); i > 0; --i) s += kTokens[pick(rng)];
    return s;
}

}  // namespace

TEST_CASE("random token soups parse or fail with a ParseError inside the text", "[parse]") {
    std::mt19937_64 rng(7);
    int parsed = 0;
    for (int i = 0; i < 20'000; ++i) {
        const std::string text = token_soup(rng);
        INFO(text);
        ExprContext ctx;
        try {
            const Program p = parse(ctx, text);
            ++parsed;
            ExprContext again;
            CHECK(parse(again, text).outputs.size() == p.outputs.size());
        } catch (const ParseError& e) {
            CHECK(e.diagnostic().offset <= text.size());
            CHECK(!e.diagnostic().message.empty());
        }
    }
    CHECK(parsed > 100);  // the soup is not all noise
}
