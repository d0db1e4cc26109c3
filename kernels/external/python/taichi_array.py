"""Taichi Jacobi: @ti.kernel over two float64 ti.fields (ping-pong), CPU, one thread, fast_math off.

Taichi compiles the kernels with its LLVM backend for the host CPU
(ti.init(arch=ti.cpu, fast_math=False, cpu_max_num_threads=1); Taichi's
default is fast_math=True). The grids are two dense ti.fields of the
problem's shape (Taichi's own data structure: the shape is compiled in),
allocated in setup. One kernel call runs every sweep: a serial loop over
pairs of sweeps (a -> b, b -> a), each a loop over the interior, and a
one-sweep kernel for an odd count, so Python is crossed once per run. The
timed call includes copying u into both fields (b keeps u's boundary, never
written) and the result back into u. Every kernel, the copies too, is
compiled and run before the timed call; Taichi's offline cache lives under
SHOOTOUT_BUILD_DIR/taichi.
"""

import numpy as np

import protocol

ti = None


def make_run(nx, ny):
    """Fields a and b of shape (nx, ny) and run(u, dx, dy, sweeps) over them."""
    a = ti.field(ti.f64, shape=(nx, ny))
    b = ti.field(ti.f64, shape=(nx, ny))

    @ti.func
    def sweep(src: ti.template(), dst: ti.template(), dx2: ti.f64, dy2: ti.f64):
        for i, j in ti.ndrange((1, nx - 1), (1, ny - 1)):
            dst[i, j] = ((src[i + 1, j] + src[i - 1, j]) * dy2
                         + (src[i, j + 1] + src[i, j - 1]) * dx2) / (2 * (dx2 + dy2))

    @ti.kernel
    def once(dx2: ti.f64, dy2: ti.f64):
        sweep(a, b, dx2, dy2)

    @ti.kernel
    def pairs(dx2: ti.f64, dy2: ti.f64, n: ti.i32):
        ti.loop_config(serialize=True)
        for _ in range(n):
            sweep(a, b, dx2, dy2)
            sweep(b, a, dx2, dy2)

    def run(u, dx, dy, sweeps):
        dx2 = dx * dx
        dy2 = dy * dy
        a.from_numpy(u)
        b.from_numpy(u)
        pairs(dx2, dy2, sweeps // 2)
        if sweeps % 2:
            once(dx2, dy2)
            u[...] = b.to_numpy()
        else:
            u[...] = a.to_numpy()
        ti.sync()

    return run


def setup(args):
    global ti
    ti = protocol.require("taichi")
    ti.init(arch=ti.cpu, default_fp=ti.f64, fast_math=False, cpu_max_num_threads=1,
            offline_cache=True, offline_cache_file_path=str(protocol.build_dir("taichi")),
            log_level=ti.WARN)
    run = make_run(args.nx, args.ny)
    for sweeps in (2, 3):  # compiles both kernels and both fields' copy kernels
        run(np.zeros((args.nx, args.ny)), args.dx, args.dy, sweeps)
    version = ".".join(map(str, ti.__version__))  # a tuple in taichi 1.7
    return protocol.Kernel(
        update=None,
        run=run,
        runtime=f"{protocol.runtime()}, taichi {version}",
        flags=f"taichi {version} @ti.kernel, LLVM JIT for the host CPU, "
              "arch=cpu fast_math=False cpu_max_num_threads=1, f64 fields of the grid's shape, "
              "serial loop over sweeps in one kernel, timed with copy in/out",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
