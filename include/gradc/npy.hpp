// NumPy's .npy files: a reader that parses the header once and then reads any range of
// rows (along axis 0) without reading the rest, and a writer.
//
// What is read: format versions 1.0, 2.0 and 3.0; the dtypes float64 and int64 stored
// little-endian ('<f8', '<i8'); C order and Fortran order. Values always come back in C
// (row-major) order. '=' (the writer's native order) and a bare 'f8' are read as
// little-endian, which is what np.load does on a little-endian machine such as those gradc
// runs on; '|f8' says no byte order at all, so it is refused. Everything else (big-endian,
// float32, int32, bool, complex, strings, structured and object arrays, whose data is a
// pickle that gradc never runs) is refused with a message saying how to re-save the array.
// Bytes after the data are ignored, as np.load ignores them.
//
// Bytes come through a ByteSource, so the same reader serves a file, a buffer in memory,
// and later a member of an .npz archive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradc {

// Random-access bytes with a name for messages.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    // A file's path, or what a message should call the bytes ("weights.npz: W1.npy").
    virtual const std::string& name() const noexcept = 0;
    virtual std::uint64_t size() const noexcept = 0;
    // Copies the bytes from `offset` into `out`; returns how many, fewer than out.size()
    // only at the end of the source. Throws Error when the bytes cannot be read.
    virtual std::size_t read_at(std::uint64_t offset, std::span<std::byte> out) = 0;
};

// The file at `path`; DataError naming it when it cannot be opened or is a folder.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);
// A copy of `bytes`, called `name` in messages.
std::unique_ptr<ByteSource> memory_source(std::string name, std::string_view bytes);

enum class NpyDtype { float64, int64 };

// What an .npy header says.
struct NpyHeader {
    int major_version = 1;
    int minor_version = 0;
    NpyDtype dtype = NpyDtype::float64;
    bool fortran_order = false;
    std::vector<std::size_t> shape;  // () for a 0-d array
    std::uint64_t data_offset = 0;   // where the values begin

    // The product of the shape: 1 for a 0-d array.
    std::size_t elements() const noexcept;
};

// An array's shape and values in C order: `reals` for float64, `integers` for int64 (the
// other one stays empty).
struct NpyArray {
    std::vector<std::size_t> shape;
    NpyDtype dtype = NpyDtype::float64;
    std::vector<double> reals;
    std::vector<std::int64_t> integers;
};

// An open .npy file (or other source) whose header has been read and checked, data
// length included. Every error is a DataError whose message begins with the source's name.
class NpyReader {
public:
    explicit NpyReader(const std::string& path);
    explicit NpyReader(std::unique_ptr<ByteSource> source);

    const NpyHeader& header() const noexcept { return header_; }
    const std::vector<std::size_t>& shape() const noexcept { return header_.shape; }
    NpyDtype dtype() const noexcept { return header_.dtype; }
    // shape()[0]; DataError for a 0-d array, which has no rows.
    std::size_t rows() const;

    // Rows first .. first+count-1, as an array of shape (count, shape[1], ...). A Fortran-
    // order file is read in shape[1]*...*shape[k] strided runs of `count` values. DataError
    // for a 0-d array and a range past the last row.
    NpyArray read_rows(std::size_t first, std::size_t count);
    // The whole array (a 0-d array too).
    NpyArray read_all();

private:
    std::unique_ptr<ByteSource> source_;
    NpyHeader header_;
};

// The whole array in the file at `path`.
NpyArray read_npy(const std::string& path);

// Writes `values` (C order) as an .npy file of the given shape, little-endian, format
// version 1.0 (2.0 for a header too long for 1.0, as NumPy does), which np.load reads to
// the same bits. Throws Error when the values do not fill the shape or the file cannot
// be written.
void write_npy(const std::string& path, std::span<const std::size_t> shape, std::span<const double> values);
void write_npy(const std::string& path, std::span<const std::size_t> shape, std::span<const std::int64_t> values);

}  // namespace gradc
