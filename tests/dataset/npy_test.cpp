// The .npy reader and writer: NumPy's own files (tests/data/npy, made by make_fixtures.py
// there) decide what the values are; edge cases are built byte by byte here.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/npy.hpp"
#include "tools/temp_files.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string fixture(const std::string& name) { return std::string(GRADC_TEST_DATA_DIR) + "/npy/" + name; }

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An .npy file as the format describes it: magic, version, header length (2 bytes in
// 1.0, 4 otherwise), the dict padded to 64 bytes with blanks and a newline, then `data`.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
    const std::size_t prefix = major == 1 ? 10 : 12;
    std::string header = dict;
    while ((prefix + header.size() + 1) % 64 != 0) header.push_back(' ');
    header.push_back('\n');
    std::string bytes = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
    for (std::size_t i = 0; i < prefix - 8; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
    return bytes + header + data;
}

template <typename T>
std::string raw(const std::vector<T>& values) {
    std::string bytes(values.size() * sizeof(T), '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

gradc::NpyReader reader(const std::string& bytes) { return gradc::NpyReader(gradc::memory_source("bytes.npy", bytes)); }

// Opening (or reading all of) `bytes` fails with a DataError holding each of `parts`.
void refuses(const std::string& bytes, const std::vector<std::string>& parts) {
    try {
        (void)reader(bytes).read_all();
        FAIL("read without an error");
    } catch (const gradc::DataError& e) {
        CHECK_THAT(e.what(), StartsWith("bytes.npy: "));
        for (const std::string& part : parts) CHECK_THAT(e.what(), Contains(part));
    }
}

std::uint64_t bits(double x) {
    std::uint64_t b = 0;
    std::memcpy(&b, &x, 8);
    return b;
}

const std::string dict_23 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
const std::vector<double> six = {1, 2, 3, 4, 5, 6};

}  // namespace

TEST_CASE("NumPy's float64 files read in C order whether stored in C or Fortran order", "[dataset][npy]") {
    for (const char* name : {"c_f8.npy", "fortran_f8.npy"}) {
        INFO(name);
        const gradc::NpyArray a = gradc::read_npy(fixture(name));
        REQUIRE(a.dtype == gradc::NpyDtype::float64);
        REQUIRE(a.shape == std::vector<std::size_t>{2, 3});
        REQUIRE(a.reals.size() == 6);
        CHECK(a.integers.empty());
        CHECK(a.reals[0] == 1.5);
        CHECK(a.reals[1] == -2.25);
        CHECK(a.reals[2] == 1e-300);
        CHECK(a.reals[3] == INFINITY);
        CHECK(std::isnan(a.reals[4]));
        CHECK(bits(a.reals[5]) == bits(-0.0));
    }
    CHECK_FALSE(gradc::NpyReader(fixture("c_f8.npy")).header().fortran_order);
    CHECK(gradc::NpyReader(fixture("fortran_f8.npy")).header().fortran_order);
    CHECK(gradc::NpyReader(fixture("c_f8.npy")).header().data_offset == 128);
}

TEST_CASE("int64 files, 3-d Fortran arrays, 0-d and empty arrays and version 2.0", "[dataset][npy]") {
    const gradc::NpyArray i = gradc::read_npy(fixture("c_i8.npy"));
    CHECK(i.dtype == gradc::NpyDtype::int64);
    CHECK(i.shape == std::vector<std::size_t>{2, 3});
    CHECK(i.reals.empty());
    CHECK(i.integers ==
          std::vector<std::int64_t>{-3, 0, 7, std::int64_t{1} << 62, std::numeric_limits<std::int64_t>::min(), 1});

    const gradc::NpyArray f3 = gradc::read_npy(fixture("fortran_3d_f8.npy"));  // arange(24.).reshape(2,3,4)
    CHECK(f3.shape == std::vector<std::size_t>{2, 3, 4});
    for (std::size_t k = 0; k < 24; ++k) CHECK(f3.reals[k] == static_cast<double>(k));
    const gradc::NpyArray i3 = gradc::read_npy(fixture("fortran_3d_i8.npy"));  // arange(24).reshape(4,3,2) - 5
    CHECK(i3.shape == std::vector<std::size_t>{4, 3, 2});
    for (std::size_t k = 0; k < 24; ++k) CHECK(i3.integers[k] == static_cast<std::int64_t>(k) - 5);

    gradc::NpyReader scalar(fixture("scalar_f8.npy"));
    CHECK(scalar.shape().empty());
    CHECK(scalar.header().elements() == 1);
    CHECK(scalar.read_all().reals == std::vector<double>{2.5});
    CHECK_THROWS_WITH(scalar.read_rows(0, 1), Contains("0-d") && Contains("scalar_f8.npy"));

    const gradc::NpyArray empty = gradc::read_npy(fixture("empty_f8.npy"));
    CHECK(empty.shape == std::vector<std::size_t>{0, 3});
    CHECK(empty.reals.empty());

    gradc::NpyReader v2(fixture("v2_f8.npy"));
    CHECK(v2.header().major_version == 2);
    CHECK(v2.read_all().reals == std::vector<double>{0.1, -7.0, 3e10});
    CHECK(reader(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", raw<double>({4}), 3))
              .read_all()
              .reals == std::vector<double>{4});
}

TEST_CASE("other dtypes are refused with what was found and how to re-save it", "[dataset][npy]") {
    const auto check = [](const char* name, const std::vector<std::string>& parts) {
        INFO(name);
        try {
            (void)gradc::read_npy(fixture(name));
            FAIL("read without an error");
        } catch (const gradc::DataError& e) {
            CHECK_THAT(e.what(), StartsWith(fixture(name) + ": "));
            for (const std::string& part : parts) CHECK_THAT(e.what(), Contains(part));
        }
    };
    check("big_endian_f8.npy", {"'>f8' (big-endian float64)", "arr.astype('<f8')"});
    check("f4.npy", {"'<f4' (float32)", "arr.astype('<f8')"});
    check("i4.npy", {"'<i4' (int32)", "arr.astype('<i8')"});
    check("bool.npy", {"'|b1' (bool)", "arr.astype('<i8')"});
    check("object.npy", {"'|O' (Python objects, stored as a pickle)"});
    // No byte order stated for an 8-byte type: ambiguous, refused.
    refuses(npy_bytes("{'descr': '|f8', 'fortran_order': False, 'shape': (2,)}", raw(std::vector<double>{1, 2})),
            {"'|f8' (no byte order, float64)"});
    refuses(npy_bytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", raw<double>({1})),
            {"structured dtypes"});
}

TEST_CASE("'=' and a bare 'f8' mean this machine's order, little-endian", "[dataset][npy]") {
    for (const char* descr : {"=f8", "f8"}) {
        const std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (2,)}";
        CHECK(reader(npy_bytes(dict, raw<double>({1, 2}))).read_all().reals == std::vector<double>{1, 2});
    }
    CHECK(reader(npy_bytes("{'descr': '=i8', 'fortran_order': False, 'shape': (1,)}", raw<std::int64_t>({-9})))
              .read_all()
              .integers == std::vector<std::int64_t>{-9});
}

TEST_CASE("the header dict is read as Python reads it", "[dataset][npy]") {
    const std::vector<std::string> accepted = {
        dict_23,
        "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
        "{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":(2,3)}",
        "  {  'descr' : '<f8' ,\n 'fortran_order' :\tFalse , 'shape' : ( 2 , 3 , ) , }  ",
        "{'descr': u'<f8', 'fortran_order': False, 'shape': (2L, 3L)}",
    };
    for (const std::string& dict : accepted) {
        INFO(dict);
        const gradc::NpyArray a = reader(npy_bytes(dict, raw(six))).read_all();
        CHECK(a.shape == std::vector<std::size_t>{2, 3});
        CHECK(a.reals == six);
    }
    const std::string data = raw(six);
    const auto bad = [&](const std::string& dict, const std::string& part) {
        INFO(dict);
        refuses(npy_bytes(dict, data), {"malformed header", part});
    };
    bad("{'descr': '<f8', 'shape': (6,)}", "'fortran_order' is missing");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'extra': 1}", "unexpected key 'extra'");
    bad("{'descr': '<f8', 'fortran_order': False, 'fortran_order': True, 'shape': (6,)}", "appears twice");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", "write (6,)");
    bad("{'descr': '<f8', 'fortran_order': false, 'shape': (6,)}", "True or False");
    bad("{'descr': '<f8', 'fortran_order': Falsey, 'shape': (6,)}", "True or False");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}", "non-negative integer");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (06,)}", "leading zero");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or ')'");
    bad("{'descr': '<f8' 'fortran_order': False, 'shape': (6,)}", "expected ',' or '}'");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (6,)} x", "after the dict");
    bad("{'descr': '<f8, 'fortran_order': False, 'shape': (6,)}", "expected ',' or '}' after the value of 'descr'");
    bad("{'descr': '<f8', 'fortran_order': False, 'shape': (6,", "expected a dimension");
    bad("['descr', '<f8']", "beginning with '{'");
    bad("{descr: '<f8'}", "a key in quotes");
}

