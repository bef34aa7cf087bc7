// The index form of every kind of node: a definition of its elements, t[i,k] =
// sum(j, A[i,j] * B[j,k]). Always available, so it is also the matrix form's fallback.
// An index ranges over the axis it indexes; a read outside a tensor is 0 (how padding
// reads); (i == j) is 1 or 0.
#include <algorithm>
#include <bit>
#include <string>

#include "gradc/error.hpp"
#include "gradc/print.hpp"
#include "tensor/print.hpp"

namespace gradc::tensor {

namespace {

// Σ_k coefficients[k]·names[k] + offset, as an index expression: 2*i+1, p+k, i-2.
std::string affine_text(const Syntax& s, std::span<const std::int64_t> coefficients, std::span<const std::string> names,
                        std::int64_t offset) {
    std::string text;
    for (std::size_t k = 0; k < names.size(); ++k) {
        const std::int64_t c = coefficients[k];
        if (c == 0) continue;
        const std::int64_t magnitude = c < 0 ? -c : c;
        text += c < 0 ? "-" : (text.empty() ? "" : "+");
        if (magnitude != 1) text += std::to_string(magnitude) + (s.latex() ? " " : "*");
        text += names[k];
    }
    if (offset != 0 || text.empty())
        text += (offset < 0 ? "-" : (text.empty() ? "" : "+")) + std::to_string(offset < 0 ? -offset : offset);
    return text;
}

Fragment product(const Syntax& s, const Fragment& a, const Fragment& b) {
    if (!s.latex()) return infix(s, a, " * ", b, kPrintProduct, Product::Elementwise);
    const bool digit = !b.text.empty() && b.text[0] >= '0' && b.text[0] <= '9';
    return infix(s, a, digit ? " \\cdot " : " ", b, kPrintProduct, Product::Matrix);
}

// [a == b]: (a == b) in text, an Iverson bracket in LaTeX.
Fragment indicator(const Syntax& s, const std::string& a, const std::string& b) {
    if (s.latex()) return atom("\\left[" + a + " = " + b + "\\right]");
    return atom("(" + a + " == " + b + ")");
}

// A stride of `dims` after axis k, with N as a symbol: "N*4", "4", "N".
std::string stride_text(const Shape& shape, std::size_t k) {
    std::int64_t numeric = 1;
    bool rows = false;
    for (std::size_t j = k + 1; j < shape.rank(); ++j) {
        if (shape.dims[j] == kRows)
            rows = true;
        else
            numeric *= shape.dims[j];
    }
    if (!rows) return std::to_string(numeric);
    return numeric == 1 ? "N" : "N*" + std::to_string(numeric);
}

std::vector<std::int64_t> non_unit(const Shape& shape) {
    std::vector<std::int64_t> dims;
    for (const std::int64_t d : shape.dims)
        if (d != 1) dims.push_back(d);
    return dims;
}

// The index of x read by element `out` of reshape(x): the same non-1 axes in order
// when only axes of 1 come and go, else through the row-major flat offset.
std::vector<std::string> reshape_index(const Shape& from, const Shape& to, std::span<const std::string> out) {
    std::vector<std::string> index;
    if (non_unit(from) == non_unit(to)) {
        std::size_t next = 0;
        for (const std::int64_t d : from.dims) {
            if (d == 1) {
                index.push_back("0");
                continue;
            }
            while (to.dims[next] == 1) ++next;
            index.push_back(out[next++]);
        }
        return index;
    }
    std::string flat;
    for (std::size_t k = 0; k < to.rank(); ++k) {
        if (to.dims[k] == 1) continue;
        const std::string stride = stride_text(to, k);
        flat += (flat.empty() ? "" : "+") + (stride == "1" ? out[k] : stride + "*" + out[k]);
    }
    if (flat.empty()) flat = "0";
    const std::string grouped = flat.find('+') != std::string::npos ? "(" + flat + ")" : flat;
    for (std::size_t a = 0; a < from.rank(); ++a) {
        if (from.dims[a] == 1) {
            index.push_back("0");
            continue;
        }
        const std::string stride = stride_text(from, a);
        std::string e = stride == "1" ? grouped : grouped + "//" + stride;
        if (a > 0)
            e = (stride == "1" ? e : "(" + e + ")") + "%" +
                (from.dims[a] == kRows ? std::string("N") : std::to_string(from.dims[a]));
        index.push_back(e);
    }
    return index;
}

}  // namespace

Fragment literal(const Syntax& s, Tensor constant) {
    const std::span<const double> values = constant->values();
    const bool equal = std::all_of(values.begin(), values.end(), [&](double v) {
        return std::bit_cast<std::uint64_t>(v) == std::bit_cast<std::uint64_t>(values[0]);
    });
    // An empty constant prints as full() too: "[]" would read back as shape [0] whatever
    // its shape was.
    if (equal) {
        const Fragment args[] = {atom(shape_text(constant->shape())), number(s, values.empty() ? 0.0 : values[0])};
        return call(s, s.latex() ? "\\operatorname{full}" : "full", args);
    }
    // Nested lists, row-major: "[" opens an axis, "]" closes it.
    const std::vector<std::size_t> dims = constant->shape().bound(0);
    std::string text;
    std::vector<std::size_t> at(dims.size(), 0);
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::size_t opened = 0;
        while (opened < dims.size() && at[dims.size() - 1 - opened] == 0) ++opened;
        if (i > 0) text += ", ";
        text += std::string(std::min(opened, dims.size()), '[') + number(Syntax{TensorSyntax::Text}, values[i]).text;
        std::size_t k = dims.size();
        while (k-- > 0) {
            if (++at[k] < dims[k]) break;
            at[k] = 0;
            text += ']';
        }
    }
    return atom(text);
}

