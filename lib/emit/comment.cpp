#include "emit/comment.hpp"

#include <sstream>
#include <vector>

#include "emit/prepared.hpp"

namespace gradc::emit_detail {

namespace {

constexpr std::size_t kWidth = 88;

class Comment {
public:
    explicit Comment(const std::string& title) { paragraph(title, "/* "); }

    void blank() { text_ += " *\n"; }

    void line(const std::string& s) { text_ += (s.empty() ? std::string(" *") : " * " + escape(s)) + "\n"; }

    // Words filled into lines of at most kWidth columns.
    void paragraph(const std::string& s, const std::string& first_prefix = " * ") {
        std::istringstream words(s);
        std::string word, current = first_prefix;
        bool empty = true;
        while (words >> word) {
            if (!empty && current.size() + 1 + word.size() > kWidth) {
                text_ += escape(current) + "\n";
                current = " *";
            }
            current += (empty ? "" : " ") + word;
            empty = false;
        }
        text_ += escape(current) + "\n";
    }

    // "  label [0] a, [1] b, ..." with continuation lines under the first item.
    void list(const std::string& label, const std::vector<std::string>& items, const std::string& tail = "") {
        const std::string lead = " *   " + label + std::string(label.size() < 9 ? 9 - label.size() : 1, ' ');
        std::string current = lead;
        for (std::size_t i = 0; i < items.size(); ++i) {
            std::string item = "[" + std::to_string(i) + "] " + items[i] + (i + 1 < items.size() ? "," : tail);
            if (current.size() > lead.size() && current.size() + 1 + item.size() > kWidth) {
                text_ += escape(current) + "\n";
                current = " *" + std::string(lead.size() - 2, ' ');
            } else if (current.size() > lead.size()) {
                current += " ";
            }
            current += item;
        }
        text_ += escape(current) + "\n";
    }

    std::string finish() { return text_ + " */\n"; }

private:
    // A "*/" inside the text would end the comment early.
    static std::string escape(std::string s) {
        for (std::size_t at = s.find("*/"); at != std::string::npos; at = s.find("*/", at)) s.insert(at + 1, " ");
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
        return s;
    }

    std::string text_;
};

std::vector<std::string> names_of(const AotKernel& k, std::size_t first, std::size_t last) {
    std::vector<std::string> names;
    for (std::size_t i = first; i < last; ++i) names.emplace_back(k.inputs[i]->name());
    return names;
}

// The declaration, its parameters carried over to a second line past kWidth columns.
void declaration(Comment& c, const AotKernel& k) {
    const std::string text = c_declaration(k);
    const std::size_t room = kWidth - 3;  // after " * "
    const std::size_t cut = text.size() > room ? text.rfind(", ", room - 1) : std::string::npos;
    if (cut == std::string::npos) {
        c.line(text);
        return;
    }
    c.line(text.substr(0, cut + 1));
    c.line(std::string(text.find('(') + 1, ' ') + text.substr(cut + 2));
}

void describe(Comment& c, const AotKernel& k, unsigned lanes) {
    declaration(c, k);
    // The formula's own lines, blank ones at either end left out.
    std::vector<std::string> lines;
    std::istringstream formula(k.formula);
    for (std::string line; std::getline(formula, line);) lines.push_back(line);
    while (!lines.empty() && lines.back().find_first_not_of(" \t\r") == std::string::npos) lines.pop_back();
    std::size_t first = 0;
    while (first < lines.size() && lines[first].find_first_not_of(" \t\r") == std::string::npos) ++first;
    for (std::size_t i = first; i < lines.size(); ++i) c.line((i == first ? "  formula: " : "           ") + lines[i]);
    std::vector<std::string> outputs;
    for (std::size_t i = 0; i < k.outputs.size(); ++i) outputs.push_back(output_name(k, i));
    if (k.kind == AotKind::Point) {
        c.list("in:", names_of(k, 0, k.inputs.size()));
        c.list("out:", outputs);
        return;
    }
    c.list("params:", names_of(k, 0, k.params));
    c.list("columns:", names_of(k, k.params, k.inputs.size()));
    c.list("out:", outputs, ", each summed over rows [begin, end)");
    const std::string pace = lanes <= 1 ? "one at a time" : std::to_string(lanes) + " at a time, one per SIMD lane";
    c.line("  rows:    " + pace + "; row begin+t goes into partial sum s[t mod 8], from -0.0;");
    c.line("           out = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), +0.0 for no rows");
}

}  // namespace

std::string c_declaration(const AotKernel& kernel) {
    if (kernel.kind == AotKind::Point) return "void " + kernel.name + "(const double* in, double* out)";
    return "void " + kernel.name +
           "(const double* params, const double* const* columns, uint64_t begin, uint64_t end, double* out)";
}

std::string kernels_comment(std::span<const AotKernel> kernels, const CommentFacts& facts) {
    Comment c(facts.title);
    bool point = false, batch = false;
    for (std::size_t i = 0; i < kernels.size(); ++i) {
        c.blank();
        describe(c, kernels[i], i < facts.lanes.size() ? facts.lanes[i] : 1);
        (kernels[i].kind == AotKind::Point ? point : batch) = true;
    }
    c.blank();
    std::string conventions;
    if (point) conventions += "Point kernels read in[] and write out[], which must not overlap. ";
    if (batch)
        conventions +=
            "Batch kernels read params[] and columns[j][row] for rows begin <= row < end of column-major "
            "data, and write each output's sum over those rows to out[]. ";
    conventions +=
        "Kernels keep no state: any number of threads may call them at once. Numbers follow gradc's "
        "semantics: IEEE double; comparisons give 1.0 or 0.0; where(c, a, b) is a when c != 0, NaN "
        "counting as true; min and max give NaN when either operand is NaN.";
    c.paragraph(conventions);
    if (!facts.closing.empty()) {
        c.blank();
        c.paragraph(facts.closing);
    }
    return c.finish();
}

}  // namespace gradc::emit_detail
