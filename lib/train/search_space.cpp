// Search spaces: "lr=log(1e-4,1e-1); optimizer=adam|gd" read with the place of every
// mistake, and the settings each configuration draws (gradc/tune.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "gradc/error.hpp"
#include "gradc/tune.hpp"
#include "train/random_draws.hpp"

namespace gradc {
namespace {

// A piece of the space's text and where it starts.
struct Piece {
    std::string_view text;
    std::size_t offset = 0;
};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Piece trimmed(Piece p) {
    while (!p.text.empty() && blank(p.text.front())) {
        p.text.remove_prefix(1);
        ++p.offset;
    }
    while (!p.text.empty() && blank(p.text.back())) p.text.remove_suffix(1);
    return p;
}

// `p` cut at every `separator`, each part trimmed.
std::vector<Piece> split(Piece p, char separator) {
    std::vector<Piece> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = std::min(p.text.find(separator, start), p.text.size());
        parts.push_back(trimmed({p.text.substr(start, end - start), p.offset + start}));
        if (end == p.text.size()) return parts;
        start = end + 1;
    }
}

class SpaceReader {
public:
    explicit SpaceReader(std::string_view source) : source_(source) {}

    [[noreturn]] void fail(std::size_t offset, std::string message) const {
        throw ParseError(make_diagnostic(source_, offset, std::move(message)));
    }

    double number(Piece p, std::string_view range) const {
        const std::string text(p.text);
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
            fail(p.offset, std::string(range) + "'s bounds are numbers, as in " + std::string(range) + "(1e-4, 1e-1)");
        return v;
    }

    SearchRange range(std::string name, Piece p) const {
        SearchRange r;
        r.name = std::move(name);
        static constexpr std::pair<std::string_view, RangeKind> kinds[] = {
            {"log", RangeKind::LogUniform}, {"uniform", RangeKind::Uniform}, {"int", RangeKind::Integer}};
        for (const auto& [word, kind] : kinds) {
            if (!p.text.starts_with(word)) continue;
            Piece rest = trimmed({p.text.substr(word.size()), p.offset + word.size()});
            if (!rest.text.starts_with('(')) continue;  // a choice that starts like a range's name
            if (!rest.text.ends_with(')'))
                fail(rest.offset + rest.text.size(), "expected ')' to close " + std::string(word) + "(");
            const std::vector<Piece> bounds = split({rest.text.substr(1, rest.text.size() - 2), rest.offset + 1}, ',');
            if (bounds.size() != 2)
                fail(rest.offset, std::string(word) + " takes two bounds, as in " + std::string(word) + "(1, 10)");
            r.kind = kind;
            r.lo = number(bounds[0], word);
            r.hi = number(bounds[1], word);
            if (!(r.lo < r.hi)) fail(bounds[1].offset, "the upper bound must be above the lower one");
            if (kind == RangeKind::LogUniform && !(r.lo > 0))
                fail(bounds[0].offset, "log's bounds must be above 0: use uniform for a range that reaches 0");
            if (kind == RangeKind::Integer)
                for (const Piece& b : bounds)
                    if (number(b, word) != std::floor(number(b, word)) || std::fabs(number(b, word)) > 1e15)
                        fail(b.offset, "int's bounds are whole numbers, as in int(1, 8)");
            return r;
        }
        for (const Piece& choice : split(p, '|')) {
            if (choice.text.empty())
                fail(choice.offset, "a choice is empty: write the values between the |, as in adam|gd");
            r.choices.emplace_back(choice.text);
        }
        return r;
    }

