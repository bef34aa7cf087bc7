// Reading rows of an .npy array and writing whole arrays (npy.hpp). Values are stored
// little-endian; a big-endian machine would swap bytes here, in one place.
#include "gradc/npy.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "gradc/dataset.hpp"
#include "npy_header.hpp"

namespace gradc {
namespace {

using detail::npy_error;

template <typename T>
void to_little_endian(std::span<T> values) {
    static_assert(sizeof(T) == 8);
    if constexpr (std::endian::native == std::endian::big) {
        for (T& v : values) {
            std::byte bytes[8];
            std::memcpy(bytes, &v, 8);
            std::reverse(bytes, bytes + 8);
            std::memcpy(&v, bytes, 8);
        }
    }
}

// The product of the dimensions after the first: one row's elements.
std::size_t row_elements(const std::vector<std::size_t>& shape) {
    std::size_t n = 1;
    for (std::size_t k = 1; k < shape.size(); ++k) n *= shape[k];
    return n;
}

// Fills `out` with the values at element `first` onwards, in file order.
template <typename T>
void read_exact(ByteSource& source, const NpyHeader& header, std::size_t first, std::span<T> out) {
    const std::uint64_t offset = header.data_offset + 8 * static_cast<std::uint64_t>(first);
    const std::size_t got = source.read_at(offset, std::as_writable_bytes(out));
    // read_npy_header checked the length; a file cut short since then ends up here.
    if (got < out.size_bytes())
        npy_error(source, "truncated data: expected " + std::to_string(out.size_bytes()) + " bytes at byte " +
                              std::to_string(offset) + ", found " + std::to_string(got));
    to_little_endian(out);
}

// Rows first..first+count-1 in C order. In Fortran order element (i, rest) lies at
// i + rows * j, j being rest's Fortran (first index fastest) position among one row's
// elements, so each j is a contiguous run of `count` values that goes to a column of out.
template <typename T>
std::vector<T> read_block(ByteSource& source, const NpyHeader& header, std::size_t first, std::size_t count) {
    const std::size_t row_size = row_elements(header.shape);
    std::vector<T> out(count * row_size);
    if (!header.fortran_order || header.shape.size() < 2 || out.empty()) {
        read_exact<T>(source, header, first * row_size, out);
        return out;
    }
    const std::size_t rows = header.shape[0];
    const std::vector<std::size_t> dims(header.shape.begin() + 1, header.shape.end());
    std::vector<std::size_t> c_stride(dims.size(), 1);
    for (std::size_t k = dims.size() - 1; k > 0; --k) c_stride[k - 1] = c_stride[k] * dims[k];
    // All rows: one read, then a transpose in memory; otherwise one read per run.
    const bool whole = count == rows;
    std::vector<T> buffer(whole ? rows * row_size : count);
    if (whole) read_exact<T>(source, header, 0, buffer);
    std::vector<std::size_t> index(dims.size(), 0);
    std::size_t c = 0;  // rest's C-order position, kept in step with index
    for (std::size_t j = 0; j < row_size; ++j) {
        const T* run = buffer.data() + (whole ? j * rows : 0);
        if (!whole) read_exact<T>(source, header, j * rows + first, buffer);
        for (std::size_t i = 0; i < count; ++i) out[i * row_size + c] = run[i];
        for (std::size_t k = 0; k < dims.size(); ++k) {
            c += c_stride[k];
            if (++index[k] < dims[k]) break;
            c -= dims[k] * c_stride[k];
            index[k] = 0;
        }
    }
    return out;
}

std::string header_text(std::span<const std::size_t> shape, std::string_view descr) {
    std::string text = "{'descr': '";
    text.append(descr).append("', 'fortran_order': False, 'shape': ");
    return text.append(detail::npy_shape_text(shape)).append(", }");
}

template <typename T>
void write_values(const std::string& path, std::span<const std::size_t> shape, std::span<const T> values,
                  std::string_view descr) {
    std::size_t elements = 1;
    bool overflow = false;
    for (std::size_t d : shape) {
        if (d != 0 && elements > std::numeric_limits<std::size_t>::max() / d) overflow = true;
        elements *= d;
    }
    if (overflow || elements != values.size())
        throw Error("cannot write '" + path + "': the shape " + detail::npy_shape_text(shape) + " does not hold " +
                    std::to_string(values.size()) + " values");
    // As NumPy writes it: the dict padded with blanks and a newline so that the values
    // begin at a multiple of 64 bytes; version 2.0 only when 1.0's 16-bit length is too short.
    std::string header = header_text(shape, descr);
    std::size_t prefix = 10;
    if ((prefix + header.size() + 1 + 63) / 64 * 64 - prefix > 0xffff) prefix = 12;
    header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ').push_back('\n');
    std::string bytes("\x93NUMPY", 6);
    bytes.push_back(prefix == 10 ? '\x01' : '\x02');
    bytes.push_back('\0');
    for (std::size_t i = 0; i < prefix - 8; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
    bytes += header;

    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) throw Error("cannot write '" + path + "': " + std::strerror(errno));
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    if constexpr (std::endian::native == std::endian::little) {
        ok = ok && std::fwrite(values.data(), sizeof(T), values.size(), file) == values.size();
    } else {
        std::vector<T> swapped(values.begin(), values.end());
        to_little_endian(std::span<T>(swapped));
        ok = ok && std::fwrite(swapped.data(), sizeof(T), swapped.size(), file) == swapped.size();
    }
    const int error = ok ? 0 : errno;
    if (std::fclose(file) != 0 && ok) throw Error("cannot write '" + path + "': " + std::strerror(errno));
    if (!ok) throw Error("cannot write '" + path + "': " + std::strerror(error));
}

}  // namespace

std::size_t NpyHeader::elements() const noexcept {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
}

NpyReader::NpyReader(const std::string& path) : NpyReader(open_file_source(path)) {}

NpyReader::NpyReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {
    header_ = detail::read_npy_header(*source_);
}

std::size_t NpyReader::rows() const {
    if (header_.shape.empty()) npy_error(*source_, "the array is 0-d (a single value): it has no rows to read");
    return header_.shape[0];
}

NpyArray NpyReader::read_rows(std::size_t first, std::size_t count) {
    const std::size_t total = rows();
    if (first > total || count > total - first)
        npy_error(*source_, "cannot read " + std::to_string(count) + " rows from row " + std::to_string(first) +
                                ": the array " + detail::npy_shape_text(header_.shape) + " has " +
                                std::to_string(total) + " rows");
    NpyArray array;
    array.shape = header_.shape;
    array.shape[0] = count;
    array.dtype = header_.dtype;
    if (header_.dtype == NpyDtype::float64)
        array.reals = read_block<double>(*source_, header_, first, count);
    else
        array.integers = read_block<std::int64_t>(*source_, header_, first, count);
    return array;
}

NpyArray NpyReader::read_all() {
    if (!header_.shape.empty()) return read_rows(0, header_.shape[0]);
    NpyArray array;
    array.dtype = header_.dtype;
    if (header_.dtype == NpyDtype::float64) {
        array.reals.resize(1);
        read_exact<double>(*source_, header_, 0, array.reals);
    } else {
        array.integers.resize(1);
        read_exact<std::int64_t>(*source_, header_, 0, array.integers);
    }
    return array;
}

NpyArray read_npy(const std::string& path) { return NpyReader(path).read_all(); }

void write_npy(const std::string& path, std::span<const std::size_t> shape, std::span<const double> values) {
    write_values(path, shape, values, "<f8");
}

void write_npy(const std::string& path, std::span<const std::size_t> shape, std::span<const std::int64_t> values) {
    write_values(path, shape, values, "<i8");
}

}  // namespace gradc