TEST_CASE("broken files are refused with a message naming the problem", "[dataset][npy]") {
    const std::string good = npy_bytes(dict_23, raw(six));
    refuses("", {"not a NumPy .npy file"});
    refuses("x,y\n1,2\n", {"not a NumPy .npy file"});
    refuses(std::string("\x93NUM", 4), {"truncated header"});
    refuses(good.substr(0, 9), {"truncated header"});
    refuses(good.substr(0, 60), {"truncated header", "should be 118 bytes long, the file has 50"});
    refuses(good.substr(0, 128 + 40), {"truncated data", "(2, 3) needs 48 bytes after the header, the file has 40"});
    refuses(good.substr(0, 128), {"the file has 0"});
    CHECK(reader(good + "trailing").read_all().reals == six);  // np.load ignores bytes after the data

    std::string v4 = good;
    v4[6] = '\x04';
    refuses(v4, {"unsupported .npy format version 4.0", "1.0, 2.0 and 3.0"});
    std::string v11 = good;
    v11[7] = '\x01';
    refuses(v11, {"version 1.1"});

    refuses(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", ""),
            {"shape overflow", "(4294967296, 4294967296)"});
    refuses(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", ""),
            {"shape overflow"});
    // A 0 makes the product 0, but the other dimensions must still be countable.
    refuses(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296)}", ""),
            {"shape overflow"});
    refuses(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000)}", ""),
            {"truncated data", "needs 8000000000000 bytes"});

    CHECK_THROWS_WITH(gradc::read_npy(fixture("no_such_file.npy")),
                      Contains("cannot open") && Contains("no_such_file.npy"));
    CHECK_THROWS_AS(gradc::read_npy(std::string(GRADC_TEST_DATA_DIR)), gradc::DataError);  // a folder
}