    SearchSpace read() const {
        SearchSpace space;
        const std::vector<Piece> items = split({source_, 0}, ';');
        for (const Piece& item : items) {
            if (item.text.empty()) {
                if (items.size() == 1) fail(0, "the space is empty: write name=range, as in lr=log(1e-4, 1e-1)");
                continue;  // "a=1|2;" and "a=1|2;;b=..." are fine
            }
            const std::size_t eq = item.text.find('=');
            if (eq == std::string_view::npos)
                fail(item.offset + item.text.size(), "expected '=' after the setting's name, as in lr=log(1e-4, 1e-1)");
            const Piece name = trimmed({item.text.substr(0, eq), item.offset});
            const bool well_named = !name.text.empty() && std::isalpha(static_cast<unsigned char>(name.text[0])) &&
                                    std::all_of(name.text.begin(), name.text.end(), [](char c) {
                                        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                                    });
            if (!well_named) fail(name.offset, "a setting's name is an option's, as in lr or batch-size");
            for (const SearchRange& earlier : space.ranges)
                if (earlier.name == name.text) fail(name.offset, "'" + std::string(name.text) + "' is given twice");
            const Piece value = trimmed({item.text.substr(eq + 1), item.offset + eq + 1});
            if (value.text.empty()) fail(value.offset, "expected a range after '=', as in log(1e-4, 1e-1) or adam|gd");
            space.ranges.push_back(range(std::string(name.text), value));
        }
        return space;
    }

private:
    std::string_view source_;
};

// `v` to 4 significant digits, as the text a trial is given.
std::string four_digits(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", v);
    return text;
}

// Settings number n of a space of choices and integers, the last range varying fastest.
Settings nth_settings(const SearchSpace& space, std::size_t n) {
    Settings settings(space.ranges.size());
    for (std::size_t k = space.ranges.size(); k-- > 0;) {
        const SearchRange& r = space.ranges[k];
        const std::size_t size =
            r.kind == RangeKind::Integer ? static_cast<std::size_t>(r.hi - r.lo + 1) : r.choices.size();
        const std::size_t i = n % size;
        n /= size;
        settings[k] = {r.name, r.kind == RangeKind::Integer
                                   ? std::to_string(static_cast<long long>(r.lo) + static_cast<long long>(i))
                                   : r.choices[i]};
    }
    return settings;
}

}  // namespace

SearchSpace parse_search_space(std::string_view text) { return SpaceReader(text).read(); }

Settings draw_settings(const SearchSpace& space, std::uint64_t seed, std::size_t config, std::size_t attempt) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(config), static_cast<std::uint32_t>(config >> 32),
                           static_cast<std::uint32_t>(attempt)};
    std::mt19937_64 random(sequence);
    Settings settings;
    for (const SearchRange& r : space.ranges) {
        const double u = train::uniform01(random);
        std::string value;
        switch (r.kind) {
            case RangeKind::LogUniform:
                value = four_digits(std::exp(std::log(r.lo) + u * (std::log(r.hi) - std::log(r.lo))));
                break;
            case RangeKind::Uniform: value = four_digits(r.lo + u * (r.hi - r.lo)); break;
            case RangeKind::Integer: {
                const double span = r.hi - r.lo + 1;
                value = std::to_string(static_cast<long long>(r.lo + std::min(std::floor(u * span), span - 1)));
                break;
            }
            case RangeKind::Choice:
                value = r.choices[std::min(static_cast<std::size_t>(u * static_cast<double>(r.choices.size())),
                                           r.choices.size() - 1)];
                break;
        }
        settings.push_back({r.name, std::move(value)});
    }
    return settings;
}

std::vector<Settings> draw_configurations(const SearchSpace& space, std::uint64_t seed, std::size_t count) {
    const std::size_t distinct = distinct_settings(space);
    std::vector<Settings> configs;
    std::set<Settings> seen;
    std::size_t next_unused = 0;  // where the walk through a finite space goes on
    for (std::size_t c = 0; c < count; ++c) {
        Settings s;
        for (std::size_t attempt = 0; attempt < 100; ++attempt) {
            s = draw_settings(space, seed, c, attempt);
            if (!seen.contains(s)) break;
        }
        // Nearly full: the first unused settings, walking the space in order.
        if (distinct != SIZE_MAX)
            for (; seen.contains(s) && next_unused < distinct; ++next_unused) s = nth_settings(space, next_unused);
        seen.insert(s);
        configs.push_back(std::move(s));
    }
    return configs;
}

std::size_t distinct_settings(const SearchSpace& space) {
    std::size_t n = 1;
    for (const SearchRange& r : space.ranges) {
        if (r.kind == RangeKind::LogUniform || r.kind == RangeKind::Uniform) return SIZE_MAX;
        const double k = r.kind == RangeKind::Integer ? r.hi - r.lo + 1 : double(r.choices.size());
        if (double(n) * k >= 1e15) return SIZE_MAX;
        n *= static_cast<std::size_t>(k);
    }
    return n;
}

SearchMethod search_method_named(std::string_view name) {
    if (name == "random") return SearchMethod::Random;
    if (name == "halving") return SearchMethod::Halving;
    if (name == "hyperband") return SearchMethod::Hyperband;
    throw Error("unknown search method '" + std::string(name) + "': choose random, halving or hyperband");
}

std::string_view search_method_name(SearchMethod method) noexcept {
    switch (method) {
        case SearchMethod::Random: return "random";
        case SearchMethod::Halving: return "halving";
        case SearchMethod::Hyperband: return "hyperband";
    }
    return "hyperband";
}

}  // namespace gradc
