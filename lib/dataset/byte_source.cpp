// Where .npy bytes come from: a file read with pread (random access without a shared file
// position, so a strided Fortran-order read is one call per run), or a buffer in memory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "gradc/dataset.hpp"
#include "gradc/npy.hpp"

namespace gradc {
namespace {

class FileSource final : public ByteSource {
public:
    explicit FileSource(std::string path) : path_(std::move(path)) {
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw DataError(0, 0, "cannot open the file '" + path_ + "': " + std::strerror(errno));
        struct stat info{};
        if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
            ::close(fd_);
            throw DataError(0, 0, "'" + path_ + "' is not a file");
        }
        size_ = static_cast<std::uint64_t>(info.st_size);
    }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;
    ~FileSource() override { ::close(fd_); }

    const std::string& name() const noexcept override { return path_; }
    std::uint64_t size() const noexcept override { return size_; }

    std::size_t read_at(std::uint64_t offset, std::span<std::byte> out) override {
        std::size_t done = 0;
        while (done < out.size()) {
            const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
            if (n == 0) break;
            if (n < 0) {
                if (errno == EINTR) continue;
                throw Error("cannot read '" + path_ + "': " + std::strerror(errno));
            }
            done += static_cast<std::size_t>(n);
        }
        return done;
    }

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

class MemorySource final : public ByteSource {
public:
    MemorySource(std::string name, std::string_view bytes) : name_(std::move(name)), bytes_(bytes) {}

    const std::string& name() const noexcept override { return name_; }
    std::uint64_t size() const noexcept override { return bytes_.size(); }

    std::size_t read_at(std::uint64_t offset, std::span<std::byte> out) override {
        if (offset >= bytes_.size() || out.empty()) return 0;  // memcpy takes no null pointer, even for 0 bytes
        const std::size_t n = std::min<std::uint64_t>(out.size(), bytes_.size() - offset);
        std::memcpy(out.data(), bytes_.data() + offset, n);
        return n;
    }

private:
    std::string name_;
    std::string bytes_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) { return std::make_unique<FileSource>(path); }

std::unique_ptr<ByteSource> memory_source(std::string name, std::string_view bytes) {
    return std::make_unique<MemorySource>(std::move(name), bytes);
}

}  // namespace gradc