TEST_CASE("read_rows reads any range of rows, Fortran order included", "[dataset][npy]") {
    // A (5, 3, 2) array whose element (i, j, k) is 100i + 10j + k, stored both ways.
    const std::size_t n0 = 5, n1 = 3, n2 = 2;
    std::vector<double> c_order, f_order(n0 * n1 * n2);
    for (std::size_t i = 0; i < n0; ++i)
        for (std::size_t j = 0; j < n1; ++j)
            for (std::size_t k = 0; k < n2; ++k) {
                const auto v = static_cast<double>(100 * i + 10 * j + k);
                c_order.push_back(v);
                f_order[i + n0 * (j + n1 * k)] = v;
            }
    const std::string shape = "'shape': (5, 3, 2), }";
    const std::string c_file = npy_bytes("{'descr': '<f8', 'fortran_order': False, " + shape, raw(c_order));
    const std::string f_file = npy_bytes("{'descr': '<f8', 'fortran_order': True, " + shape, raw(f_order));
    gradc::NpyReader c_reader = reader(c_file), f_reader = reader(f_file);
    CHECK(f_reader.rows() == 5);
    for (std::size_t first = 0; first <= n0; ++first)
        for (std::size_t count = 0; first + count <= n0; ++count) {
            INFO("rows " << first << " + " << count);
            const std::vector<double> expected(c_order.begin() + first * 6, c_order.begin() + (first + count) * 6);
            for (gradc::NpyReader* r : {&c_reader, &f_reader}) {
                const gradc::NpyArray a = r->read_rows(first, count);
                CHECK(a.shape == std::vector<std::size_t>{count, 3, 2});
                CHECK(a.reals == expected);
            }
        }
    // NumPy's int64 Fortran file, rows 1 and 2 of arange(24).reshape(4,3,2) - 5.
    const gradc::NpyArray rows12 = gradc::NpyReader(fixture("fortran_3d_i8.npy")).read_rows(1, 2);
    CHECK(rows12.integers == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

    for (auto [first, count] :
         {std::pair<std::size_t, std::size_t>{5, 1}, {4, 2}, {6, 0}, {1, std::numeric_limits<std::size_t>::max()}}) {
        INFO(first << " + " << count);
        CHECK_THROWS_WITH(f_reader.read_rows(first, count), Contains("has 5 rows") && StartsWith("bytes.npy: "));
    }
    CHECK(f_reader.read_rows(5, 0).reals.empty());
}

TEST_CASE("write_npy writes what NumPy writes, and reads back bit for bit", "[dataset][npy]") {
    // The same values and shape as NumPy's c_f8.npy give the same bytes.
    const gradc::NpyArray m = gradc::read_npy(fixture("c_f8.npy"));
    const std::string path = gradc::testing::temp_path("m.npy");
    gradc::write_npy(path, m.shape, m.reals);
    CHECK(file_bytes(path) == file_bytes(fixture("c_f8.npy")));
    const gradc::NpyArray i = gradc::read_npy(fixture("c_i8.npy"));
    gradc::write_npy(path, i.shape, i.integers);
    CHECK(file_bytes(path) == file_bytes(fixture("c_i8.npy")));

    const std::vector<double> odd = {std::numeric_limits<double>::quiet_NaN(),
                                     -std::numeric_limits<double>::quiet_NaN(),
                                     -0.0,
                                     INFINITY,
                                     -INFINITY,
                                     5e-324,
                                     0.1,
                                     -1.7976931348623157e308};
    const std::vector<std::size_t> shape = {2, 2, 2};
    gradc::write_npy(path, shape, odd);
    const gradc::NpyArray back = gradc::read_npy(path);
    CHECK(back.shape == shape);
    REQUIRE(back.reals.size() == odd.size());
    for (std::size_t k = 0; k < odd.size(); ++k) CHECK(bits(back.reals[k]) == bits(odd[k]));

    const std::vector<std::int64_t> ints = {std::numeric_limits<std::int64_t>::min(), -1, 0,
                                            std::numeric_limits<std::int64_t>::max()};
    gradc::write_npy(path, std::vector<std::size_t>{4}, ints);
    CHECK(gradc::read_npy(path).integers == ints);
    gradc::write_npy(path, std::vector<std::size_t>{}, std::vector<double>{-0.5});
    CHECK(gradc::read_npy(path).shape.empty());
    gradc::write_npy(path, std::vector<std::size_t>{0, 3}, std::vector<double>{});
    CHECK(gradc::read_npy(path).shape == std::vector<std::size_t>{0, 3});

    // 25,000 dimensions need a header longer than version 1.0's 65,535 bytes.
    const std::vector<std::size_t> long_shape(25000, 1);
    gradc::write_npy(path, long_shape, std::vector<double>{3});
    gradc::NpyReader long_reader(path);
    CHECK(long_reader.header().major_version == 2);
    CHECK(long_reader.header().data_offset % 64 == 0);
    CHECK(long_reader.read_all().reals == std::vector<double>{3});

    CHECK_THROWS_WITH(gradc::write_npy(path, std::vector<std::size_t>{2, 2}, six), Contains("does not hold 6 values"));
    CHECK_THROWS_WITH(gradc::write_npy("/nonexistent-folder/x.npy", shape, odd), Contains("cannot write"));
}
