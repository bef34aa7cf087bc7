# Writes the .npy fixtures of tests/dataset/npy_test.cpp with NumPy (1.24), the oracle
# for what the reader must read. Run from this folder: /usr/bin/python3 make_fixtures.py
import numpy as np

m = np.array([[1.5, -2.25, 1e-300], [np.inf, np.nan, -0.0]])
np.save("c_f8.npy", m)                                            # C order, (2, 3)
np.save("fortran_f8.npy", np.asfortranarray(m))                   # Fortran order, same values
np.save("c_i8.npy", np.array([[-3, 0, 7], [2**62, -2**63, 1]], dtype="<i8"))
np.save("fortran_3d_f8.npy", np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))  # 0..23 row-major
np.save("fortran_3d_i8.npy", np.asfortranarray(np.arange(24, dtype="<i8").reshape(4, 3, 2) - 5))  # -5..18
np.save("scalar_f8.npy", np.float64(2.5))                         # shape ()
np.save("empty_f8.npy", np.zeros((0, 3)))                         # shape (0, 3)
np.save("big_endian_f8.npy", np.array([1.0, 2.0], dtype=">f8"))
np.save("f4.npy", np.array([1.0, 2.0], dtype="<f4"))
np.save("i4.npy", np.array([1, 2], dtype="<i4"))
np.save("bool.npy", np.array([True, False]))
np.save("object.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
with open("v2_f8.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([0.1, -7.0, 3e10]), version=(2, 0))