Fragment reduction(const Syntax& s, bool max, std::span<const std::string> indices, const Fragment& body) {
    if (s.latex()) {
        std::string under;
        for (std::size_t k = 0; k < indices.size(); ++k) under += (k ? "," : "") + indices[k];
        const Fragment b = parenthesized(s, body, kPrintProduct);
        return Fragment{std::string(max ? "\\max" : "\\sum") + "_{" + under + "} " + b.text,
                        kPrintSum,
                        Product::None,
                        b.depth + 1,
                        {}};
    }
    std::vector<Fragment> args;
    for (const std::string& i : indices) args.push_back(atom(i));
    args.push_back(body);
    return call(s, max ? "amax" : "sum", args);
}

Fragment index_definition(const Syntax& s, Tensor t, std::span<const Fragment> operands,
                          std::span<const std::string> out, IndexNames& names, std::size_t share_above,
                          const Share& share) {
    if (t->kind() == TensorKind::Constant) return t->shape().rank() == 0 ? number(s, t->values()[0]) : literal(s, t);
    const Shape& shape = t->shape();
    const auto read = [&](std::size_t k, std::span<const std::string> index) { return element(s, operands[k], index); };
    switch (t->kind()) {
        case TensorKind::Param:
        case TensorKind::Data:
        case TensorKind::Constant: break;
        case TensorKind::Map: {
            std::vector<Fragment> placeholders;
            std::vector<bool> tensors;
            for (std::size_t k = 0; k < t->operands().size(); ++k) {
                const Shape& o = t->operand(k)->shape();
                const std::size_t shift = shape.rank() - o.rank();
                std::vector<std::string> index;
                for (std::size_t j = 0; j < o.rank(); ++j)
                    index.push_back(o.dims[j] == 1 && shape.dims[shift + j] != 1 ? "0" : out[shift + j]);
                placeholders.push_back(read(k, index));
                tensors.push_back(false);  // elements
            }
            return print_body(s, t->body(), placeholders, tensors, share_above, share);
        }
        case TensorKind::Contract: {
            std::string labels;
            std::vector<std::string> label_names;
            const auto name_of = [&](char c, Tensor operand, std::size_t axis) -> std::string {
                const std::size_t at = labels.find(c);
                if (at != std::string::npos) return label_names[at];
                labels.push_back(c);
                label_names.push_back(names.fresh(operand->shape().dims[axis] == kRows));
                return label_names.back();
            };
            for (std::size_t k = 0; k < out.size(); ++k) {
                labels.push_back(t->output_labels()[k]);
                label_names.push_back(out[k]);
            }
            std::vector<std::string> index[2];
            for (std::size_t i = 0; i < 2; ++i)
                for (std::size_t k = 0; k < t->labels(i).size(); ++k)
                    index[i].push_back(name_of(t->labels(i)[k], t->operand(i), k));
            const std::vector<std::string> summed(label_names.begin() + static_cast<std::ptrdiff_t>(out.size()),
                                                  label_names.end());
            const Fragment body = product(s, read(0, index[0]), read(1, index[1]));
            return summed.empty() ? body : reduction(s, false, summed, body);
        }
        case TensorKind::Sum:
        case TensorKind::Max: {
            const Shape& x = t->operand(0)->shape();
            std::vector<std::string> index, summed;
            std::size_t kept = 0;
            for (std::size_t a = 0; a < x.rank(); ++a) {
                if (std::find(t->axes().begin(), t->axes().end(), a) == t->axes().end()) {
                    index.push_back(out[kept++]);
                } else {
                    summed.push_back(names.fresh(x.dims[a] == kRows));
                    index.push_back(summed.back());
                }
            }
            return reduction(s, t->kind() == TensorKind::Max, summed, read(0, index));
        }
        case TensorKind::Broadcast: {
            const Shape& x = t->operand(0)->shape();
            std::vector<std::string> index;
            for (std::size_t k = 0; k < x.rank(); ++k) {
                const std::size_t a = t->axes()[k];
                index.push_back(x.dims[k] == 1 && shape.dims[a] != 1 ? "0" : out[a]);
            }
            return read(0, index);
        }
        case TensorKind::Permute: {
            std::vector<std::string> index(out.size());
            for (std::size_t k = 0; k < out.size(); ++k) index[t->axes()[k]] = out[k];
            return read(0, index);
        }
        case TensorKind::Reshape: return read(0, reshape_index(t->operand(0)->shape(), shape, out));
        case TensorKind::Gather: {
            const Shape& x = t->operand(0)->shape();
            const std::size_t lead = x.rank() - t->operand(1)->shape().rank();
            const std::vector<std::string> trailing(out.begin() + static_cast<std::ptrdiff_t>(lead), out.end());
            std::vector<std::string> index(out.begin(), out.end());
            index[t->axes()[0]] = element(s, operands[1], trailing).text;
            return read(0, index);
        }
        case TensorKind::ScatterAdd: {
            // t[.., c, ..] = sum(k, source[.., k, ..] * (index[.., k, ..] == c))
            const std::size_t axis = t->axes()[0];
            const std::size_t lead = shape.rank() - t->operand(0)->shape().rank();
            const std::string k = names.fresh();
            std::vector<std::string> index(out.begin(), out.end());
            index[axis] = k;
            const std::vector<std::string> trailing(index.begin() + static_cast<std::ptrdiff_t>(lead), index.end());
            const Fragment body = product(s, read(1, index), indicator(s, read(0, trailing).text, out[axis]));
            return reduction(s, false, std::span<const std::string>(&k, 1), body);
        }
        case TensorKind::Delta: {
            const std::size_t half = out.size() / 2;
            if (half == 0) {
                return number(s, 1.0);
            }
            Fragment rhs;
            for (std::size_t k = 0; k < half; ++k) {
                const Fragment f = s.latex() ? atom("\\delta_{" + out[k] + "," + out[half + k] + "}")
                                             : indicator(s, out[k], out[half + k]);
                rhs = k == 0 ? f : product(s, rhs, f);
            }
            return rhs;
        }
        case TensorKind::View: {
            const std::size_t width = out.size() + 1;
            std::vector<std::string> index;
            for (std::size_t a = 0; a < t->operand(0)->shape().rank(); ++a) {
                const std::span<const std::int64_t> row = t->affine().subspan(a * width, width);
                index.push_back(affine_text(s, row.first(out.size()), out, row[out.size()]));
            }
            return read(0, index);
        }
        case TensorKind::ViewAdjoint: {
            // Where the view read each element once by a shift (pads, unit slices), a read
            // of g shifted back; else a sum over g of the elements that land here.
            const std::size_t view_rank = t->operand(0)->shape().rank(), width = view_rank + 1;
            const std::span<const std::int64_t> affine = t->affine();
            std::vector<std::size_t> source(out.size(), view_rank), readers(view_rank, 0);
            bool shift = true;
            for (std::size_t a = 0; a < out.size() && shift; ++a)
                for (std::size_t k = 0; k < view_rank; ++k) {
                    const std::int64_t c = affine[a * width + k];
                    if (c == 0) continue;
                    shift = shift && c == 1 && source[a] == view_rank;
                    source[a] = k;
                    ++readers[k];
                }
            for (std::size_t k = 0; k < view_rank; ++k) shift = shift && readers[k] == 1;
            for (std::size_t a = 0; a < out.size(); ++a) shift = shift && source[a] != view_rank;
            if (shift) {
                std::vector<std::string> index(view_rank);
                for (std::size_t a = 0; a < out.size(); ++a) {
                    const std::int64_t offset = affine[a * width + view_rank];
                    const std::int64_t one = 1;
                    index[source[a]] = affine_text(s, std::span<const std::int64_t>(&one, 1),
                                                   std::span<const std::string>(&out[a], 1), -offset);
                }
                return read(0, index);
            }
            std::vector<std::string> view_index;
            for (std::size_t k = 0; k < view_rank; ++k)
                view_index.push_back(names.fresh(t->operand(0)->shape().dims[k] == kRows));
            Fragment body = read(0, view_index);
            for (std::size_t a = 0; a < out.size(); ++a) {
                const std::span<const std::int64_t> row = affine.subspan(a * width, width);
                body = product(s, body,
                               indicator(s, affine_text(s, row.first(view_rank), view_index, row[view_rank]), out[a]));
            }
            return reduction(s, false, view_index, body);
        }
    }
    GRADC_ASSERT(false, "inputs have no index definition");
}

}  // namespace gradc::tensor
