"""This project's C loop kernel (c_kernels/loop.c), called through ctypes.

Comment 19 of the post tried "the python C-API, ctypes, and f2py". Here the
C source the compiled race runs as c/loop is built as a shared library with
cc and SHOOTOUT_CFLAGS (the same -O3 -march as every compiled kernel), loaded
with ctypes and called once per sweep from the post's Python driver loop, so
each sweep pays one crossing from Python into C.
"""

import ctypes
import os
from pathlib import Path

import protocol

C_KERNELS = Path(__file__).resolve().parents[3] / "c_kernels"
SOURCE = C_KERNELS / "loop.c"
HEADERS = ("common.h", "laplace.h", "laplace_c.h")
SYMBOL = "laplace_c_loop"
LIBRARY = "libloop.so"


def build(cc, cflags):
    inputs = [SOURCE.read_bytes(), *[(C_KERNELS / h).read_bytes() for h in HEADERS],
              cc, protocol.compiler_version(cc), cflags]

    def compile_into(folder):
        protocol.run_tool([cc, *cflags, "-shared", "-fPIC", "-I", C_KERNELS,
                           "-o", folder / LIBRARY, SOURCE])

    return protocol.cached_build("ctypes", inputs, compile_into) / LIBRARY


def setup(args):
    import numpy as np
    cc = os.environ.get("CC", "cc")
    cflags = protocol.cflags()
    lib = ctypes.CDLL(str(build(cc, cflags)))
    kernel = getattr(lib, SYMBOL)
    size = ctypes.c_size_t
    kernel.argtypes = [ctypes.c_void_p, ctypes.c_void_p, size, size, ctypes.c_double,
                       ctypes.c_double, size, ctypes.c_double, ctypes.c_int]
    kernel.restype = ctypes.c_int

    def run(u, dx, dy, sweeps):
        # ctypes converts nothing here: the pointers and sizes are computed
        # once, and the driver loop makes one C call per sweep.
        if u.dtype != np.float64 or not u.flags.c_contiguous or not u.flags.writeable:
            raise ValueError("u must be a writeable C-contiguous float64 array")
        nx, ny = u.shape
        scratch = np.empty_like(u)
        ptr, scratch_ptr = u.ctypes.data, scratch.ctypes.data
        for _ in range(sweeps):
            rc = kernel(ptr, scratch_ptr, nx, ny, dx, dy, 1, 1.0, 1)
            if rc != 0:
                raise RuntimeError(f"{SYMBOL} returned {rc}")

    return protocol.Kernel(
        update=None,
        run=run,
        runtime=protocol.runtime(np) + f", ctypes {ctypes.__version__}",
        flags=f"{SOURCE.name} as a shared library: {cc} ({protocol.compiler_version(cc)}) "
              f"{' '.join(cflags)} -shared -fPIC; one ctypes call per sweep",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
